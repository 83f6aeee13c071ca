/**
 * `redsec rotate tls` against real TLS redis-server processes: a dry run that changes nothing; a
 * rotation whose new certificate the server serves and openssl verifies, while a connection opened
 * before keeps working and the server saw nothing outside the TLS rotation allowlist (MONITOR for the
 * plain commands, INFO commandstats for the admin ones MONITOR never shows); --renew-within and
 * --check; a foreign CA refused; client certificates of a bundle renewed and accepted by the real
 * server (mTLS) and by redis-cli and openssl; a TLS replica whose link holds and re-handshakes
 * against the new certificate; a Sentinel reported as "restart needed".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { rawConnect, type RawClient } from '../helpers/raw-client.js';
import { cli } from '../helpers/run-cli.js';
import { freePort } from '../helpers/ports.js';
import { commandCounts, monitorArgs } from '../helpers/server-watch.js';
import { connect, isTlsRotationAllowed, parseTarget } from '../../src/resp/index.js';
import { ForbiddenCommandError } from '../../src/errors.js';
import { testPki } from '../helpers/pki.js';
import { bundleTls, tlsBundle } from '../helpers/tls-bundle.js';
import type { TlsRotateResult } from '../../src/rotate/index.js';

const PW = 'tls-rotate-admin-pw-31a7';
const ACL = ['user default off', `user admin on >${PW} ~* &* +@all`].join('\n');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let work: string;
const servers: RedisServer[] = [];
const children: ChildProcess[] = [];

const bundle = (name: string, leafDays: number): Promise<string> => tlsBundle(join(work, name), leafDays, PW);
const tlsOf = bundleTls;

async function server(opts: Parameters<typeof startRedis>[0]): Promise<RedisServer> {
  const s = await startRedis({ config: ACL, ...opts });
  servers.push(s);
  return s;
}

async function admin(port: number): Promise<RawClient> {
  const c = await rawConnect(port);
  expect(await c.call('AUTH', 'admin', PW)).toBe('OK');
  return c;
}

/** What openssl sees on the TLS port: the verify result against `ca` and the served serial. */
function openssl(port: number, ca: string, client?: { cert: string; key: string }): { verify: string; serial: string } {
  const out = execFileSync('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-CAfile', ca, '-verify_ip', '127.0.0.1', '-verify_return_error', ...(client ? ['-cert', client.cert, '-key', client.key] : [])], { input: '', encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(out)?.[0] ?? '';
  return { verify: /Verify return code: .*/.exec(out)?.[0] ?? 'none', serial: pem ? new X509Certificate(pem).serialNumber.toLowerCase() : 'none' };
}

function rotateArgs(url: string, b: string, ...extra: string[]): string[] {
  return ['rotate', 'tls', url, '--bundle', b, '--admin-user', 'admin', '--admin-password-file', join(b, 'admin.pw'), ...extra];
}

async function rotateJson(args: string[]): Promise<{ code: number; r: TlsRotateResult; stderr: string }> {
  const res = await cli([...args, '--format', 'json']);
  let r: TlsRotateResult;
  try {
    r = JSON.parse(res.stdout) as TlsRotateResult;
  } catch {
    throw new Error(`not JSON (exit ${res.code}): ${res.stdout}${res.stderr}`);
  }
  return { code: res.code, r, stderr: res.stderr };
}

const tlsFiles = (b: string) => readdirSync(join(b, 'tls')).sort();

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'redsec-rotate-tls-'));
});
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await Promise.all(servers.map((s) => s.stop()));
  rmSync(work, { recursive: true, force: true });
});

