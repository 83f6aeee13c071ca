/**
 * The TLS analysis against real redis-server TLS ports: the RESP layer's probe feeds
 * inspectLiveTls, and openssl s_client on the same server is the oracle for which protocols
 * and suites are accepted, so the "accepted minus allowed" findings are checked, not assumed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePki, type Pki, type PkiOptions } from '../../src/certs/index.js';
import { probeTls, TLS12_CANDIDATES, TLS13_CANDIDATES, type TlsProbeResult } from '../../src/resp/index.js';
import { inspectLiveTls, MOZILLA_PROFILES, type TlsInspection } from '../../src/tls/index.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';

const root = mkdtempSync(join(tmpdir(), 'redsec-tls-'));

interface Files {
  ca: string;
  cert: string;
  key: string;
  clientCert: string;
  clientKey: string;
}

function writePki(name: string, pki: Pki): Files {
  const dir = join(root, name);
  mkdirSync(dir, { mode: 0o750 });
  const write = (file: string, text: string, mode: number) => (writeFileSync(join(dir, file), text, { mode }), join(dir, file));
  return {
    ca: write('ca.crt', pki.ca.certPem, 0o644),
    cert: write('server.crt', pki.server.certPem, 0o644),
    key: write('server.key', pki.server.keyPem, 0o600),
    clientCert: write('client.crt', pki.clients[0]!.certPem, 0o644),
    clientKey: write('client.key', pki.clients[0]!.keyPem, 0o600),
  };
}

const options: PkiOptions = { keyAlgorithm: 'ecdsa-p256', serverDnsNames: ['localhost'], serverIps: ['127.0.0.1'], clientNames: ['app'], caValidityDays: 3650, leafValidityDays: 90 };

/** Does openssl s_client complete a handshake with exactly this protocol and suite? */
async function sClientAccepts(port: number, files: Files, protocol: string, suite?: string): Promise<boolean> {
  const flag = { TLSv1: '-tls1', 'TLSv1.1': '-tls1_1', 'TLSv1.2': '-tls1_2', 'TLSv1.3': '-tls1_3' }[protocol] ?? '-tls1_3';
  const cipherArgs = protocol === 'TLSv1.3' ? (suite ? ['-ciphersuites', suite] : []) : ['-cipher', `${suite ?? 'ALL'}:@SECLEVEL=0`];
  const args = ['s_client', '-connect', `127.0.0.1:${port}`, flag, ...cipherArgs, '-CAfile', files.ca, '-cert', files.clientCert, '-key', files.clientKey];
  const stdout = await new Promise<string>((resolve) => {
    const child = execFile('openssl', args, { timeout: 10_000 }, (_err, out) => resolve(String(out)));
    // s_client reads stdin until EOF; closing it makes it handshake and leave.
    child.stdin?.end();
  });
  // "New, TLSv1.3, Cipher is X" is printed once the handshake completes; "(NONE)" when it did not.
  return /^New, TLSv[\d.]+, Cipher is (?!\(NONE\))/m.test(stdout);
}

const checkOf = (i: TlsInspection, key: string) => i.analysis.checks.find((c) => c.key === key);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a TLS port with Redis defaults (TLS 1.2 + 1.3, OpenSSL default suites)', () => {
  let server: RedisServer;
  let files: Files;
  let probe: TlsProbeResult;

  beforeAll(async () => {
    files = writePki('defaults', await generatePki(options));
    server = await startRedis({ tls: { cert: files.cert, key: files.key, ca: files.ca, authClients: 'yes', plain: false } });
    probe = await probeTls('127.0.0.1', server.tlsPort, { ca: files.ca, cert: files.clientCert, key: files.clientKey });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('agrees with openssl s_client on every protocol version', async () => {
    for (const protocol of ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']) {
      expect([protocol, probe.protocols.includes(protocol)]).toEqual([protocol, await sClientAccepts(server.tlsPort, files, protocol)]);
    }
    expect(probe.protocols).toEqual(['TLSv1.2', 'TLSv1.3']);
  });

  it('agrees with openssl s_client on every candidate suite', async () => {
    for (const suite of TLS13_CANDIDATES) {
      expect([suite, probe.ciphers['TLSv1.3']?.includes(suite)]).toEqual([suite, await sClientAccepts(server.tlsPort, files, 'TLSv1.3', suite)]);
    }
    const tried = TLS12_CANDIDATES.filter((s) => !probe.skippedCiphers.includes(s));
    for (const suite of tried) {
      expect([suite, probe.ciphers['TLSv1.2']?.includes(suite)]).toEqual([suite, await sClientAccepts(server.tlsPort, files, 'TLSv1.2', suite)]);
    }
    // The comparison means something only if both outcomes occur (an ECDSA key rules out ECDHE-RSA).
    expect(probe.ciphers['TLSv1.2']?.length).toBeGreaterThan(0);
    expect(probe.ciphers['TLSv1.2']?.length).toBeLessThan(tried.length);
    expect(probe.ciphers['TLSv1.3']).not.toContain('TLS_AES_128_CCM_SHA256');
  }, 120_000);

  it('fails the modern profile on TLS 1.2 and every TLS 1.2 suite, naming exactly the extras', async () => {
    const modern = inspectLiveTls('defaults', probe, { profile: 'modern', ca: readFileSync(files.ca, 'utf8'), hostname: '127.0.0.1' });
    expect(checkOf(modern, 'protocols')).toMatchObject({ status: 'fail', observed: ['TLSv1.2'], remediation: 'tls-protocols "TLSv1.3"' });
    expect(checkOf(modern, 'ciphers')).toMatchObject({ status: 'fail', observed: probe.ciphers['TLSv1.2'] });
    expect(checkOf(modern, 'tls13-ciphersuites')?.status).toBe('pass');
    expect(modern.analysis.compliant).toBe(false);
  });

  it('under intermediate, flags only the suites s_client accepts beyond the six allowed', async () => {
    const intermediate = inspectLiveTls('defaults', probe, { profile: 'intermediate', ca: readFileSync(files.ca, 'utf8'), hostname: '127.0.0.1' });
    expect(checkOf(intermediate, 'protocols')?.status).toBe('pass');
    const allowed = MOZILLA_PROFILES.intermediate.ciphers;
    const extrasByOpenssl: string[] = [];
    for (const suite of TLS12_CANDIDATES.filter((s) => !allowed.includes(s) && !probe.skippedCiphers.includes(s))) {
      if (await sClientAccepts(server.tlsPort, files, 'TLSv1.2', suite)) extrasByOpenssl.push(suite);
    }
    // OpenSSL's default list still has CBC suites, so Redis defaults are not intermediate-compliant.
    expect(extrasByOpenssl.length).toBeGreaterThan(0);
    expect(checkOf(intermediate, 'ciphers')).toMatchObject({ status: 'fail', observed: extrasByOpenssl });
  }, 120_000);

  it('sees the generated certificate as trusted, matching the dialled IP, with client certificates required', () => {
    const i = inspectLiveTls('defaults', probe, { profile: 'modern', ca: readFileSync(files.ca, 'utf8'), hostname: '127.0.0.1', requireClientAuth: true });
    expect(i.session?.clientAuth).toBe('required');
    for (const key of ['client-auth', 'certificate-trust', 'certificate-hostname', 'certificate-validity', 'certificate-lifetime', 'certificate-key-type', 'certificate-signature']) {
      expect([key, checkOf(i, key)?.status]).toEqual([key, 'pass']);
    }
    expect(i.certificate).toMatchObject({ subject: 'CN=localhost', extendedKeyUsage: ['serverAuth', 'clientAuth'] });
  });
});

