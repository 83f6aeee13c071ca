/**
 * `redsec rotate ca` against a real TLS redis-server with mutual TLS (tls-auth-clients yes): begin,
 * switch and finish, each checked from outside with redis-cli (a client redsec did not write)
 * trusting the old CA, the new CA and both, and presenting client certificates from each CA; a TLS
 * connection opened before the switch still answers after it; the served serial is the one the
 * state file records; the state file holds no key; dry runs change nothing; a phase re-run after an
 * interruption converges; the server's commandstats and MONITOR show nothing off the allowlists.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { rawConnect, type RawClient } from '../helpers/raw-client.js';
import { cli } from '../helpers/run-cli.js';
import { testPki } from '../helpers/pki.js';
import { commandCounts, monitorArgs } from '../helpers/server-watch.js';
import { isAllowed, isTlsRotationAllowed } from '../../src/resp/index.js';

const PW = 'ca-rotate-admin-pw-31b7';

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

/** A client certificate signed with openssl (not redsec) by the CA in caCrt/caKey. */
function clientCert(dir: string, name: string, caCrt: string, caKey: string): { cert: string; key: string } {
  const ext = join(dir, 'client.ext');
  if (!existsSync(ext)) writeFileSync(ext, 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n');
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`], dir);
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', caCrt, '-CAkey', caKey, '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', ext], dir);
  return { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
}

describe('rotate ca on a real mTLS server', () => {
  let server: RedisServer;
  let work: string;
  let tls: string;
  let monitor: RawClient;
  let received = '';
  let before: Map<string, number>;
  const state = () => join(work, 'ca-state.json');
  const url = () => `rediss://127.0.0.1:${server.tlsPort}`;
  let oldClient: { cert: string; key: string };

  /** redis-cli, a real client: PONG, or its error. */
  function redisCli(cacert: string, client: { cert: string; key: string }): string {
    const r = spawnSync('redis-cli', ['--tls', '--cacert', cacert, '--cert', client.cert, '--key', client.key, '-h', '127.0.0.1', '-p', String(server.tlsPort), '--user', 'admin', '--pass', PW, '--no-auth-warning', 'PING'], { encoding: 'utf8', timeout: 10_000 });
    return `${r.stdout}${r.stderr}`.trim();
  }

  const args = (phase: string, ...extra: string[]): string[] => [
    'rotate', 'ca', phase, url(), '--ca-cert', join(tls, 'ca.crt'), '--ca-key', join(tls, 'ca.key'), '--state', state(),
    '--admin-user', 'admin', '--admin-password-file', join(work, 'admin.pw'), ...extra,
  ];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'redsec-rotate-ca-'));
    tls = join(work, 'tls');
    mkdirSync(tls);
    const pki = testPki();
    for (const f of ['ca.crt', 'ca.key', 'server.crt', 'server.key', 'client.crt', 'client.key']) copyFileSync(join(pki.dir, f), join(tls, f));
    writeFileSync(join(work, 'admin.pw'), `${PW}\n`, { mode: 0o600 });
    oldClient = { cert: join(tls, 'client.crt'), key: join(tls, 'client.key') };
    server = await startRedis({
      config: ['user default off', `user admin on >${PW} ~* &* +@all`].join('\n'),
      tls: { cert: join(tls, 'server.crt'), key: join(tls, 'server.key'), ca: join(tls, 'ca.crt'), authClients: 'yes' },
    });
    monitor = await rawConnect(server.port);
    await monitor.call('AUTH', 'admin', PW);
    const stats = await monitor.call('INFO', 'commandstats');
    before = commandCounts(String(stats));
    expect(await monitor.call('MONITOR')).toBe('OK');
    monitor.socket.on('data', (d: Buffer) => (received += d.toString()));
  });
  afterAll(async () => {
    monitor?.close();
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('before: redis-cli trusting the old CA connects with an old-CA client certificate', () => {
    expect(redisCli(join(tls, 'ca.crt'), oldClient)).toBe('PONG');
  });

  it('begin: a dry run writes and sends nothing; --apply trusts old and new, still serves the old certificate', async () => {
    const files = readdirSync(tls).sort();
    const dry = await cli([...args('begin'), '--cert', oldClient.cert, '--key', oldClient.key]);
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('dry run');
    expect(dry.stdout).toMatch(/CONFIG SET tls-ca-cert-file \/.*ca-overlap-\d{8}T\d{6}Z\.crt/);
    expect(readdirSync(tls).sort()).toEqual(files);
    expect(existsSync(state())).toBe(false);

    const r = await cli([...args('begin', '--apply', '--format', 'json'), '--cert', oldClient.cert, '--key', oldClient.key]);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out.checks.filter((c: { ok: boolean | null }) => c.ok !== true)).toEqual([]);
    expect(r.code).toBe(0);
    // redsec's own checks ran: three trust sets and two client certificates.
    expect(out.checks.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(['client trusting the old CA only', 'client trusting the new CA only', 'client trusting both CAs', 'client certificate from the old CA', 'client certificate from the new CA']));
    expect(out.server).toMatchObject({ serves: 'old', trusts_old: true, trusts_new: true });
    const s = JSON.parse(readFileSync(state(), 'utf8'));
    expect(s.phase).toBe('overlap');
    expect(statSync(state()).mode & 0o777).toBe(0o600);
    expect(statSync(s.files.new_ca_key).mode & 0o777).toBe(0o600);
    expect(readFileSync(state(), 'utf8')).not.toMatch(/PRIVATE KEY|BEGIN/);

    // From outside: the server trusts both CAs and still serves its old-CA certificate.
    const newClient = clientCert(work, 'app-new', s.files.new_ca_cert, s.files.new_ca_key);
    expect(redisCli(join(tls, 'ca.crt'), oldClient)).toBe('PONG');
    expect(redisCli(s.files.overlap_ca_file, oldClient)).toBe('PONG');
    expect(redisCli(s.files.overlap_ca_file, newClient)).toBe('PONG');
    expect(redisCli(s.files.new_ca_cert, newClient)).not.toBe('PONG');
    // Persisted: the config file names the overlap file.
    expect(readFileSync(join(server.dir, 'redis.conf'), 'utf8')).toContain(s.files.overlap_ca_file);

    const again = await cli([...args('begin', '--apply'), '--cert', oldClient.cert, '--key', oldClient.key]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already begun');
  });

  it('switch: serves the new CA\'s certificate (serial as recorded); a connection opened before still works', async () => {
    const s0 = JSON.parse(readFileSync(state(), 'utf8'));
    const early = await rawConnect(server.tlsPort, { tls: { ca: readFileSync(join(tls, 'ca.crt')), cert: readFileSync(oldClient.cert), key: readFileSync(oldClient.key) } });
    expect(await early.call('AUTH', 'admin', PW)).toBe('OK');

    const r = await cli([...args('switch', '--apply', '--format', 'json'), '--cert', oldClient.cert, '--key', oldClient.key]);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out.checks.filter((c: { ok: boolean | null }) => c.ok !== true)).toEqual([]);
    expect(r.code).toBe(0);
    const s = JSON.parse(readFileSync(state(), 'utf8'));
    expect(s.phase).toBe('switched');
    expect(statSync(s.files.server_key).mode & 0o777).toBe(0o600);

    // The connection opened under the old certificate is still served.
    expect(await early.call('PING')).toBe('PONG');
    early.close();
    // openssl s_client sees the recorded serial, issued by the new CA.
    const shown = spawnSync('openssl', ['s_client', '-connect', `127.0.0.1:${server.tlsPort}`, '-CAfile', s0.files.new_ca_cert, '-cert', oldClient.cert, '-key', oldClient.key, '-verify_return_error'], { input: '', encoding: 'utf8', timeout: 10_000 });
    const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(shown.stdout)?.[0] ?? '';
    const leaf = new X509Certificate(pem);
    expect(leaf.serialNumber.toLowerCase()).toBe(s.new_server_serial);
    expect(leaf.verify(new X509Certificate(readFileSync(s0.files.new_ca_cert)).publicKey)).toBe(true);
    expect(shown.stdout).toContain('Verify return code: 0 (ok)');
    // Same names as before.
    expect(leaf.subjectAltName).toBe(new X509Certificate(readFileSync(join(tls, 'server.crt'))).subjectAltName);

    const newClient = { cert: join(work, 'app-new.crt'), key: join(work, 'app-new.key') };
    expect(redisCli(join(tls, 'ca.crt'), oldClient)).not.toBe('PONG');
    expect(redisCli(s0.files.new_ca_cert, newClient)).toBe('PONG');
    expect(redisCli(s0.files.overlap_ca_file, oldClient)).toBe('PONG');
    expect(redisCli(s0.files.overlap_ca_file, newClient)).toBe('PONG');
  });

  it('finish: refuses while redsec\'s own certificate is from the old CA, then drops the old CA', async () => {
    const s0 = JSON.parse(readFileSync(state(), 'utf8'));
    const refused = await cli([...args('finish', '--apply'), '--cert', oldClient.cert, '--key', oldClient.key]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^redsec: .*--cert was issued by the old CA/);
    expect(JSON.parse(readFileSync(state(), 'utf8')).phase).toBe('switched');

    const admin = clientCert(work, 'admin-new', s0.files.new_ca_cert, s0.files.new_ca_key);
    const r = await cli([...args('finish', '--apply', '--format', 'json'), '--cert', admin.cert, '--key', admin.key]);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out.checks.filter((c: { ok: boolean | null }) => c.ok !== true)).toEqual([]);
    expect(r.code).toBe(0);
    const s = JSON.parse(readFileSync(state(), 'utf8'));
    expect(s.phase).toBe('finished');
    expect(readFileSync(join(server.dir, 'redis.conf'), 'utf8')).toContain(s.files.final_ca_file);

    const newClient = { cert: join(work, 'app-new.crt'), key: join(work, 'app-new.key') };
    expect(redisCli(s0.files.overlap_ca_file, oldClient)).not.toBe('PONG');
    expect(redisCli(s0.files.new_ca_cert, newClient)).toBe('PONG');
    expect(redisCli(s0.files.overlap_ca_file, newClient)).toBe('PONG');
    expect(redisCli(join(tls, 'ca.crt'), newClient)).not.toBe('PONG');

    const status = await cli([...args('status'), '--cert', admin.cert, '--key', admin.key]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('serves a certificate from the new CA; trusts new CA only');
    const again = await cli([...args('finish', '--apply'), '--cert', admin.cert, '--key', admin.key]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already finished');
  });

  it('the server counted only allowlisted commands; MONITOR saw nothing else', async () => {
    await new Promise((r) => setTimeout(r, 200));
    monitor.close();
    const stats = await rawConnect(server.port);
    await stats.call('AUTH', 'admin', PW);
    const after = commandCounts(String(await stats.call('INFO', 'commandstats')));
    stats.close();
    const ran = [...after].filter(([name, n]) => n > (before.get(name) ?? 0)).map(([name]) => name);
    // The test's own connections add AUTH, PING, INFO; the rotation CONFIG GET/SET/REWRITE.
    expect(ran.sort()).toEqual(expect.arrayContaining(['config|get', 'config|set', 'config|rewrite']));
    expect(ran.filter((n) => !['auth', 'ping', 'info', 'config|get', 'config|set', 'config|rewrite', 'monitor'].includes(n))).toEqual([]);
    const commands = received.split('\r\n').filter((l) => /^\+\d+\.\d+ \[/.test(l)).map(monitorArgs).filter((a) => a.length > 0);
    expect(commands.length).toBeGreaterThan(0);
    expect(commands.filter((a) => !isAllowed(a) && !isTlsRotationAllowed(a))).toEqual([]);
    expect(received).not.toContain(PW);
  });
});
