/**
 * `redsec rotate ca` against a real TLS redis-server with mutual TLS (tls-auth-clients yes): begin,
 * switch and finish, each checked from outside with redis-cli (a client redsec did not write)
 * trusting the old CA, the new CA and both, and presenting client certificates from each CA; a TLS
 * connection opened before the switch still answers after it; the served serial is the one the
 * state file records; the state file holds no key; dry runs change nothing; a phase re-run after an
 * interruption converges; the server's commandstats and MONITOR show nothing off the allowlists.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { rawConnect, type RawClient } from '../helpers/raw-client.js';
import { cli } from '../helpers/run-cli.js';
import { testPki } from '../helpers/pki.js';
import { freePort } from '../helpers/ports.js';
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
    expect(dry.stdout).toMatch(/CONFIG SET tls-ca-cert-file \/.*ca\.\d{8}T\d{6}Z\.overlap\.crt/);
    expect(readdirSync(tls).sort()).toEqual(files);
    expect(existsSync(state())).toBe(false);

    const r = await cli([...args('begin', '--apply', '--format', 'json'), '--cert', oldClient.cert, '--key', oldClient.key]);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out.checks.filter((c: { ok: boolean | null }) => c.ok !== true)).toEqual([]);
    expect(r.code).toBe(0);
    // Neither the admin password nor any key reaches the report.
    expect(r.stdout + dry.stdout).not.toMatch(new RegExp(`PRIVATE KEY|${PW}`));
    // redsec's own checks ran: three trust sets and two client certificates.
    expect(out.checks.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(['client trusting the old CA only', 'client trusting the new CA only', 'client trusting both CAs', 'client certificate from the old CA', 'client certificate from the new CA']));
    expect(out.server).toMatchObject({ serves: 'old', trusts_old: true, trusts_new: true });
    const s = JSON.parse(readFileSync(state(), 'utf8'));
    expect(s.phase).toBe('overlap');
    expect(statSync(state()).mode & 0o777).toBe(0o600);
    expect(statSync(s.files.new_ca_key).mode & 0o777).toBe(0o600);
    expect(readFileSync(state(), 'utf8')).not.toMatch(/PRIVATE KEY|BEGIN/);
    expect(out.notes).toContainEqual(expect.stringMatching(/^next: give every client the CA file \S+overlap\.crt \(trusting both\), then run switch$/));

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

    // A dry run names the command and the checks it would make; the state file and the files stay as they are.
    const stateText = readFileSync(state(), 'utf8');
    const files = readdirSync(tls).sort();
    const dry = await cli([...args('switch', '--format', 'json'), '--cert', oldClient.cert, '--key', oldClient.key]);
    expect([dry.code, dry.stderr]).toEqual([0, '']);
    const plan = JSON.parse(dry.stdout);
    expect(plan.applied).toBe(false);
    expect(plan.checks.map((c: { name: string; ok: boolean | null }) => [c.name, c.ok])).toEqual([['server serves', null], ['client matrix', null]]);
    expect(plan.commands).toEqual([expect.stringMatching(/^CONFIG SET tls-cert-file \S+ tls-key-file \S+$/), 'CONFIG REWRITE']);
    expect(readFileSync(state(), 'utf8')).toBe(stateText);
    expect(readdirSync(tls).sort()).toEqual(files);

    const r = await cli([...args('switch', '--apply', '--format', 'json'), '--cert', oldClient.cert, '--key', oldClient.key]);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out.checks.filter((c: { ok: boolean | null }) => c.ok !== true)).toEqual([]);
    expect(r.code).toBe(0);
    const s = JSON.parse(readFileSync(state(), 'utf8'));
    expect(s.phase).toBe('switched');
    expect(statSync(s.files.server_key).mode & 0o777).toBe(0o600);
    expect(out.checks.map((c: { name: string }) => c.name).slice(0, 5)).toEqual(['admin connection still works', 'replication/cluster links kept', 'new certificate served', 'server trusts', 'server serves']);
    expect(out.notes).toContainEqual(`next: re-issue client certificates from the new CA (${s.files.new_ca_cert}), then run finish`);

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
    const dry = await cli([...args('finish', '--format', 'json'), '--cert', admin.cert, '--key', admin.key]);
    expect([dry.code, dry.stderr]).toEqual([0, '']);
    const plan = JSON.parse(dry.stdout);
    expect(plan.applied).toBe(false);
    expect(plan.checks.map((c: { name: string; ok: boolean | null }) => [c.name, c.ok])).toEqual([['server trusts', null], ['client matrix', null]]);
    expect(plan.commands).toEqual([expect.stringMatching(/^CONFIG SET tls-ca-cert-file \S+\.final\.crt$/), 'CONFIG REWRITE']);
    expect(JSON.parse(readFileSync(state(), 'utf8'))).toEqual(s0);

    const r = await cli([...args('finish', '--apply', '--format', 'json'), '--cert', admin.cert, '--key', admin.key]);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out.checks.filter((c: { ok: boolean | null }) => c.ok !== true)).toEqual([]);
    expect(r.code).toBe(0);
    const s = JSON.parse(readFileSync(state(), 'utf8'));
    expect(s.phase).toBe('finished');
    expect(readFileSync(join(server.dir, 'redis.conf'), 'utf8')).toContain(s.files.final_ca_file);
    expect(out.notes).toContainEqual(expect.stringMatching(/^done: the old CA's certificate and key can be retired; redsec deleted nothing \(previous files: /));

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

  it('a redis-server booted from the rewritten config serves the new certificate and trusts only the new CA', async () => {
    const s = JSON.parse(readFileSync(state(), 'utf8'));
    const conf = join(work, 'booted.conf');
    copyFileSync(join(server.dir, 'redis.conf'), conf);
    // Same file, other ports: the TLS files, CA file and auth-clients come from what CONFIG REWRITE wrote.
    const tlsPort = await freePort();
    const b = await startRedis({ configFile: conf, overrides: { 'tls-port': String(tlsPort) } });
    try {
      const cliOn = (cacert: string, client: { cert: string; key: string }) => {
        const r = spawnSync('redis-cli', ['--tls', '--cacert', cacert, '--cert', client.cert, '--key', client.key, '-h', '127.0.0.1', '-p', String(tlsPort), '--user', 'admin', '--pass', PW, '--no-auth-warning', 'PING'], { encoding: 'utf8', timeout: 10_000 });
        return `${r.stdout}${r.stderr}`.trim();
      };
      const newClient = { cert: join(work, 'app-new.crt'), key: join(work, 'app-new.key') };
      expect(cliOn(s.files.new_ca_cert, newClient)).toBe('PONG');
      expect(cliOn(s.files.overlap_ca_file, oldClient)).not.toBe('PONG');
      expect(cliOn(join(tls, 'ca.crt'), newClient)).not.toBe('PONG');
    } finally {
      await b.stop();
    }
  });
});

/**
 * Interrupted phases. What a crash leaves behind is rebuilt exactly (the state file at the phase it
 * records before writing, the files a phase writes present or not, the server's CONFIG before or
 * after the CONFIG SET); re-running the phase must converge to the same end without stray files.
 */
