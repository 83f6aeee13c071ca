/**
 * Cipher-suite enumeration against real redis-server TLS ports (issue 11 item 6): `redsec tls
 * inspect` must find every suite a server accepts, with the key exchange testssl.sh reports.
 * Oracles on all four configurations: testssl.sh (socket mode, its own ClientHellos; the four
 * scans run at once, started before anything else, since they are the slow part) and
 * `openssl s_client` one suite at a time.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeTls, tls12Candidates, type TlsProbeResult } from '../../src/resp/index.js';
import { inspectLiveTls } from '../../src/tls/index.js';
import { testPki } from '../helpers/pki.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';

const dir = mkdtempSync(join(tmpdir(), 'redsec-tls-suites-'));
const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
const ALL_PROTOCOLS = 'TLSv1 TLSv1.1 TLSv1.2 TLSv1.3';
const PERMISSIVE = 'ALL:eNULL:@SECLEVEL=0';

interface Config {
  name: string;
  cert: 'rsa' | 'ecdsa';
  protocols?: string;
  ciphers?: string;
  dhParams?: boolean;
}

const CONFIGS: Config[] = [
  { name: 'ECDSA, TLS 1.2 + 1.3, ALL:eNULL:@SECLEVEL=0', cert: 'ecdsa', protocols: 'TLSv1.2 TLSv1.3', ciphers: PERMISSIVE },
  { name: 'RSA, every protocol, ALL:eNULL:@SECLEVEL=0', cert: 'rsa', protocols: ALL_PROTOCOLS, ciphers: PERMISSIVE },
  { name: 'ECDSA, Redis defaults', cert: 'ecdsa' },
  { name: 'RSA, 1536-bit DH parameters, DHE and anonymous DH only', cert: 'rsa', protocols: 'TLSv1.2', ciphers: 'DHE-RSA-AES128-GCM-SHA256:ADH-AES128-SHA:ADH-AES256-GCM-SHA384:@SECLEVEL=0', dhParams: true },
];

const PROTOCOL_FLAG: Record<string, string> = { TLSv1: '-tls1', 'TLSv1.1': '-tls1_1', 'TLSv1.2': '-tls1_2', 'TLSv1.3': '-tls1_3' };
const GROUPS = 'X25519:P-256:P-384:P-521:X448';

/** One s_client handshake with exactly this protocol and suite: accepted?, and the server's temp key. */
function sClient(port: number, protocol: string, suite: string): Promise<{ ok: boolean; kx?: string }> {
  const cipherArgs = protocol === 'TLSv1.3' ? ['-ciphersuites', suite] : ['-cipher', `${suite}:@SECLEVEL=0`];
  const args = ['s_client', '-connect', `127.0.0.1:${port}`, PROTOCOL_FLAG[protocol] ?? '-tls1_3', ...cipherArgs, '-groups', GROUPS];
  return new Promise((resolve) => {
    const child = execFile('openssl', args, { timeout: 15_000 }, (_e, out) => {
      const text = String(out);
      // "New, <cipher's version>, Cipher is X" once the handshake completed ("(NONE)" when not).
      const ok = /^New, \S+, Cipher is (?!\(NONE\))/m.test(text);
      const m = /^Server Temp Key: (\w+), (\d+) bits/m.exec(text);
      const kx = m ? `${m[1] === 'DH' ? 'DH' : 'ECDH'} ${m[2]}${m[1] === 'DH' ? '' : ` (${m[1]})`}` : 'RSA';
      resolve(ok ? { ok, kx } : { ok });
    });
    child.stdin?.end();
  });
}

/**
 * testssl.sh -E (each cipher per protocol, its own sockets) → protocol → suite → key exchange
 * kind/bits, read from its table on stdout. Its JSON is no use here: when testssl's own OpenSSL
 * cannot complete a default handshake (a server with only DHE and anonymous suites at 1536 bits),
 * the JSON holds one warning and no cipher lines, while the table still lists every suite.
 */
