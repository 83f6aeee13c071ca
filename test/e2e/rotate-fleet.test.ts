/**
 * `redsec rotate password` beyond one server, on real processes: a master and its replica
 * (masteruser/masterauth), a Sentinel monitoring the master (auth-pass), and a fleet of nodes
 * (--targets). Each rotation is checked by what the servers themselves say: master_link_status,
 * SENTINEL MASTER, AUTH with the old and the new password, MONITOR; failures are provoked for real
 * (a replica refusing CONFIG SET, a node losing the new password) and must leave every old
 * password valid.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { rawConnect, type RawClient, type Reply } from '../helpers/raw-client.js';
import { cli } from '../helpers/run-cli.js';
import { freezeAfter } from '../helpers/freeze-proxy.js';
import { freePort } from '../helpers/ports.js';
import { monitorArgs } from '../helpers/server-watch.js';
import { encodeReply, startFakeResp } from '../helpers/fake-resp-server.js';
import { isRotationAllowed } from '../../src/resp/index.js';

const ADMIN_PW = 'fleet-admin-pw-7a3c';
const OLD = 'repl-old-password-51e0';
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// `repl` is the user replicas and sentinels authenticate as (and the one rotated).
const USERS = ['user default off', `user admin on >${ADMIN_PW} ~* &* +@all`, `user repl on >${OLD} ~* &* +@all`];
// A master starts a replica's first sync at once (the default waits 5 s for more replicas).
const NO_SYNC_DELAY = 'repl-diskless-sync-delay 0';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'redsec-rotate-fleet-'));
  writeFileSync(join(work, 'admin.pw'), `${ADMIN_PW}\n`, { mode: 0o600 });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function files(name: string) {
  const dir = join(work, name);
  mkdirSync(dir);
  return { state: join(dir, 'state.json'), secret: join(dir, 'new.pw'), dir };
}

const url = (s: RedisServer | number) => `redis://127.0.0.1:${typeof s === 'number' ? s : s.port}`;

function args(phase: string, state: string, ...extra: string[]): string[] {
  return ['rotate', 'password', phase, '--user', 'repl', '--admin-user', 'admin', '--admin-password-file', join(work, 'admin.pw'), '--state', state, ...extra];
}

async function admin(port: number): Promise<RawClient> {
  const c = await rawConnect(port);
  expect(await c.call('AUTH', 'admin', ADMIN_PW)).toBe('OK');
  return c;
}

async function auth(port: number, password: string): Promise<Reply> {
  const c = await rawConnect(port);
  const r = await c.call('AUTH', 'repl', password);
  c.close();
  return r;
}

async function hashes(port: number): Promise<string[]> {
  const c = await admin(port);
  const reply = (await c.call('ACL', 'GETUSER', 'repl')) as Reply[];
  c.close();
  return [...(reply[reply.indexOf('passwords') + 1] as string[])].sort();
}

async function linkStatus(port: number): Promise<string> {
  const c = await admin(port);
  const info = String(await c.call('INFO', 'replication'));
  c.close();
  return /master_link_status:(\w+)/.exec(info)?.[1] ?? '?';
}

async function until(what: string, ok: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function startReplica(master: RedisServer, extraUsers: string[] = USERS): Promise<RedisServer> {
  const r = await startRedis({ config: [...extraUsers, `replicaof 127.0.0.1 ${master.port}`, 'masteruser repl', `masterauth ${OLD}`].join('\n') });
  await until('the replica link', async () => (await linkStatus(r.port)) === 'up');
  return r;
}

/** Samples master_link_status every 10 ms until stopped: every sample must be "up". */
function watchLink(port: number): { stop: () => Promise<string[]> } {
  const samples: string[] = [];
  let running = true;
  const loop = (async () => {
    const c = await admin(port);
    while (running) {
      samples.push(/master_link_status:(\w+)/.exec(String(await c.call('INFO', 'replication')))?.[1] ?? '?');
      await sleep(10);
    }
    c.close();
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return samples;
    },
  };
}

