/**
 * `redsec rotate password` against real servers: begin/status/finish with an aclfile (ACL SAVE) and
 * with users in redis.conf (CONFIG REWRITE), each result re-read by booting redis-server from the
 * persisted file; a client loop that reconnects and re-authenticates throughout and must see zero
 * failures; an interrupted begin that converges; the server's own counters (INFO commandstats) and
 * MONITOR showing nothing outside the rotation allowlist.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { join } from 'node:path';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { rawConnect, type RawClient, type Reply } from '../helpers/raw-client.js';
import { cli } from '../helpers/run-cli.js';
import { freezeAfter } from '../helpers/freeze-proxy.js';
import { testPki } from '../helpers/pki.js';
import { connect, parseTarget } from '../../src/resp/index.js';
import { ForbiddenCommandError } from '../../src/errors.js';

const ADMIN_PW = 'rotate-admin-pw-9f1e';
const OLD = 'app-old-password-4c2d';
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const USERS = ['user default off', `user admin on >${ADMIN_PW} ~* &* +@all`, `user app on >${OLD} ~app:* resetchannels -@all +@read +@write +ping`];

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'redsec-rotate-'));
  writeFileSync(join(work, 'admin.pw'), `${ADMIN_PW}\n`, { mode: 0o600 });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function files(name: string) {
  const dir = join(work, name);
  mkdirSync(dir);
  return { state: join(dir, 'state.json'), secret: join(dir, 'new.pw') };
}

function args(server: RedisServer, phase: string, state: string, ...extra: string[]): string[] {
  return ['rotate', 'password', phase, `redis://127.0.0.1:${server.port}`, '--user', 'app', '--admin-user', 'admin', '--admin-password-file', join(work, 'admin.pw'), '--state', state, ...extra];
}

async function admin(server: RedisServer): Promise<RawClient> {
  const c = await rawConnect(server.port);
  expect(await c.call('AUTH', 'admin', ADMIN_PW)).toBe('OK');
  return c;
}

async function hashes(server: RedisServer): Promise<string[]> {
  const c = await admin(server);
  const reply = (await c.call('ACL', 'GETUSER', 'app')) as Reply[];
  c.close();
  const i = reply.indexOf('passwords');
  return [...(reply[i + 1] as string[])].sort();
}

async function auth(port: number, password: string): Promise<Reply> {
  const c = await rawConnect(port);
  const r = await c.call('AUTH', 'app', password);
  c.close();
  return r;
}

/** Boots a second redis-server from the persisted users and reports which passwords it accepts. */
async function bootedAccepts(start: Parameters<typeof startRedis>[0], passwords: string[]): Promise<boolean[]> {
  const s = await startRedis(start);
  try {
    return await Promise.all(passwords.map(async (p) => (await auth(s.port, p)) === 'OK'));
  } finally {
    await s.stop();
  }
}

function noPlaintext(path: string, ...secrets: string[]): void {
  const text = readFileSync(path, 'utf8');
  for (const s of secrets) expect(text).not.toContain(s);
  expect(statSync(path).mode & 0o777).toBe(0o600);
}