function testssl(port: number): Promise<Record<string, Map<string, string>>> {
  const names: Record<string, string> = { 'TLS 1': 'TLSv1', 'TLS 1.1': 'TLSv1.1', 'TLS 1.2': 'TLSv1.2', 'TLS 1.3': 'TLSv1.3' };
  return new Promise((resolve, reject) => {
    execFile('testssl', ['--quiet', '--color', '0', '--warnings', 'off', '-E', `127.0.0.1:${port}`], { timeout: 600_000, maxBuffer: 8 * 1024 * 1024 }, (err, stdout) => {
      if (err && (err as { killed?: boolean }).killed) return reject(err);
      const out: Record<string, Map<string, string>> = {};
      let protocol: string | undefined;
      for (const line of String(stdout).split('\n')) {
        // A protocol heading ("TLS 1.2", "SSLv3") alone on its line, then its suites:
        // " xc030   ECDHE-RSA-AES256-GCM-SHA384   ECDH 253   AESGCM   256   TLS_ECDHE_..."
        const heading = /^(SSLv[23]|TLS 1(?:\.[123])?)\s*$/.exec(line);
        if (heading) {
          protocol = names[heading[1] ?? ''];
          continue;
        }
        const row = /^\s*x[0-9a-f]+\s+(\S+)\s+(RSA|DH|ECDH)(?:\s+(\d+))?\s/.exec(line);
        if (row && protocol) (out[protocol] ??= new Map()).set(row[1] ?? '', row[2] === 'RSA' ? 'RSA' : `${row[2]} ${row[3]}`);
      }
      resolve(out);
    });
  });
}

const kxKind = (kx: string) => kx.split(' ')[0];
const dhBits = (kx: string) => (kx.startsWith('DH ') ? kx.split(' ')[1] : undefined);

interface Started {
  server: RedisServer;
  probe: TlsProbeResult;
  byTestssl: Promise<Record<string, Map<string, string>>>;
}
const started: Started[] = [];

async function start(config: Config): Promise<Started> {
  const pki = testPki();
  let cert = pki.serverCert;
  let key = pki.serverKey;
  if (config.cert === 'rsa') {
    cert = join(dir, 'rsa.crt');
    key = join(dir, 'rsa.key');
  }
  const overrides: Record<string, string> = {};
  if (config.ciphers) overrides['tls-ciphers'] = config.ciphers;
  // A well-known 1536-bit group: a size OpenSSL's automatic choice (1024/2048/3072) never makes.
  if (config.dhParams) overrides['tls-dh-params-file'] = join(dir, 'dh1536.pem');
  const server = await startRedis({ tls: { cert, key, ca: pki.ca, authClients: 'no', plain: false, ...(config.protocols ? { protocols: config.protocols } : {}) }, overrides });
  // testssl runs alongside everything else: it is the slow part.
  const byTestssl = testssl(server.tlsPort);
  byTestssl.catch(() => undefined);
  const probe = await probeTls('127.0.0.1', server.tlsPort, {});
  return { server, probe, byTestssl };
}

beforeAll(async () => {
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'rsa.key', '-out', 'rsa.crt', '-days', '30', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1']);
  openssl(['genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', 'group:modp_1536', '-out', 'dh1536.pem']);
  // Each testssl scan starts as soon as its server is up, before the probes.
  for (const config of CONFIGS) started.push(await start(config));
}, 120_000);

afterAll(async () => {
  for (const s of started) {
    await s.byTestssl.catch(() => undefined);
    await s.server.stop();
  }
  rmSync(dir, { recursive: true, force: true });
}, 620_000);