/** MONITOR on a server; the commands the rotation's connections sent (not the master link's). */
async function monitor(port: number, skipAddr?: string): Promise<{ stop: () => Promise<string[][]> }> {
  const m = await admin(port);
  let text = '';
  m.socket.on('data', (d: Buffer) => (text += d.toString()));
  expect(await m.call('MONITOR')).toBe('OK');
  return {
    stop: async () => {
      await sleep(200);
      m.close();
      const lines = text.split('\r\n').filter((l) => l.startsWith('+') && l.includes('] "'));
      return lines.filter((l) => skipAddr === undefined || !l.includes(`${skipAddr}]`)).map(monitorArgs);
    },
  };
}

function noPlaintext(path: string, ...secrets: string[]): void {
  const text = readFileSync(path, 'utf8');
  for (const s of secrets) expect(text).not.toContain(s);
  expect(statSync(path).mode & 0o777).toBe(0o600);
}

describe('rotating the replication user (masteruser/masterauth)', () => {
  let master: RedisServer;
  let replica: RedisServer;
  beforeAll(async () => {
    master = await startRedis({ config: [...USERS, NO_SYNC_DELAY].join('\n') });
    replica = await startReplica(master);
  }, 30_000);
  afterAll(async () => {
    await replica?.stop();
    await master?.stop();
  });

  it('begin updates and persists masterauth, the link stays up throughout, finish leaves only the new password; MONITOR sees only the allowlist', async () => {
    const f = files('repl');
    const run = (phase: string, ...extra: string[]) => cli([...args(phase, f.state, url(master), '--replica', url(replica)), ...extra]);
    const dry = await run('begin');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('CONFIG SET masterauth ***');
    expect(dry.stdout).toContain('dry run');
    expect(existsSync(f.state)).toBe(false);

    const link = watchLink(replica.port);
    const monMaster = await monitor(master.port);
    const monReplica = await monitor(replica.port, `127.0.0.1:${master.port}`);
    const b = await run('begin', '--apply', '--secret-out', f.secret, '--format', 'json');
    expect(b.code, b.stdout + b.stderr).toBe(0);
    const NEW = readFileSync(f.secret, 'utf8').trim();
    expect(b.stdout).not.toContain(NEW);
    noPlaintext(f.state, NEW, OLD);
    const begun = JSON.parse(b.stdout) as { ok: boolean; peers: { role: string; checks: { name: string; ok: boolean }[] }[]; state: { phase: string; replicas: { updated_at?: string }[] } };
    expect(begun.state.phase).toBe('begun');
    expect(begun.state.replicas[0]?.updated_at).toBeDefined();
    expect(begun.peers[0]?.checks.map((c) => [c.name, c.ok])).toEqual([['replica link up before', true], ['replica persisted', true], ['replica link up', true]]);
    // persisted: the replica's rewritten config file names the new password, no longer the old one
    const conf = readFileSync(join(replica.dir, 'redis.conf'), 'utf8');
    expect(conf).toMatch(new RegExp(`^masterauth "?${NEW}"?$`, 'm'));
    expect(conf).not.toContain(OLD);
    expect(await auth(master.port, OLD)).toBe('OK');
    expect(await auth(master.port, NEW)).toBe('OK');

    const st = await run('status');
    expect(st.code, st.stderr).toBe(0);
    expect(st.stdout).toMatch(/masterauth updated at/);
    expect(st.stdout).toContain('[ok  ] replica link up');

    const fin = await run('finish', '--apply', '--secret-file', f.secret);
    expect(fin.code, fin.stdout + fin.stderr).toBe(0);
    expect(fin.stdout).toContain('[ok  ] replica link up before the old password goes');
    expect(fin.stdout).toContain('[ok  ] replica link up after');
    const samples = await link.stop();
    expect(samples.length).toBeGreaterThan(3);
    expect(samples.filter((s) => s !== 'up')).toEqual([]);
    for (const mon of [await monMaster.stop(), await monReplica.stop()]) {
      expect(mon.length).toBeGreaterThan(3);
      for (const cmd of mon) expect(isRotationAllowed(cmd, 'repl'), cmd.join(' ')).toBe(true);
    }
    expect(await hashes(master.port)).toEqual([sha(NEW)]);
    expect(await auth(master.port, OLD)).toMatchObject({ error: expect.stringMatching(/^WRONGPASS/) });
    noPlaintext(f.state, NEW, OLD);

    // The replica re-links with the new password (the old one is gone): drop its link by hand.
    const r = await admin(replica.port);
    expect(await r.call('CLIENT', 'KILL', 'TYPE', 'master')).toBe(1);
    r.close();
    await until('the replica to re-link with the new password', async () => (await linkStatus(replica.port)) === 'up');
  }, 60_000);

  it('--relink-replicas proves the new masterauth at once by re-linking the replica', async () => {
    // This rotation starts from the previous test's password (the user holds only that one).
    const f = files('relink');
    const b = await cli([...args('begin', f.state, url(master), '--replica', url(replica)), '--relink-replicas', '--apply', '--secret-out', f.secret]);
    expect(b.code, b.stdout + b.stderr).toBe(0);
    expect(b.stdout).toContain('CLIENT KILL TYPE master');
    expect(b.stdout).toContain('[ok  ] replica re-linked with the new password');
    const NEW = readFileSync(f.secret, 'utf8').trim();
    expect(readFileSync(join(replica.dir, 'redis.conf'), 'utf8')).toMatch(new RegExp(`^masterauth "?${NEW}"?$`, 'm'));
    expect(await linkStatus(replica.port)).toBe('up');
  }, 30_000);
});