describe('rotate ca re-runs after an interruption (bundle layout, tls-auth-clients optional)', () => {
  let server: RedisServer;
  let bundle: string;
  let tls: string;
  let admin: RawClient;
  const state = () => join(bundle, 'ca-state.json');
  const url = () => `rediss://127.0.0.1:${server.tlsPort}`;
  const args = (phase: string, ...extra: string[]) => ['rotate', 'ca', phase, url(), '--bundle', bundle, '--state', state(), ...extra];
  const readState = () => JSON.parse(readFileSync(state(), 'utf8'));
  const setState = (patch: Record<string, unknown>) => writeFileSync(state(), JSON.stringify({ ...readState(), ...patch }), { mode: 0o600 });
  const rotationFiles = () => readdirSync(tls).filter((f) => /\d{8}T\d{6}Z/.test(f)).sort();

  beforeAll(async () => {
    bundle = mkdtempSync(join(tmpdir(), 'redsec-rotate-ca-bundle-'));
    tls = join(bundle, 'tls');
    mkdirSync(tls);
    const pki = testPki();
    for (const [from, to] of [['ca.crt', 'ca.crt'], ['ca.key', 'ca.key'], ['server.crt', 'redis.crt'], ['server.key', 'redis.key']]) copyFileSync(join(pki.dir, from as string), join(tls, to as string));
    server = await startRedis({ tls: { cert: join(tls, 'redis.crt'), key: join(tls, 'redis.key'), ca: join(tls, 'ca.crt'), authClients: 'optional' } });
    admin = await rawConnect(server.port);
  });
  afterAll(async () => {
    admin?.close();
    await server?.stop();
    rmSync(bundle, { recursive: true, force: true });
  });

  it('bad input is one line and exit 2, before anything is written', async () => {
    const plain = await cli(['rotate', 'ca', 'begin', `redis://127.0.0.1:${server.port}`, '--bundle', bundle, '--state', state()]);
    expect([plain.code, plain.stderr]).toEqual([2, "redsec: CA rotation talks TLS to the server: use a rediss:// URL (or --tls) for its TLS port\n"]);
    const other = join(bundle, 'other-ca.crt');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(bundle, 'other-ca.key'), '-out', other, '-days', '2', '-subj', '/CN=other CA', '-addext', 'basicConstraints=critical,CA:TRUE'], { stdio: 'pipe' });
    const wrong = await cli(['rotate', 'ca', 'begin', url(), '--ca-cert', other, '--state', state(), '--cacert', join(tls, 'ca.crt'), '--apply']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/^redsec: .*does not hold the CA being retired .*other CA.*\n$/);
    const early = await cli([...args('switch'), '--apply']);
    expect([early.code, early.stderr]).toEqual([2, `redsec: ${state()}: no completed begin recorded (run begin first)\n`]);
    expect(existsSync(state())).toBe(false);
    expect(rotationFiles()).toEqual([]);
  });

  it('begin: killed after its CONFIG SET (before verify and persist), and killed while writing the new CA', async () => {
    const first = await cli(args('begin', '--apply'));
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const s1 = readState();
    // After the CONFIG SET: the files are whole, the state still says prepared.
    setState({ phase: 'prepared' });
    const again = await cli(args('begin', '--apply'));
    expect(again.code, again.stdout).toBe(0);
    expect(readState()).toMatchObject({ phase: 'overlap', new_ca_fingerprint: s1.new_ca_fingerprint, id: s1.id });
    expect(rotationFiles()).toHaveLength(3);

    // While writing the new CA: the key is there, its certificate and the overlap file are not, the server never switched.
    expect(await admin.call('CONFIG', 'SET', 'tls-ca-cert-file', join(tls, 'ca.crt'))).toBe('OK');
    rmSync(s1.files.new_ca_cert);
    rmSync(s1.files.overlap_ca_file);
    setState({ phase: 'prepared' });
    const resumed = await cli(args('begin', '--apply', '--format', 'json'));
    expect(resumed.code, resumed.stdout).toBe(0);
    const s2 = readState();
    expect(s2).toMatchObject({ phase: 'overlap', id: s1.id, files: s1.files });
    // A new CA was made (the old key alone is useless), in the same files: nothing stray.
    expect(s2.new_ca_fingerprint).not.toBe(s1.new_ca_fingerprint);
    expect(rotationFiles()).toEqual([`ca.${s1.id}.crt`, `ca.${s1.id}.key`, `ca.${s1.id}.overlap.crt`]);
    expect(await admin.call('CONFIG', 'GET', 'tls-ca-cert-file')).toEqual(['tls-ca-cert-file', s1.files.overlap_ca_file]);
  });

  it('switch: killed while writing the server certificate, and after its CONFIG SET', async () => {
    const first = await cli(args('switch', '--apply'));
    expect(first.code, first.stdout).toBe(0);
    const s1 = readState();
    // While writing: the key is written, the certificate not, the server still on the old files.
    expect(await admin.call('CONFIG', 'SET', 'tls-cert-file', join(tls, 'redis.crt'), 'tls-key-file', join(tls, 'redis.key'))).toBe('OK');
    rmSync(s1.files.server_cert);
    setState({ phase: 'switching', switched_at: undefined });
    const resumed = await cli(args('switch', '--apply', '--format', 'json'));
    expect(resumed.code, resumed.stdout).toBe(0);
    const s2 = readState();
    expect(s2.phase).toBe('switched');
    expect(s2.new_server_serial).not.toBe(s1.new_server_serial);
    expect(rotationFiles().filter((f) => f.startsWith('redis.'))).toEqual([`redis.${s1.id}.crt`, `redis.${s1.id}.key`]);
    expect(JSON.parse(resumed.stdout).checks.find((c: { name: string }) => c.name === 'new certificate served')).toMatchObject({ ok: true });

    // After the CONFIG SET: same files, same serial, nothing issued again.
    setState({ phase: 'switching' });
    const again = await cli(args('switch', '--apply', '--format', 'json'));
    expect(again.code, again.stdout).toBe(0);
    expect(readState()).toMatchObject({ phase: 'switched', new_server_serial: s2.new_server_serial });
    const finish = await cli(args('finish', '--apply'));
    expect(finish.code, finish.stdout).toBe(0);
    expect(readState().phase).toBe('finished');
  });
});