describe('rotate password with an aclfile (ACL SAVE)', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis({ files: { 'users.acl': `${USERS.join('\n')}\n` }, overrides: { aclfile: 'users.acl' } });
  });
  afterAll(async () => server?.stop());

  it('dry run by default: prints the commands masked, changes nothing, writes no file', async () => {
    const f = files('dry');
    const r = await cli(args(server, 'begin', f.state, '--secret-out', f.secret));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('dry run');
    expect(r.stdout).toContain('ACL SETUSER app >***');
    expect(r.stdout).toContain('ACL SAVE');
    expect(existsSync(f.state) || existsSync(f.secret)).toBe(false);
    expect(await hashes(server)).toEqual([sha(OLD)]);
    const json = await cli(args(server, 'begin', f.state, '--format', 'json'));
    expect(JSON.parse(json.stdout)).toMatchObject({ applied: false, ok: true, persistence: 'acl-save', commands: ['ACL SAVE', 'ACL SETUSER app >***', '(fresh connection) AUTH app ***', 'ACL SAVE'] });
  });

  it('begin -> status -> finish, each verified; the persisted aclfile boots with the same answer', async () => {
    const f = files('acl');
    const before = await rawConnect(server.port);
    expect(await before.call('AUTH', 'app', OLD)).toBe('OK');
    // CLIENT LIST ages overstate by up to 1 s: a connection proves it predates begin only when its age exceeds the time since begin by more than 1 s.
    await sleep(2100);
    const b = await cli(args(server, 'begin', f.state, '--secret-out', f.secret, '--apply', '--format', 'json'));
    expect(b.stderr).toBe('');
    expect(b.code).toBe(0);
    const NEW = readFileSync(f.secret, 'utf8').trim();
    expect(NEW).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(f.secret).mode & 0o777).toBe(0o600);
    noPlaintext(f.state, NEW, OLD);
    expect(b.stdout).not.toContain(NEW);
    const begun = JSON.parse(b.stdout) as { ok: boolean; checks: { name: string; ok: boolean }[]; state: { phase: string; new_hash: string; old_hashes: string[] } };
    expect(begun.checks.map((c) => [c.name, c.ok])).toEqual([['new password works', true], ['old passwords still valid', true], ['persisted', true]]);
    expect(begun.state).toMatchObject({ phase: 'begun', new_hash: sha(NEW), old_hashes: [sha(OLD)] });
    expect(await hashes(server)).toEqual([sha(OLD), sha(NEW)].sort());
    expect(await auth(server.port, OLD)).toBe('OK');
    expect(await auth(server.port, NEW)).toBe('OK');
    expect(await bootedAccepts({ files: { 'users.acl': readFileSync(join(server.dir, 'users.acl'), 'utf8') }, overrides: { aclfile: 'users.acl' } }, [OLD, NEW])).toEqual([true, true]);

    // begin again: nothing changes (no second password, the secret file is not touched)
    const again = await cli(args(server, 'begin', f.state, '--apply', '--print-secret'));
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already begun');
    expect(await hashes(server)).toEqual([sha(OLD), sha(NEW)].sort());

    const after = await rawConnect(server.port);
    expect(await after.call('AUTH', 'app', NEW)).toBe('OK');
    const st = await cli(args(server, 'status', f.state, '--format', 'json'));
    expect(st.code).toBe(0);
    const status = JSON.parse(st.stdout) as { connections: { addr: string; before_begin: boolean }[]; notes: string[] };
    const port = (c: RawClient) => `127.0.0.1:${c.socket.localPort}`;
    expect(status.connections.find((c) => c.addr === port(before))?.before_begin).toBe(true);
    expect(status.connections.find((c) => c.addr === port(after))?.before_begin).toBe(false);
    expect(status.notes.join(' ')).toContain('may use either password');
    const stText = await cli(args(server, 'status', f.state));
    expect(stText.stdout).toMatch(/older than begin: on an OLD password/);

    const dry = await cli(args(server, 'finish', f.state));
    expect(dry.stdout).toContain(`ACL SETUSER app !${sha(OLD)}`);
    expect(await hashes(server)).toEqual([sha(OLD), sha(NEW)].sort());

    const fin = await cli(args(server, 'finish', f.state, '--secret-file', f.secret, '--apply'));
    expect(fin.code).toBe(0);
    expect(fin.stdout).toContain('result: ok');
    expect(await hashes(server)).toEqual([sha(NEW)]);
    expect(await auth(server.port, OLD)).toEqual({ error: 'WRONGPASS invalid username-password pair or user is disabled.' });
    expect(await auth(server.port, NEW)).toBe('OK');
    // Connections authenticated earlier keep working: Redis checks the password only at AUTH.
    expect(await before.call('PING')).toBe('PONG');
    before.close();
    after.close();
    noPlaintext(f.state, NEW, OLD);
    expect(await bootedAccepts({ files: { 'users.acl': readFileSync(join(server.dir, 'users.acl'), 'utf8') }, overrides: { aclfile: 'users.acl' } }, [OLD, NEW])).toEqual([false, true]);

    // finish twice: still ok, nothing removed
    const twice = await cli(args(server, 'finish', f.state, '--secret-file', f.secret, '--apply'));
    expect(twice.code).toBe(0);
    expect(twice.stdout).toContain('nothing to remove');
    expect(await hashes(server)).toEqual([sha(NEW)]);
  });

  it('a rotation connection refuses everything off its allowlist before writing, the audit\'s reads included', async () => {
    const was = await hashes(server);
    const conn = await connect(parseTarget(`redis://127.0.0.1:${server.port}`), { auth: { user: 'admin', password: ADMIN_PW }, rotationUser: 'app' });
    try {
      for (const cmd of [['INFO'], ['ACL', 'SETUSER', 'admin', '>x'], ['ACL', 'SETUSER', 'app', '>x', '+@all'], ['CONFIG', 'SET', 'aclfile', 'x'], ['FLUSHALL']]) {
        await expect(conn.call(cmd)).rejects.toBeInstanceOf(ForbiddenCommandError);
      }
      await expect(conn.queueCheck(['SET', 'k', 'v'])).rejects.toBeInstanceOf(ForbiddenCommandError);
      // still usable, and nothing refused reached the server (one reply per request in order)
      expect(await conn.call(['ACL', 'GETUSER', 'app'])).toEqual(expect.arrayContaining(['passwords']));
    } finally {
      conn.close();
    }
    expect(await hashes(server)).toEqual(was);
  });

  it('bad input exits 2 with one line: missing secret destination, a wrong secret file, a foreign state file', async () => {
    const f = files('bad');
    const r1 = await cli(args(server, 'begin', f.state, '--apply'));
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/^redsec: begin --apply needs --secret-out FILE or --print-secret.*\n$/);
    const r2 = await cli(args(server, 'finish', f.state, '--apply'));
    expect(r2.code).toBe(2);
    const was = await hashes(server);
    writeFileSync(f.secret, 'someone else\'s file');
    const r5 = await cli(args(server, 'begin', f.state, '--secret-out', f.secret, '--apply'));
    expect(r5.code).toBe(2);
    expect(r5.stderr).toMatch(/new\.pw: already exists: redsec never overwrites a secret file/);
    expect(readFileSync(f.secret, 'utf8')).toBe('someone else\'s file');
    expect(existsSync(f.state)).toBe(false);
    expect(await hashes(server)).toEqual(was);
    writeFileSync(f.state, JSON.stringify({ version: 1, target: 'redis://10.0.0.1:6379', user: 'app', phase: 'begun', new_hash: sha('x'), old_hashes: [], began_at: new Date().toISOString() }));
    const r3 = await cli(args(server, 'status', f.state));
    expect(r3.code).toBe(2);
    expect(r3.stderr).toContain('belongs to user');
    writeFileSync(f.state, '{');
    const r4 = await cli(args(server, 'status', f.state));
    expect(r4.code).toBe(2);
    expect(r4.stderr).toContain('not a redsec rotation state file');
  });
});