describe('a replica update that fails stops the rotation with the old password still valid', () => {
  let master: RedisServer;
  let replica: RedisServer;
  beforeAll(async () => {
    master = await startRedis({ config: [...USERS, NO_SYNC_DELAY].join('\n') });
    // On this replica the admin user may not CONFIG SET: the masterauth update is refused for real.
    replica = await startReplica(master, ['user default off', `user admin on >${ADMIN_PW} ~* &* +@all -config|set`, `user repl on >${OLD} ~* &* +@all`]);
  }, 30_000);
  afterAll(async () => {
    await replica?.stop();
    await master?.stop();
  });

  it('exit 3, masterauth unchanged, finish refuses; once fixed, begin resumes and the rotation completes', async () => {
    const f = files('replfail');
    const run = (phase: string, ...extra: string[]) => cli([...args(phase, f.state, url(master), '--replica', url(replica)), ...extra]);
    const b = await run('begin', '--apply', '--secret-out', f.secret);
    expect(b.code, b.stdout + b.stderr).toBe(3);
    expect(b.stdout).toMatch(/stopped: PROTOCOL: redis:\/\/127\.0\.0\.1:\d+: CONFIG SET masterauth failed: NOPERM/);
    expect(b.stdout).toContain('the old password is still valid everywhere');
    expect(b.stdout).toContain('result: STOPPED, a target failed');
    const NEW = readFileSync(f.secret, 'utf8').trim();
    expect(await auth(master.port, OLD)).toBe('OK');
    expect(readFileSync(join(replica.dir, 'redis.conf'), 'utf8')).toContain(OLD);
    expect(await linkStatus(replica.port)).toBe('up');
    expect(JSON.parse(readFileSync(f.state, 'utf8'))).toMatchObject({ phase: 'pending', replicas: [{ target: url(replica) }] });
    noPlaintext(f.state, NEW, OLD);

    const fin = await run('finish', '--apply', '--secret-file', f.secret);
    expect(fin.code).toBe(2);
    expect(fin.stderr).toContain('no completed begin recorded');
    expect(await hashes(master.port)).toEqual([sha(OLD), sha(NEW)].sort());

    // The operator fixes the replica's ACL; the same begin resumes with the same password.
    const c = await admin(replica.port);
    // (admin may not CONFIG SET, but may change ACLs: +@all minus config|set)
    expect(await c.call('ACL', 'SETUSER', 'admin', '+config|set')).toBe('OK');
    c.close();
    const again = await run('begin', '--apply', '--secret-out', f.secret);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toContain('resumed an interrupted begin');
    expect(readFileSync(f.secret, 'utf8').trim()).toBe(NEW);
    const done = await run('finish', '--apply', '--secret-file', f.secret);
    expect(done.code, done.stdout + done.stderr).toBe(0);
    expect(await hashes(master.port)).toEqual([sha(NEW)]);
    expect(await linkStatus(replica.port)).toBe('up');
  }, 60_000);
});