describe('rotate tls: server certificate', () => {
  it('a dry run changes nothing; --apply serves a new serial openssl verifies, an earlier connection lives on, persisted, only allowlisted commands sent', async () => {
    const b = await bundle('main', 20);
    const s = await server({ tls: tlsOf(b) });
    const url = `redis://127.0.0.1:${s.port}`;
    const ca = join(b, 'tls', 'ca.crt');
    const first = openssl(s.tlsPort, ca);
    expect(first.verify).toBe('Verify return code: 0 (ok)');

    const dry = await cli(rotateArgs(url, b));
    expect(dry.code, dry.stdout + dry.stderr).toBe(0);
    expect(dry.stdout).toContain('dry run (nothing changed');
    expect(dry.stdout).toMatch(/CONFIG SET tls-cert-file \S+redis\.\d{8}T\d{6}Z\.crt tls-key-file \S+redis\.\d{8}T\d{6}Z\.key/);
    expect(dry.stdout).toMatch(/redis\.\d{8}T\d{6}Z\.key \(mode 0600\)/);
    expect(tlsFiles(b)).toEqual(['ca.crt', 'ca.key', 'clients', 'redis.crt', 'redis.key']);
    expect(openssl(s.tlsPort, ca).serial).toBe(first.serial);

    // Watchers: MONITOR (plain commands with arguments) and INFO commandstats (admin commands too).
    const monitor = await admin(s.port);
    let seen = '';
    expect(await monitor.call('MONITOR')).toBe('OK');
    monitor.socket.on('data', (d: Buffer) => (seen += d.toString()));
    const stats = await admin(s.port);
    const before = commandCounts(String(await stats.call('INFO', 'commandstats')));
    // A TLS client connected before the rotation, mid-session.
    const early = await rawConnect(s.tlsPort, { tls: { ca: readFileSync(ca) } });
    expect(await early.call('AUTH', 'admin', PW)).toBe('OK');
    const afterEarly = commandCounts(String(await stats.call('INFO', 'commandstats')));

    const { code, r } = await rotateJson([...rotateArgs(url, b), '--apply']);
    expect(code, JSON.stringify(r.checks)).toBe(0);
    expect(r.applied).toBe(true);
    expect(r.checks.map((c) => [c.name, c.ok])).toEqual([
      ['served certificate is the file the server names', true],
      ['served certificate comes from this CA', true],
      ['new certificate served', true],
      ['connection opened before still works', true],
      ['replication/cluster links kept', true],
      ['server names the new files', true],
      ['persisted', true],
    ]);
    const fresh = r.certificates.find((c) => c.name === 'server (new)');
    expect(fresh?.serial).toMatch(/^[0-9a-f]{32}$/);

    // The real server serves it and openssl trusts it for the address; the old client still works.
    const now = openssl(s.tlsPort, ca);
    expect(now).toEqual({ verify: 'Verify return code: 0 (ok)', serial: fresh?.serial });
    expect(await early.call('PING')).toBe('PONG');
    early.close();
    const newCert = fresh!.file!;
    const newKey = newCert.replace(/\.crt$/, '.key');
    expect(statSync(newKey).mode & 0o777).toBe(0o600);
    expect(execFileSync('openssl', ['verify', '-CAfile', ca, '-purpose', 'sslserver', newCert], { encoding: 'utf8' })).toContain(': OK');
    expect(new X509Certificate(readFileSync(newCert)).subject).toBe(new X509Certificate(readFileSync(join(b, 'tls', 'redis.crt'))).subject);
    // The old files stay (rollback); the config file names the new ones.
    expect(tlsFiles(b)).toHaveLength(7);
    const conf = readFileSync(join(s.dir, 'redis.conf'), 'utf8');
    expect(conf).toContain(`tls-cert-file "${newCert}"`);
    expect(conf).toContain(`tls-key-file "${newKey}"`);

    await sleep(100);
    const after = commandCounts(String(await stats.call('INFO', 'commandstats')));
    stats.close();
    monitor.close();
    const ran = [...after].filter(([name, n]) => n > (afterEarly.get(name) ?? 0)).map(([name]) => name);
    // INFO (the watcher's own reads included), CONFIG GET/SET/REWRITE, AUTH and PING: nothing else.
    expect(ran.filter((n) => !['info', 'config|get', 'config|set', 'config|rewrite', 'auth', 'ping'].includes(n))).toEqual([]);
    expect(ran).toEqual(expect.arrayContaining(['config|set', 'config|rewrite', 'config|get', 'info', 'ping']));
    expect((after.get('config|set') ?? 0) - (before.get('config|set') ?? 0)).toBe(1);
    const lines = seen.split('\r\n').filter((l) => /^\+\d+\.\d+ \[/.test(l)).map(monitorArgs).filter((a) => a.length > 0);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.filter((a) => !isTlsRotationAllowed(a) && a[0]?.toUpperCase() !== 'AUTH')).toEqual([]);
  });

  it('--check reports days left (exit 1 when due), --renew-within skips a certificate outside the window and rotates one inside it', async () => {
    const b = await bundle('window', 20);
    const s = await server({ tls: tlsOf(b) });
    const url = `redis://127.0.0.1:${s.port}`;
    const due = await cli(rotateArgs(url, b, '--check'));
    expect(due.code, due.stdout + due.stderr).toBe(1);
    expect(due.stdout).toMatch(/server: CN=localhost, serial [0-9a-f]+, expires \S+ \(19 day\(s\) left\)  DUE \(within 30 days\)/);
    expect(due.stdout).toMatch(/client app: CN=app, .*\(19 day\(s\) left\)  DUE/);
    const calm = await rotateJson(rotateArgs(url, b, '--check', '--renew-within', '10d'));
    expect(calm.code).toBe(0);
    expect(calm.r.certificates.map((c) => [c.name, c.days_left, c.due])).toEqual([['server', 19, false], ['client admin', 19, false], ['client app', 19, false]]);

    const serial = openssl(s.tlsPort, join(b, 'tls', 'ca.crt')).serial;
    const skip = await rotateJson(rotateArgs(url, b, '--renew-within', '10d', '--apply'));
    expect(skip.code).toBe(0);
    expect(skip.r.commands).toEqual([]);
    expect(skip.r.notes.join('\n')).toContain('server certificate not due: 19 day(s) left, outside --renew-within 10d');
    expect(tlsFiles(b)).toHaveLength(5);
    expect(openssl(s.tlsPort, join(b, 'tls', 'ca.crt')).serial).toBe(serial);

    const go = await rotateJson(rotateArgs(url, b, '--renew-within', '30d', '--apply', '--days', '90'));
    expect(go.code, JSON.stringify(go.r.checks)).toBe(0);
    const fresh = go.r.certificates.find((c) => c.name === 'server (new)');
    expect(fresh?.days_left).toBe(89);
    expect(openssl(s.tlsPort, join(b, 'tls', 'ca.crt')).serial).toBe(fresh?.serial);
    // Now outside the window: a second cron run does nothing.
    const again = await rotateJson(rotateArgs(url, b, '--renew-within', '30d', '--apply'));
    expect(again.r.commands).toEqual([]);
    expect(again.r.certificates[0]?.file).toBe(fresh?.file);
  });

  it('a CA that did not issue the served certificate is refused before anything is written; bad CA files exit 2', async () => {
    const b = await bundle('served', 20);
    const other = await bundle('other', 20);
    const s = await server({ tls: tlsOf(b) });
    const url = `redis://127.0.0.1:${s.port}`;
    const { code, r } = await rotateJson([...rotateArgs(url, other), '--apply']);
    expect(code).toBe(1);
    expect(r.checks.find((c) => c.name === 'served certificate comes from this CA')?.ok).toBe(false);
    expect(r.commands).toEqual([]);
    expect(tlsFiles(other)).toHaveLength(5);
    expect(tlsFiles(b)).toHaveLength(5);
    const mismatched = await cli(['rotate', 'tls', url, '--ca-cert', join(b, 'tls', 'ca.crt'), '--ca-key', join(other, 'tls', 'ca.key'), '--admin-user', 'admin', '--admin-password-file', join(b, 'admin.pw'), '--apply']);
    expect(mismatched.code).toBe(2);
    expect(mismatched.stderr.trim()).toBe(`redsec: ${join(other, 'tls', 'ca.key')}: this key is not the CA certificate's key`);
    const none = await cli(['rotate', 'tls', url]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--bundle DIR or --ca-cert FILE --ca-key FILE');
  });
});

describe('rotate tls: an openssl-made CA and the connection allowlist', () => {
  it('renews a certificate from a CA openssl made (--ca-cert/--ca-key); openssl verifies the one served', async () => {
    const pki = testPki();
    const dir = join(work, 'openssl');
    mkdirSync(dir);
    for (const f of ['server.crt', 'server.key']) writeFileSync(join(dir, f), readFileSync(join(pki.dir, f)), { mode: 0o600 });
    writeFileSync(join(dir, 'admin.pw'), `${PW}\n`, { mode: 0o600 });
    const s = await server({ tls: { cert: join(dir, 'server.crt'), key: join(dir, 'server.key'), ca: pki.ca } });
    const { code, r } = await rotateJson(['rotate', 'tls', `redis://127.0.0.1:${s.port}`, '--ca-cert', pki.ca, '--ca-key', pki.caKey, '--admin-user', 'admin', '--admin-password-file', join(dir, 'admin.pw'), '--apply', '--days', '7']);
    expect(code, JSON.stringify(r.checks)).toBe(0);
    const fresh = r.certificates.find((c) => c.name === 'server (new)')!;
    expect(fresh.days_left).toBe(6);
    expect(openssl(s.tlsPort, pki.ca)).toEqual({ verify: 'Verify return code: 0 (ok)', serial: fresh.serial });
  });

  it('a TLS-rotation connection refuses every other write before a byte is written (the server counts nothing)', async () => {
    const s = await server({});
    const stats = await admin(s.port);
    const before = commandCounts(String(await stats.call('INFO', 'commandstats')));
    const conn = await connect(parseTarget(`redis://127.0.0.1:${s.port}`), { auth: { user: 'admin', password: PW }, tlsRotation: true, retries: 0 });
    for (const args of [['CONFIG', 'SET', 'dir', '/tmp'], ['CONFIG', 'SET', 'tls-cert-file', 'relative.crt'], ['FLUSHALL'], ['ACL', 'SETUSER', 'admin', 'nopass'], ['SHUTDOWN']]) {
      await expect(conn.call(args)).rejects.toThrow(ForbiddenCommandError);
    }
    await expect(conn.queueCheck(['FLUSHALL'])).rejects.toThrow("not on redsec's tls-rotation allowlist");
    expect(await conn.call(['PING'])).toBe('PONG');
    conn.close();
    const after = commandCounts(String(await stats.call('INFO', 'commandstats')));
    stats.close();
    const ran = [...after].filter(([name, n]) => n > (before.get(name) ?? 0)).map(([name]) => name);
    expect(ran.sort()).toEqual(['auth', 'info', 'ping']);
  });
});

describe('rotate tls: mTLS, client certificates, replication, Sentinel', () => {
  it('with tls-auth-clients yes over rediss://: server and client certificates renewed, the real server, redis-cli and openssl accept them, deploy commands listed', async () => {
    const b = await bundle('mtls', 20);
    const s = await server({ tls: { ...tlsOf(b, 'yes'), plain: false } });
    const url = `rediss://127.0.0.1:${s.tlsPort}`;
    const adminCert = ['--cert', join(b, 'tls', 'clients', 'admin.crt'), '--key', join(b, 'tls', 'clients', 'admin.key')];
    const { code, r } = await rotateJson([...rotateArgs(url, b, '--clients', 'app', '--apply'), ...adminCert]);
    expect(code, JSON.stringify(r.checks)).toBe(0);
    expect(r.checks.find((c) => c.name === "server accepts client app's new certificate")).toMatchObject({ ok: true });
    const app = r.certificates.find((c) => c.name === 'client app (new)')!;
    expect(app.file).toMatch(/clients\/app\.\d{8}T\d{6}Z\.crt$/);
    const appKey = app.file!.replace(/\.crt$/, '.key');
    expect(statSync(appKey).mode & 0o777).toBe(0o600);
    expect(r.deploy.join('\n')).toContain(`install -m 0600 ${appKey}`);
    // admin was not asked for: untouched.
    expect(readdirSync(join(b, 'tls', 'clients')).filter((f) => f.startsWith('admin'))).toEqual(['admin.crt', 'admin.key']);
    const ca = join(b, 'tls', 'ca.crt');
    expect(execFileSync('openssl', ['verify', '-CAfile', ca, '-purpose', 'sslclient', app.file!], { encoding: 'utf8' })).toContain(': OK');
    const pong = execFileSync('redis-cli', ['--tls', '--cacert', ca, '--cert', app.file!, '--key', appKey, '-h', '127.0.0.1', '-p', String(s.tlsPort), '--user', 'admin', '--pass', PW, '--no-auth-warning', 'PING'], { encoding: 'utf8' });
    expect(pong.trim()).toBe('PONG');
    const served = r.certificates.find((c) => c.name === 'server (new)')!;
    expect(openssl(s.tlsPort, ca, { cert: app.file!, key: appKey })).toEqual({ verify: 'Verify return code: 0 (ok)', serial: served.serial });
  });

  it('a TLS master and replica: the link holds through the rotation and re-handshakes against the new certificate', async () => {
    const b = await bundle('repl', 20);
    const master = await server({ tls: tlsOf(b, 'yes'), overrides: { 'tls-replication': 'yes' } });
    const replica = await server({
      tls: tlsOf(b, 'yes'),
      config: `${ACL}\nmasteruser admin\nmasterauth ${PW}`,
      overrides: { 'tls-replication': 'yes', replicaof: `127.0.0.1 ${master.tlsPort}` },
    });
    const linkUp = async () => {
      const c = await admin(replica.port);
      const info = String(await c.call('INFO', 'replication'));
      c.close();
      return /master_link_status:up/.test(info);
    };
    const waitUp = async () => {
      for (let i = 0; i < 200 && !(await linkUp()); i++) await sleep(50);
      expect(await linkUp()).toBe(true);
    };
    await waitUp();
    // tls-auth-clients yes: redsec's own TLS handshakes present the bundle's admin certificate.
    const adminCert = ['--cert', join(b, 'tls', 'clients', 'admin.crt'), '--key', join(b, 'tls', 'clients', 'admin.key')];
    const { code, r } = await rotateJson([...rotateArgs(`redis://127.0.0.1:${master.port}`, b), '--apply', ...adminCert]);
    expect(code, JSON.stringify(r.checks)).toBe(0);
    expect(r.checks.find((c) => c.name === 'replication/cluster links kept')?.detail).toBe('role master, 1/1 replica(s) online');
    expect(r.notes.join('\n')).toContain('tls-replication yes');
    // A new replication handshake (the replica verifies the master against the CA) with the new certificate.
    const m = await admin(master.port);
    const replicaId = async () => /id=(\d+)/.exec(String(await m.call('CLIENT', 'LIST', 'TYPE', 'replica')))?.[1];
    const oldId = await replicaId();
    expect(oldId).toBeDefined();
    expect(await m.call('CLIENT', 'KILL', 'TYPE', 'replica')).toBe(1);
    await sleep(100);
    await waitUp();
    const newId = await replicaId();
    m.close();
    expect(newId).toBeDefined();
    expect(newId).not.toBe(oldId);
    // The replica side: its outgoing link keeps working after its own rotation.
    const rr = await rotateJson([...rotateArgs(`redis://127.0.0.1:${replica.port}`, b), '--apply', ...adminCert]);
    expect(rr.code, JSON.stringify(rr.r.checks)).toBe(0);
    expect(rr.r.checks.find((c) => c.name === 'replication/cluster links kept')?.detail).toBe('role slave, master_link_status:up');
  });

  it('a two-node TLS cluster (tls-cluster yes): cluster_state and the bus links hold through the rotation', async () => {
    const b = await bundle('cluster', 20);
    const node = async () => {
      const busPort = await freePort();
      return { s: await server({ tls: tlsOf(b, 'yes'), overrides: { 'cluster-enabled': 'yes', 'cluster-port': String(busPort), 'tls-cluster': 'yes', 'tls-replication': 'yes' } }), busPort };
    };
    const [{ s: a }, { s: z, busPort: zBus }] = await Promise.all([node(), node()]);
    const ca = await admin(a.port);
    const cz = await admin(z.port);
    const slots = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
    expect(await ca.call('CLUSTER', 'ADDSLOTS', ...slots(0, 8191))).toBe('OK');
    expect(await cz.call('CLUSTER', 'ADDSLOTS', ...slots(8192, 16383))).toBe('OK');
    expect(await ca.call('CLUSTER', 'MEET', '127.0.0.1', String(z.tlsPort), String(zBus))).toBe('OK');
    const ok = async () => /cluster_state:ok/.test(String(await ca.call('CLUSTER', 'INFO'))) && /cluster_state:ok/.test(String(await cz.call('CLUSTER', 'INFO'))) && !/disconnected|handshake/.test(String(await ca.call('CLUSTER', 'NODES')));
    for (let i = 0; i < 200 && !(await ok()); i++) await sleep(50);
    expect(await ok()).toBe(true);
    const adminCert = ['--cert', join(b, 'tls', 'clients', 'admin.crt'), '--key', join(b, 'tls', 'clients', 'admin.key')];
    const { code, r } = await rotateJson([...rotateArgs(`redis://127.0.0.1:${a.port}`, b), '--apply', ...adminCert]);
    expect(code, JSON.stringify(r.checks)).toBe(0);
    expect(r.checks.find((c) => c.name === 'replication/cluster links kept')?.detail).toBe('role master, cluster_state:ok, 1/1 node link(s) connected');
    expect(r.notes.join('\n')).toContain('tls-cluster yes');
    ca.close();
    cz.close();
  });

  it('a Sentinel: detected, "restart needed", nothing changed; --check still reads its certificate', async () => {
    const b = await bundle('sentinel', 20);
    const data = await server({});
    const dir = join(work, 'sentinel-run');
    mkdirSync(dir);
    const port = await freePort();
    writeFileSync(
      join(dir, 'sentinel.conf'),
      [`port 0`, `tls-port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, `tls-cert-file ${join(b, 'tls', 'redis.crt')}`, `tls-key-file ${join(b, 'tls', 'redis.key')}`, `tls-ca-cert-file ${join(b, 'tls', 'ca.crt')}`, 'tls-auth-clients no', `sentinel monitor mymaster 127.0.0.1 ${data.port} 1`, ''].join('\n'),
    );
    const child = spawn('redis-server', [join(dir, 'sentinel.conf'), '--sentinel'], { cwd: dir, stdio: 'ignore' });
    children.push(child);
    for (let i = 0; i < 200; i++) {
      try {
        const c = await rawConnect(port, { tls: { ca: readFileSync(join(b, 'tls', 'ca.crt')) } });
        c.close();
        break;
      } catch {
        await sleep(50);
      }
    }
    const url = `rediss://127.0.0.1:${port}`;
    const { code, r } = await rotateJson(['rotate', 'tls', url, '--bundle', b, '--apply']);
    expect(code).toBe(1);
    expect(r.restart_needed).toBe(true);
    expect(r.commands).toEqual([]);
    expect(r.notes.join('\n')).toContain('Sentinel cannot reload its TLS certificate');
    expect(tlsFiles(b)).toHaveLength(5);
    const text = await cli(['rotate', 'tls', url, '--bundle', b]);
    expect(text.stdout).toContain('result: RESTART NEEDED');
    const check = await rotateJson(['rotate', 'tls', url, '--bundle', b, '--check']);
    expect(check.code).toBe(1);
    expect(check.r.certificates[0]).toMatchObject({ name: 'server', days_left: 19, due: true });
  });
});