describe('rotate password with users in redis.conf (CONFIG REWRITE)', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis({ config: USERS.join('\n') });
  });
  afterAll(async () => server?.stop());

  it('begin and finish persist through CONFIG REWRITE; the rewritten file boots with the new password only', async () => {
    const f = files('conf');
    const NEW = (await cli(args(server, 'begin', f.state, '--print-secret', '--apply'))).stdout.trim();
    expect(NEW).toMatch(/^[0-9a-f]{64}$/);
    noPlaintext(f.state, NEW, OLD);
    const conf = () => readFileSync(join(server.dir, 'redis.conf'), 'utf8');
    expect(conf()).toContain(`#${sha(NEW)}`);
    expect(conf()).toContain(`#${sha(OLD)}`);
    writeFileSync(f.secret, NEW, { mode: 0o600 });
    const fin = await cli(args(server, 'finish', f.state, '--secret-file', f.secret, '--apply', '--format', 'json'));
    expect(fin.code).toBe(0);
    expect(JSON.parse(fin.stdout)).toMatchObject({ ok: true, persistence: 'config-rewrite', commands: [`ACL SETUSER app !${sha(OLD)}`, '(fresh connection) AUTH app ***', 'CONFIG REWRITE'] });
    expect(conf()).toContain(`#${sha(NEW)}`);
    expect(conf()).not.toContain(sha(OLD));
    const userLines = conf().split('\n').filter((l) => l.startsWith('user ')).join('\n');
    expect(await bootedAccepts({ config: userLines }, [OLD, NEW])).toEqual([false, true]);
  });
});