describe("a replica that authenticates with requirepass (no masteruser: the 'default' user)", () => {
  it('--user default updates masterauth; the replica re-links with the new password after finish', async () => {
    const conf = [`user admin on >${ADMIN_PW} ~* &* +@all`, `requirepass ${OLD}`, NO_SYNC_DELAY];
    const master = await startRedis({ config: conf.join('\n') });
    const replica = await startRedis({ config: [...conf, `replicaof 127.0.0.1 ${master.port}`, `masterauth ${OLD}`].join('\n') });
    try {
      await until('the replica link', async () => (await linkStatus(replica.port)) === 'up');
      const f = files('default-replica');
      const run = (phase: string, ...extra: string[]) =>
        cli(['rotate', 'password', phase, url(master), '--replica', url(replica), '--user', 'default', '--admin-user', 'admin', '--admin-password-file', join(work, 'admin.pw'), '--state', f.state, ...extra]);
      const b = await run('begin', '--apply', '--secret-out', f.secret);
      expect(b.code, b.stdout + b.stderr).toBe(0);
      const NEW = readFileSync(f.secret, 'utf8').trim();
      expect(readFileSync(join(replica.dir, 'redis.conf'), 'utf8')).toMatch(new RegExp(`^masterauth "?${NEW}"?$`, 'm'));
      const fin = await run('finish', '--apply', '--secret-file', f.secret);
      expect(fin.code, fin.stdout + fin.stderr).toBe(0);
      const c = await rawConnect(master.port);
      expect(await c.call('AUTH', OLD)).toMatchObject({ error: expect.stringMatching(/^WRONGPASS/) });
      c.close();
      const r = await admin(replica.port);
      expect(await r.call('CLIENT', 'KILL', 'TYPE', 'master')).toBe(1);
      r.close();
      await until('the replica to re-link with the new password', async () => (await linkStatus(replica.port)) === 'up');
    } finally {
      await replica.stop();
      await master.stop();
    }
  }, 60_000);

  it('a replica that authenticates as another user is refused before anything changes', async () => {
    const master = await startRedis({ config: [...USERS, NO_SYNC_DELAY].join('\n') });
    const replica = await startReplica(master);
    try {
      const f = files('other-user-replica');
      const r = await cli(['rotate', 'password', 'begin', url(master), '--replica', url(replica), '--user', 'admin', '--admin-user', 'admin', '--admin-password-file', join(work, 'admin.pw'), '--state', f.state, '--apply', '--secret-out', f.secret]);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain("authenticates to its master as 'repl', not 'admin'");
      expect(existsSync(f.state) || existsSync(f.secret)).toBe(false);
    } finally {
      await replica.stop();
      await master.stop();
    }
  }, 60_000);
});