describe('rotate ca begin killed for real (SIGKILL of the CLI process) after its CONFIG SET', () => {
  let server: RedisServer;
  let dir: string;
  const sockets: Socket[] = [];
  let frozen = false;
  let proxy: Server;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'redsec-rotate-ca-kill-'));
    const pki = testPki();
    for (const f of ['ca.crt', 'ca.key', 'server.crt', 'server.key']) copyFileSync(join(pki.dir, f), join(dir, f));
    server = await startRedis({ tls: { cert: join(dir, 'server.crt'), key: join(dir, 'server.key'), ca: join(dir, 'ca.crt'), authClients: 'no' } });
    // A loopback TCP proxy in front of the TLS port: once frozen it forwards nothing more, so the
    // CLI hangs inside its verification until it is killed.
    proxy = createServer((client) => {
      const upstream = netConnect(server.tlsPort, '127.0.0.1');
      sockets.push(client, upstream);
      client.on('data', (chunk: Buffer) => void (frozen || upstream.write(chunk)));
      upstream.on('data', (chunk: Buffer) => void (frozen || client.write(chunk)));
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => proxy?.close(r));
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the server uses the overlap file, nothing is persisted, the state says prepared; re-running begin converges on the same CA', async () => {
    const port = (proxy.address() as { port: number }).port;
    const state = join(dir, 'state.json');
    const argv = ['rotate', 'ca', 'begin', `rediss://127.0.0.1:${port}`, '--ca-cert', join(dir, 'ca.crt'), '--ca-key', join(dir, 'ca.key'), '--state', state, '--apply', '--timeout', '20000'];
    const child = spawn(process.execPath, [resolve(import.meta.dirname, '../../dist/cli.js'), ...argv], { stdio: 'ignore' });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const watch = await rawConnect(server.port);
    let value = '';
    for (let i = 0; i < 2000 && !value.includes('.overlap.'); i++) {
      value = String(((await watch.call('CONFIG', 'GET', 'tls-ca-cert-file')) as string[])[1]);
      if (!value.includes('.overlap.')) await new Promise((r) => setTimeout(r, 5));
    }
    frozen = true;
    child.kill('SIGKILL');
    expect(await exited).toBeNull();
    expect(value).toMatch(/ca\.\d{8}T\d{6}Z\.overlap\.crt$/);
    const s1 = JSON.parse(readFileSync(state, 'utf8'));
    expect(s1).toMatchObject({ phase: 'prepared', files: { overlap_ca_file: value } });
    expect(readFileSync(join(server.dir, 'redis.conf'), 'utf8')).not.toContain('.overlap.');
    expect(readFileSync(state, 'utf8')).not.toContain('PRIVATE KEY');

    frozen = false;
    const again = await cli(argv.slice(0, -2));
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(JSON.parse(readFileSync(state, 'utf8'))).toMatchObject({ phase: 'overlap', id: s1.id, new_ca_fingerprint: s1.new_ca_fingerprint });
    expect(readFileSync(join(server.dir, 'redis.conf'), 'utf8')).toContain(value);
    expect(readdirSync(dir).filter((f) => /\d{8}T\d{6}Z/.test(f)).sort()).toEqual([`ca.${s1.id}.crt`, `ca.${s1.id}.key`, `ca.${s1.id}.overlap.crt`]);
    watch.close();
  }, 40_000);
});