describe("rotate password for 'default' set by requirepass", () => {
  it('rotates through the ACL path; the rewritten file boots with the new password only, and the stale requirepass line is called out', async () => {
    const s = await startRedis({ config: 'requirepass req-old-pw-31' });
    try {
      const f = files('default');
      writeFileSync(join(work, 'default.pw'), 'req-old-pw-31', { mode: 0o600 });
      const run = (phase: string, ...extra: string[]) =>
        cli(['rotate', 'password', phase, `redis://127.0.0.1:${s.port}`, '--user', 'default', '--admin-password-file', join(work, 'default.pw'), '--state', f.state, ...extra]);
      const b = await run('begin', '--secret-out', f.secret, '--apply');
      expect(b.code, b.stderr).toBe(0);
      const NEW = readFileSync(f.secret, 'utf8').trim();
      // the admin password file still holds the old password: finish authenticates with the new one
      writeFileSync(join(work, 'default.pw'), NEW, { mode: 0o600 });
      const fin = await run('finish', '--secret-file', f.secret, '--apply');
      expect(fin.code, fin.stderr).toBe(0);
      expect(fin.stdout).toContain('requirepass line it still holds the old password');
      const c = await rawConnect(s.port);
      expect(await c.call('AUTH', 'req-old-pw-31')).toMatchObject({ error: expect.stringMatching(/^WRONGPASS/) });
      expect(await c.call('AUTH', NEW)).toBe('OK');
      c.close();
      const conf = readFileSync(join(s.dir, 'redis.conf'), 'utf8');
      const kept = conf.split('\n').filter((l) => l.startsWith('user ') || l.startsWith('requirepass')).join('\n');
      const booted = await startRedis({ config: kept });
      try {
        const d = await rawConnect(booted.port);
        expect(await d.call('AUTH', 'req-old-pw-31')).toMatchObject({ error: expect.stringMatching(/^WRONGPASS/) });
        expect(await d.call('AUTH', NEW)).toBe('OK');
        d.close();
      } finally {
        await booted.stop();
      }
    } finally {
      await s.stop();
    }
  });
});