describe('a TLS port configured from the modern profile', () => {
  let server: RedisServer;
  let files: Files;

  beforeAll(async () => {
    files = writePki('modern', await generatePki(options));
    server = await startRedis({
      tls: { cert: files.cert, key: files.key, ca: files.ca, authClients: 'yes', plain: false, protocols: 'TLSv1.3' },
      overrides: { 'tls-ciphersuites': MOZILLA_PROFILES.modern.ciphersuites.join(':') },
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('is fully compliant, mutual TLS included', async () => {
    const probe = await probeTls('127.0.0.1', server.tlsPort, { ca: files.ca, cert: files.clientCert, key: files.clientKey });
    const i = inspectLiveTls('modern', probe, { profile: 'modern', ca: readFileSync(files.ca, 'utf8'), hostname: 'localhost', requireClientAuth: true });
    expect(i.analysis.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(i.analysis.compliant).toBe(true);
    expect(await sClientAccepts(server.tlsPort, files, 'TLSv1.2')).toBe(false);
  });

  it('flags a hostname the certificate does not list, and an untrusted CA', async () => {
    const other = await generatePki({ ...options, clientNames: [] });
    const probe = await probeTls('127.0.0.1', server.tlsPort, { cert: files.clientCert, key: files.clientKey, insecure: true });
    const i = inspectLiveTls('modern', probe, { profile: 'modern', ca: other.ca.certPem, hostname: 'redis.example' });
    expect(checkOf(i, 'certificate-hostname')).toMatchObject({ status: 'fail', observed: ['redis.example'] });
    expect(checkOf(i, 'certificate-trust')).toMatchObject({ status: 'fail', message: expect.stringMatching(/not among the trusted CA certificates/) });
  });
});

describe('client certificates optional, and an expired leaf', () => {
  let server: RedisServer;
  let files: Files;

  beforeAll(async () => {
    const expired = await generatePki({ ...options, leafValidityDays: 10, now: new Date(Date.now() - 100 * 86_400_000) });
    files = writePki('optional-expired', expired);
    server = await startRedis({ tls: { cert: files.cert, key: files.key, ca: files.ca, authClients: 'optional', plain: false } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('fails client auth where mutual TLS is required and flags the expiry', async () => {
    const probe = await probeTls('127.0.0.1', server.tlsPort, { ca: files.ca });
    expect(probe.clientAuth).toBe('optional');
    const i = inspectLiveTls('optional', probe, { profile: 'intermediate', ca: readFileSync(files.ca, 'utf8'), hostname: 'localhost', requireClientAuth: true });
    expect(checkOf(i, 'client-auth')).toMatchObject({ status: 'fail', remediation: 'tls-auth-clients yes' });
    expect(checkOf(i, 'certificate-validity')).toMatchObject({ status: 'fail', severity: 'critical' });
    expect(checkOf(i, 'certificate-trust')).toMatchObject({ status: 'fail', message: expect.stringMatching(/has expired/) });
    expect(i.analysis.daysLeft).toBeLessThan(-80);
  });
});