describe.each(CONFIGS.map((c, i) => [c.name, i] as const))('suite enumeration: %s', (_name, index) => {
  const config = CONFIGS[index] as Config;
  let server: RedisServer;
  let probe: TlsProbeResult;
  let byTestssl: Promise<Record<string, Map<string, string>>>;
  beforeAll(() => {
    ({ server, probe, byTestssl } = started[index] as Started);
  });

  it('tries every TLS <= 1.2 suite the local OpenSSL can offer, and says so', () => {
    const candidates = tls12Candidates();
    const local = execFileSync('openssl', ['ciphers', 'ALL:COMPLEMENTOFALL:@SECLEVEL=0']).toString().trim().split(':')
      .filter((s) => !s.startsWith('TLS_') && !/PSK|SRP/.test(s));
    expect(candidates.offerable.slice().sort()).toEqual(local.slice().sort());
    expect(probe.cipherScope?.tried['TLSv1.2']).toEqual(candidates.offerable);
    expect(probe.cipherScope?.notTried).toMatch(/PSK, SRP and GOST/);
  });

  it('accepts exactly what openssl s_client negotiates, suite by suite, with the same key exchange', async () => {
    for (const protocol of probe.protocols) {
      const tried = probe.cipherScope?.tried[protocol] ?? [];
      const accepted = new Map((probe.cipherDetails[protocol] ?? []).map((d) => [d.suite, d.keyExchange]));
      const byOpenssl = new Map<string, string | undefined>();
      for (let i = 0; i < tried.length; i += 8) {
        const batch = tried.slice(i, i + 8);
        const results = await Promise.all(batch.map((s) => sClient(server.tlsPort, protocol, s)));
        batch.forEach((s, j) => {
          if (results[j]?.ok) byOpenssl.set(s, results[j]?.kx);
        });
      }
      expect([protocol, [...accepted.keys()].sort()]).toEqual([protocol, [...byOpenssl.keys()].sort()]);
      for (const [suite, kx] of accepted) expect([protocol, suite, kx]).toEqual([protocol, suite, byOpenssl.get(suite)]);
    }
  }, 180_000);

  it('NULL and anonymous suites are their own critical findings', () => {
    const inspection = inspectLiveTls('t', probe, { profile: 'intermediate' });
    const all = Object.values(probe.ciphers).flat();
    const check = (key: string) => inspection.analysis.checks.find((c) => c.key === key);
    const hasNull = all.some((s) => /(^|-)NULL(-|$)/.test(s));
    const hasAnon = all.some((s) => /^(ADH|AECDH)-/.test(s));
    expect(check('null-ciphers')).toMatchObject(hasNull ? { status: 'fail', severity: 'critical' } : { status: 'pass' });
    expect(check('anonymous-ciphers')).toMatchObject(hasAnon ? { status: 'fail', severity: 'critical' } : { status: 'pass' });
    if (config.ciphers === PERMISSIVE) expect([hasNull, hasAnon]).toEqual([true, true]);
    if (config.ciphers === undefined) expect([hasNull, hasAnon]).toEqual([false, false]);
  });

  if (config.dhParams) {
    it('reports the configured DH size, as testssl.sh and s_client do', () => {
      const details = [...(probe.cipherDetails['TLSv1.2'] ?? [])].sort((a, b) => a.suite.localeCompare(b.suite));
      expect(details).toEqual([
        { suite: 'ADH-AES128-SHA', keyExchange: 'DH 1536' },
        { suite: 'ADH-AES256-GCM-SHA384', keyExchange: 'DH 1536' },
        { suite: 'DHE-RSA-AES128-GCM-SHA256', keyExchange: 'DH 1536' },
      ]);
    });
  }

  it('finds the same suites per protocol as testssl.sh, with the same key-exchange kind and DH size', async () => {
    const theirs = await byTestssl;
    expect(Object.keys(theirs).sort()).toEqual([...probe.protocols].sort());
    for (const protocol of probe.protocols) {
      const ours = new Map((probe.cipherDetails[protocol] ?? []).map((d) => [d.suite, d.keyExchange]));
      const their = theirs[protocol] ?? new Map<string, string>();
      expect([protocol, [...ours.keys()].sort()]).toEqual([protocol, [...their.keys()].sort()]);
      for (const [suite, kx] of ours) {
        const t = their.get(suite) ?? '';
        // testssl offers its own curve list (no X25519 for some suites), so ECDH sizes may differ; DH sizes may not.
        expect([protocol, suite, kxKind(kx), dhBits(kx)]).toEqual([protocol, suite, kxKind(t), dhBits(t)]);
      }
    }
    if (config.ciphers === PERMISSIVE) expect(probe.ciphers['TLSv1.2']?.length).toBeGreaterThan(25);
  }, 620_000);
});