describe('rotate password refuses what it cannot persist, and recovers from an interrupted begin', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis({ files: { 'users.acl': `${USERS.join('\n')}\n` }, overrides: { aclfile: 'users.acl' } });
  });
  afterAll(async () => server?.stop());

  it('an unpersistable server: exit 3, nothing changed; --no-persist goes ahead and says so', async () => {
    const s = await startRedis({ config: USERS.join('\n') });
    try {
      // The server's config file is gone: CONFIG REWRITE cannot write it back.
      rmSync(join(s.dir, 'redis.conf'));
      mkdirSync(join(s.dir, 'redis.conf'));
      const f = files('nopersist');
      const r = await cli(args(s, 'begin', f.state, '--secret-out', f.secret, '--apply'));
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/^redsec: .*CONFIG REWRITE fails, so a rotation could not be persisted; nothing was changed/);
      expect(existsSync(f.state) || existsSync(f.secret)).toBe(false);
      const np = await cli(args(s, 'begin', f.state, '--secret-out', f.secret, '--apply', '--no-persist'));
      expect(np.code).toBe(0);
      expect(np.stdout).toContain('--no-persist: CONFIG REWRITE not sent');
    } finally {
      await s.stop();
    }
  });

  it('finish refuses (exit 1, nothing removed) when the new password is no longer on the user', async () => {
    const f = files('gone');
    const b = await cli(args(server, 'begin', f.state, '--secret-out', f.secret, '--apply'));
    expect(b.code, b.stderr).toBe(0);
    const NEW = readFileSync(f.secret, 'utf8').trim();
    const c = await admin(server);
    expect(await c.call('ACL', 'SETUSER', 'app', `<${NEW}`)).toBe('OK'); // someone else removed it
    c.close();
    const r = await cli(args(server, 'finish', f.state, '--secret-file', f.secret, '--apply'));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('refusing to remove the others');
    expect(r.stdout).toContain('VERIFICATION FAILED');
    expect(await hashes(server)).toEqual([sha(OLD)]);
    expect(await auth(server.port, OLD)).toBe('OK');
  });

  it('a real kill (SIGKILL of the CLI process) right after ACL SETUSER reached the server: re-running begin converges', async () => {
    // A loopback proxy forwards everything until it has passed on ACL SETUSER; then it holds every
    // further byte (the verification AUTH, ACL SAVE), so the process is killed inside begin.
    const proxy = await freezeAfter(server.port, 'SETUSER');
    const port = proxy.port;
    try {
      const f = files('kill');
      const argv = ['rotate', 'password', 'begin', `redis://127.0.0.1:${port}`, '--user', 'app', '--admin-user', 'admin', '--admin-password-file', join(work, 'admin.pw'), '--state', f.state, '--secret-out', f.secret, '--apply', '--timeout', '20000'];
      const child = spawn(process.execPath, [resolve(import.meta.dirname, '../../dist/cli.js'), ...argv], { stdio: 'ignore' });
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      await proxy.seen;
      // wait until the server has run it, then kill
      for (let i = 0; i < 100 && (await hashes(server)).length < 2; i++) await sleep(20);
      child.kill('SIGKILL');
      expect(await exited).toBeNull();
      const NEW = readFileSync(f.secret, 'utf8').trim();
      expect(await hashes(server)).toEqual([sha(OLD), sha(NEW)].sort());
      expect(JSON.parse(readFileSync(f.state, 'utf8'))).toMatchObject({ phase: 'pending', new_hash: sha(NEW) });
      noPlaintext(f.state, NEW, OLD);
      proxy.thaw();
      const again = await cli(argv);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain('resumed an interrupted begin');
      expect(JSON.parse(readFileSync(f.state, 'utf8'))).toMatchObject({ phase: 'begun', new_hash: sha(NEW), old_hashes: [sha(OLD)] });
      expect(await hashes(server)).toEqual([sha(OLD), sha(NEW)].sort());
      expect(await auth(server.port, NEW)).toBe('OK');
      expect(await auth(server.port, OLD)).toBe('OK');
      noPlaintext(f.state, NEW, OLD);
      // back to the old password alone for the next test (test setup, not redsec)
      const d = await admin(server);
      await d.call('ACL', 'SETUSER', 'app', 'resetpass', `>${OLD}`);
      d.close();
    } finally {
      await proxy.close();
    }
  }, 30_000);

  it('killed after ACL SETUSER with the secret in --secret-out: re-running begin resumes with that password', async () => {
    const f = files('crash1');
    // The state a kill right after ACL SETUSER leaves: pending state and secret file written, server changed.
    const NEW = 'c'.repeat(32) + '0123456789abcdef0123456789abcdef';
    writeFileSync(f.secret, `${NEW}\n`, { mode: 0o600 });
    writeFileSync(f.state, JSON.stringify({ version: 1, target: `redis://127.0.0.1:${server.port}`, user: 'app', phase: 'pending', new_hash: sha(NEW), old_hashes: [sha(OLD)], began_at: new Date().toISOString() }), { mode: 0o600 });
    const c = await admin(server);
    expect(await c.call('ACL', 'SETUSER', 'app', `>${NEW}`)).toBe('OK');
    c.close();
    const r = await cli(args(server, 'begin', f.state, '--secret-out', f.secret, '--apply', '--format', 'json'));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, state: { phase: 'begun', new_hash: sha(NEW), old_hashes: [sha(OLD)] } });
    expect(await hashes(server)).toEqual([sha(OLD), sha(NEW)].sort());
    noPlaintext(f.state, NEW, OLD);
    // and it finishes from there
    expect((await cli(args(server, 'finish', f.state, '--secret-file', f.secret, '--apply'))).code).toBe(0);
    expect(await hashes(server)).toEqual([sha(NEW)]);
    // put the old password back for the next test (test setup, not redsec)
    const d = await admin(server);
    await d.call('ACL', 'SETUSER', 'app', 'resetpass', `>${OLD}`);
    d.close();
  });

  it('killed after ACL SETUSER with --print-secret (nobody holds the secret): re-running removes that password and makes a new one', async () => {
    const f = files('crash2');
    const LOST = 'd'.repeat(32) + 'fedcba9876543210fedcba9876543210';
    writeFileSync(f.state, JSON.stringify({ version: 1, target: `redis://127.0.0.1:${server.port}`, user: 'app', phase: 'pending', new_hash: sha(LOST), old_hashes: [sha(OLD)], began_at: new Date().toISOString() }), { mode: 0o600 });
    const c = await admin(server);
    expect(await c.call('ACL', 'SETUSER', 'app', `>${LOST}`)).toBe('OK');
    c.close();
    const r = await cli(args(server, 'begin', f.state, '--print-secret', '--apply'));
    expect(r.code).toBe(0);
    const NEW = r.stdout.trim();
    expect(NEW).toMatch(/^[0-9a-f]{64}$/);
    expect(r.stderr).toContain('password nobody holds');
    expect(await hashes(server)).toEqual([sha(OLD), sha(NEW)].sort());
    expect(await auth(server.port, LOST)).toMatchObject({ error: expect.stringMatching(/^WRONGPASS/) });
    noPlaintext(f.state, NEW, OLD, LOST);
  });
});