/** redis-sentinel on a free loopback port, monitoring `master` as user repl. */
async function startSentinel(master: RedisServer, name: string): Promise<{ port: number; dir: string; conf: string; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'redsec-sentinel-'));
  const port = await freePort();
  const conf = join(dir, 'sentinel.conf');
  writeFileSync(
    conf,
    [`port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, `logfile ${join(dir, 'sentinel.log')}`, `sentinel monitor ${name} 127.0.0.1 ${master.port} 1`, `sentinel auth-user ${name} repl`, `sentinel auth-pass ${name} ${OLD}`, `sentinel down-after-milliseconds ${name} 1000`, ''].join('\n'),
  );
  const child: ChildProcess = spawn('redis-sentinel', [conf], { cwd: dir, stdio: 'ignore' });
  const stop = async () => {
    if (child.exitCode === null) {
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await done;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await until('sentinel to see the master up', async () => {
      try {
        const c = await rawConnect(port);
        const reply = (await c.call('SENTINEL', 'MASTER', name)) as Reply[];
        c.close();
        const flags = Array.isArray(reply) ? String(reply[reply.indexOf('flags') + 1]) : '';
        return flags === 'master';
      } catch {
        return false;
      }
    });
  } catch (e) {
    await stop();
    throw e;
  }
  return { port, dir, conf, stop };
}

async function sentinelView(port: number, name: string): Promise<{ flags: string; lastOk: number }> {
  const c = await rawConnect(port);
  const reply = (await c.call('SENTINEL', 'MASTER', name)) as Reply[];
  c.close();
  return { flags: String(reply[reply.indexOf('flags') + 1]), lastOk: Number(reply[reply.indexOf('last-ok-ping-reply') + 1]) };
}

describe('rotating the user Sentinel authenticates with (SENTINEL SET auth-pass)', () => {
  it('each sentinel gets the new auth-pass (persisted in its file); after finish it still reaches the master with it', async () => {
    const master = await startRedis({ config: [...USERS, NO_SYNC_DELAY].join('\n') });
    const sentinel = await startSentinel(master, 'mymaster');
    try {
      const f = files('sentinel');
      const run = (phase: string, ...extra: string[]) => cli([...args(phase, f.state, url(master), '--sentinel', url(sentinel.port), '--sentinel-master', 'mymaster'), ...extra]);
      const dry = await run('begin');
      expect(dry.code, dry.stdout + dry.stderr).toBe(0);
      expect(dry.stdout).toContain('SENTINEL SET mymaster auth-pass ***');
      const b = await run('begin', '--apply', '--secret-out', f.secret);
      expect(b.code, b.stdout + b.stderr).toBe(0);
      expect(b.stdout).toContain('[ok  ] sentinel sees the master up before');
      expect(b.stdout).toContain('[ok  ] sentinel reaches the master after the change');
      expect(b.stdout).toContain('the sentinel dropped its links at SENTINEL SET and reconnected');
      const NEW = readFileSync(f.secret, 'utf8').trim();
      expect(b.stdout).not.toContain(NEW);
      // Sentinel rewrote its own file: the new auth-pass, not the old.
      const conf = readFileSync(sentinel.conf, 'utf8');
      expect(conf).toContain(NEW);
      expect(conf).not.toContain(OLD);
      const fin = await run('finish', '--apply', '--secret-file', f.secret);
      expect(fin.code, fin.stdout + fin.stderr).toBe(0);
      expect(await auth(master.port, OLD)).toMatchObject({ error: expect.stringMatching(/^WRONGPASS/) });
      // Drop every connection the sentinel has to the master: it must reconnect with the new password.
      const c = await admin(master.port);
      expect(await c.call('CLIENT', 'KILL', 'USER', 'repl')).toBeGreaterThan(0);
      c.close();
      await sleep(2500); // longer than down-after-milliseconds: a sentinel that cannot auth marks it s_down
      const view = await sentinelView(sentinel.port, 'mymaster');
      expect(view.flags).toBe('master');
      expect(view.lastOk).toBeLessThan(1500);
      noPlaintext(f.state, NEW, OLD);
    } finally {
      await sentinel.stop();
      await master.stop();
    }
  }, 60_000);

  it('a sentinel that does not monitor that master: nothing changes anywhere', async () => {
    const master = await startRedis({ config: [...USERS, NO_SYNC_DELAY].join('\n') });
    const sentinel = await startSentinel(master, 'mymaster');
    try {
      const f = files('sentinel-bad');
      const r = await cli([...args('begin', f.state, url(master), '--sentinel', url(sentinel.port), '--sentinel-master', 'other'), '--apply', '--secret-out', f.secret]);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/SENTINEL MASTER other failed: ERR No such master with that name/);
      expect(existsSync(f.state) || existsSync(f.secret)).toBe(false);
      expect(await hashes(master.port)).toEqual([sha(OLD)]);
      const usage = await cli([...args('begin', f.state, url(master), '--sentinel', url(sentinel.port))]);
      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain('--sentinel needs --sentinel-master NAME');
    } finally {
      await sentinel.stop();
      await master.stop();
    }
  }, 60_000);
});

describe('hostile replies from a sentinel', () => {
  it('control characters in SENTINEL MASTER are shown escaped, the check fails and nothing changes', async () => {
    const master = await startRedis({ config: USERS.join('\n') });
    // What no real sentinel says: flags carrying an escape sequence and a forged line.
    const fake = await startFakeResp({
      onCommand: (cmd, conn) => {
        if (cmd[0]?.toUpperCase() === 'SENTINEL') conn.socket.write(encodeReply(['name', 'mymaster', 'flags', 'master\x1b[2J\nresult: ok', 'last-ok-ping-reply', '5']));
        else conn.socket.write('-ERR unknown command\r\n');
      },
    });
    try {
      const f = files('hostile-sentinel');
      const run = (...extra: string[]) => cli([...args('begin', f.state, url(master), '--sentinel', url(fake.port), '--sentinel-master', 'mymaster'), ...extra]);
      for (const r of [await run(), await run('--apply', '--secret-out', f.secret)]) {
        expect(r.code).toBe(1);
        expect(r.stdout + r.stderr).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
        expect(r.stdout).not.toMatch(/^result: ok$/m);
        expect(r.stdout).toContain('[FAIL] sentinel');
      }
      expect(existsSync(f.state) || existsSync(f.secret)).toBe(false);
      expect(await hashes(master.port)).toEqual([sha(OLD)]);
    } finally {
      await fake.stop();
      await master.stop();
    }
  }, 30_000);
});

describe('fleet rotation (--targets): begin on all, verify all, finish on all', () => {
  let nodes: RedisServer[];
  beforeAll(async () => {
    nodes = await Promise.all([0, 1, 2].map(() => startRedis({ files: { 'users.acl': `${USERS.join('\n')}\n` }, overrides: { aclfile: 'users.acl' } })));
  }, 30_000);
  afterAll(async () => {
    await Promise.all((nodes ?? []).map((n) => n.stop()));
  });

  it('one new password on every node; a node that lost it stops finish before any old password is removed', async () => {
    const f = files('fleet');
    const targets = join(f.dir, 'targets.txt');
    writeFileSync(targets, `# the cluster's nodes\n${nodes.map((n) => url(n)).join('\n')}\n`);
    const run = (phase: string, ...extra: string[]) => cli([...args(phase, f.state, '--targets', targets), ...extra]);
    const mon = await monitor(nodes[1]!.port);
    const b = await run('begin', '--apply', '--secret-out', f.secret);
    expect(b.code, b.stdout + b.stderr).toBe(0);
    expect(b.stdout).toContain("user 'repl' on 3 nodes — applied");
    const NEW = readFileSync(f.secret, 'utf8').trim();
    for (const n of nodes) {
      expect(await hashes(n.port)).toEqual([sha(OLD), sha(NEW)].sort());
      expect(readFileSync(join(n.dir, 'users.acl'), 'utf8')).toContain(sha(NEW));
    }
    noPlaintext(f.state, NEW, OLD);

    // Someone removes the new password from the middle node: finish verifies every node first.
    const c = await admin(nodes[1]!.port);
    expect(await c.call('ACL', 'SETUSER', 'repl', `<${NEW}`)).toBe('OK');
    c.close();
    const fin = await run('finish', '--apply', '--secret-file', f.secret);
    expect(fin.code, fin.stdout + fin.stderr).toBe(1);
    expect(fin.stdout).toContain('nothing was removed anywhere');
    expect(fin.stdout).toContain('result: VERIFICATION FAILED');
    for (const n of nodes) expect(await auth(n.port, OLD)).toBe('OK');
    expect(await hashes(nodes[0]!.port)).toEqual([sha(OLD), sha(NEW)].sort());

    // begin again with the password in --secret-out gives it back where it went missing.
    const again = await run('begin', '--apply', '--secret-out', f.secret);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(await hashes(nodes[1]!.port)).toEqual([sha(OLD), sha(NEW)].sort());

    const done = await run('finish', '--apply', '--secret-file', f.secret, '--format', 'json');
    expect(done.code, done.stdout + done.stderr).toBe(0);
    const report = JSON.parse(done.stdout) as { verified: { checks: { ok: boolean }[] }[]; nodes: { ok: boolean }[]; state: { phase: string } };
    expect(report.verified).toHaveLength(3);
    expect(report.verified.every((v) => v.checks.length === 2 && v.checks.every((x) => x.ok))).toBe(true);
    expect(report.state.phase).toBe('finished');
    for (const n of nodes) {
      expect(await hashes(n.port)).toEqual([sha(NEW)]);
      expect(await auth(n.port, OLD)).toMatchObject({ error: expect.stringMatching(/^WRONGPASS/) });
      expect(await auth(n.port, NEW)).toBe('OK');
      expect(readFileSync(join(n.dir, 'users.acl'), 'utf8')).not.toContain(sha(OLD));
    }
    const seen = await mon.stop();
    expect(seen.length).toBeGreaterThan(5);
    // the test's own ACL SETUSER <NEW is the one command outside the allowlist
    for (const cmd of seen.filter((x) => !(x[1] === 'SETUSER' && x[3]?.startsWith('<')))) expect(isRotationAllowed(cmd, 'repl'), cmd.join(' ')).toBe(true);
    noPlaintext(f.state, NEW, OLD);
  }, 60_000);

  it('a real three-node cluster (ACLs per node): the fleet rotation leaves cluster_state:ok and one password on every node', async () => {
    const cluster = await Promise.all(
      [0, 1, 2].map(async () => {
        const bus = await freePort();
        return { s: await startRedis({ config: USERS.join('\n'), overrides: { 'cluster-enabled': 'yes', 'cluster-port': String(bus), 'cluster-config-file': 'nodes.conf' } }), bus };
      }),
    );
    const conns = await Promise.all(cluster.map((n) => admin(n.s.port)));
    try {
      const third = Math.floor(16384 / 3);
      const ranges = [[0, third - 1], [third, 2 * third - 1], [2 * third, 16383]] as const;
      for (const [i, c] of conns.entries()) expect(await c.call('CLUSTER', 'ADDSLOTSRANGE', String(ranges[i]![0]), String(ranges[i]![1]))).toBe('OK');
      for (const n of cluster.slice(1)) expect(await conns[0]!.call('CLUSTER', 'MEET', '127.0.0.1', String(n.s.port), String(n.bus))).toBe('OK');
      const allOk = async () => (await Promise.all(conns.map(async (c) => /cluster_state:ok/.test(String(await c.call('CLUSTER', 'INFO')))))).every(Boolean);
      await until('cluster_state:ok on every node', allOk);
      const f = files('cluster');
      const targets = join(f.dir, 'nodes.txt');
      writeFileSync(targets, cluster.map((n) => url(n.s)).join('\n'));
      const b = await cli([...args('begin', f.state, '--targets', targets), '--apply', '--secret-out', f.secret]);
      expect(b.code, b.stdout + b.stderr).toBe(0);
      const fin = await cli([...args('finish', f.state, '--targets', targets), '--apply', '--secret-file', f.secret]);
      expect(fin.code, fin.stdout + fin.stderr).toBe(0);
      const NEW = readFileSync(f.secret, 'utf8').trim();
      expect(await allOk()).toBe(true);
      for (const n of cluster) {
        expect(await hashes(n.s.port)).toEqual([sha(NEW)]);
        expect(await auth(n.s.port, OLD)).toMatchObject({ error: expect.stringMatching(/^WRONGPASS/) });
        expect(readFileSync(join(n.s.dir, 'redis.conf'), 'utf8')).toContain(`#${sha(NEW)}`);
      }
    } finally {
      for (const c of conns) c.close();
      await Promise.all(cluster.map((n) => n.s.stop()));
    }
  }, 60_000);

  it('a real kill (SIGKILL) inside begin, right after the second node got ACL SETUSER: re-running begin converges on every node', async () => {
    const pair = await Promise.all([0, 1].map(() => startRedis({ config: USERS.join('\n') })));
    // The second node sits behind a loopback proxy that passes ACL SETUSER, then holds every byte.
    const proxy = await freezeAfter(pair[1]!.port, 'SETUSER');
    const proxyPort = proxy.port;
    try {
      const f = files('fleet-kill');
      const targets = join(f.dir, 'targets.txt');
      writeFileSync(targets, `${url(pair[0]!)}\n${url(proxyPort)}\n`);
      const argv = [...args('begin', f.state, '--targets', targets), '--apply', '--secret-out', f.secret, '--timeout', '20000'];
      const child = spawn(process.execPath, [resolve(import.meta.dirname, '../../dist/cli.js'), ...argv], { stdio: 'ignore' });
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      await proxy.seen;
      for (let i = 0; i < 100 && (await hashes(pair[1]!.port)).length < 2; i++) await sleep(20);
      child.kill('SIGKILL');
      expect(await exited).toBeNull();
      const NEW = readFileSync(f.secret, 'utf8').trim();
      for (const n of pair) expect(await hashes(n.port)).toEqual([sha(OLD), sha(NEW)].sort());
      const killed = JSON.parse(readFileSync(f.state, 'utf8')) as { phase: string; nodes: { target: string; phase: string }[] };
      expect(killed.phase).toBe('pending');
      expect(killed.nodes.map((n) => [n.target, n.phase]).sort()).toEqual([[url(pair[0]!), 'begun'], [url(proxyPort), 'pending']].sort());
      noPlaintext(f.state, NEW, OLD);
      proxy.thaw();
      const again = await cli(argv);
      expect(again.code, again.stdout + again.stderr).toBe(0);
      expect(again.stdout).toContain('resumed an interrupted begin');
      expect(readFileSync(f.secret, 'utf8').trim()).toBe(NEW);
      expect(JSON.parse(readFileSync(f.state, 'utf8'))).toMatchObject({ phase: 'begun', new_hash: sha(NEW) });
      for (const n of pair) {
        expect(await hashes(n.port)).toEqual([sha(OLD), sha(NEW)].sort());
        expect(await auth(n.port, OLD)).toBe('OK');
        expect(await auth(n.port, NEW)).toBe('OK');
      }
      noPlaintext(f.state, NEW, OLD);
    } finally {
      await proxy.close();
      await Promise.all(pair.map((n) => n.stop()));
    }
  }, 40_000);

  it('a node that cannot be reached stops begin before it reaches any node; a state file of another fleet is refused', async () => {
    const f = files('fleet-down');
    const dead = await freePort();
    const targets = join(f.dir, 'targets.txt');
    writeFileSync(targets, `${url(nodes[0]!)}\n${url(dead)}\n`);
    const before = await hashes(nodes[0]!.port);
    const r = await cli([...args('begin', f.state, '--targets', targets), '--apply', '--secret-out', f.secret]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^redsec: CONNREFUSED/);
    expect(existsSync(f.state) || existsSync(f.secret)).toBe(false);
    expect(await hashes(nodes[0]!.port)).toEqual(before);
    writeFileSync(f.state, JSON.stringify({ version: 1, kind: 'fleet', user: 'repl', phase: 'begun', new_hash: sha('x'), began_at: new Date().toISOString(), nodes: [], replicas: [], sentinels: [] }));
    const other = await cli([...args('status', f.state, '--targets', targets)]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('belongs to a rotation');
    const single = await cli([...args('status', f.state, url(nodes[0]!))]);
    expect(single.code).toBe(2);
    expect(single.stderr).toContain('records a fleet rotation');
  }, 30_000);
});