describe('rotate ca on a TLS master with a TLS replica (tls-replication yes)', () => {
  let master: RedisServer;
  let replica: RedisServer;
  let dir: string;

  const linkUp = async (): Promise<boolean> => {
    const c = await rawConnect(replica.port);
    const info = String(await c.call('INFO', 'replication'));
    c.close();
    return /master_link_status:up/.test(info);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'redsec-rotate-ca-repl-'));
    const pki = testPki();
    for (const node of ['m', 'r']) {
      mkdirSync(join(dir, node));
      for (const f of ['ca.crt', 'ca.key', 'server.crt', 'server.key']) copyFileSync(join(pki.dir, f), join(dir, node, f));
    }
    const files = (node: string) => ({ cert: join(dir, node, 'server.crt'), key: join(dir, node, 'server.key'), ca: join(dir, node, 'ca.crt'), authClients: 'yes' as const });
    master = await startRedis({ tls: files('m'), overrides: { 'tls-replication': 'yes' } });
    replica = await startRedis({ tls: files('r'), overrides: { 'tls-replication': 'yes', replicaof: `127.0.0.1 ${master.tlsPort}` } });
    for (let i = 0; i < 200 && !(await linkUp()); i++) await new Promise((r) => setTimeout(r, 25));
    expect(await linkUp()).toBe(true);
  });
  afterAll(async () => {
    await replica?.stop();
    await master?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('begin and switch on the master keep the replica\'s link up, and say so', async () => {
    const base = ['--ca-cert', join(dir, 'm', 'ca.crt'), '--ca-key', join(dir, 'm', 'ca.key'), '--state', join(dir, 'state.json'), '--cert', join(dir, 'm', 'server.crt'), '--key', join(dir, 'm', 'server.key'), '--apply', '--format', 'json'];
    for (const phase of ['begin', 'switch']) {
      const r = await cli(['rotate', 'ca', phase, `rediss://127.0.0.1:${master.tlsPort}`, ...base]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.checks.find((c: { name: string }) => c.name === 'replication/cluster links kept')).toMatchObject({ ok: true, detail: expect.stringContaining('1/1 replica(s) online') });
      expect(out.notes.join('\n')).toContain('run begin on every node before switch on any');
      expect(await linkUp()).toBe(true);
    }
  });
});