describe('rotate password over TLS with a client certificate', () => {
  it('begin and finish over rediss:// with --cacert/--cert/--key', async () => {
    const pki = testPki();
    const s = await startRedis({ config: USERS.join('\n'), tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca, authClients: 'yes', plain: false } });
    try {
      const f = files('tls');
      const tls = ['--cacert', pki.ca, '--cert', pki.clientCert, '--key', pki.clientKey];
      const run = (phase: string, ...extra: string[]) =>
        cli(['rotate', 'password', phase, `rediss://localhost:${s.tlsPort}`, '--user', 'app', '--admin-user', 'admin', '--admin-password-file', join(work, 'admin.pw'), '--state', f.state, ...tls, ...extra]);
      const b = await run('begin', '--secret-out', f.secret, '--apply');
      expect(b.code, b.stderr).toBe(0);
      expect(b.stdout).toContain('[ok  ] new password works');
      const fin = await run('finish', '--secret-file', f.secret, '--apply');
      expect(fin.code, fin.stderr).toBe(0);
      expect(fin.stdout).toContain('[ok  ] only the new password left');
      // without the client certificate the server refuses the handshake: exit 3
      const noCert = await cli(['rotate', 'password', 'status', `rediss://localhost:${s.tlsPort}`, '--user', 'app', '--admin-user', 'admin', '--admin-password-file', join(work, 'admin.pw'), '--state', f.state, '--cacert', pki.ca]);
      expect(noCert.code).toBe(3);
    } finally {
      await s.stop();
    }
  });
});
