/**
 * Proof that certificates from generatePki work with the real thing: Debian's redis-server
 * serves them with client certificates required, Node and redis-cli connect with the generated
 * client certificate, and openssl is the oracle for chain, purpose, expiry and hostname.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import { generatePki, inspectCertificate, type KeyAlgorithm, type Pki, type PkiOptions } from '../../src/certs/index.js';
import { analyseCertificate } from '../../src/tls/index.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { rawConnect } from '../helpers/raw-client.js';

const exec = promisify(execFile);

interface PkiFiles {
  ca: string;
  cert: string;
  key: string;
  clientCert: string;
  clientKey: string;
}

function writePki(dir: string, pki: Pki): PkiFiles {
  mkdirSync(dir, { mode: 0o750 });
  const write = (file: string, text: string, mode: number) => {
    writeFileSync(join(dir, file), text, { mode });
    return join(dir, file);
  };
  const client = pki.clients[0]!;
  return {
    ca: write('ca.crt', pki.ca.certPem, 0o644),
    cert: write('server.crt', pki.server.certPem, 0o644),
    key: write('server.key', pki.server.keyPem, 0o600),
    clientCert: write('client.crt', client.certPem, 0o644),
    clientKey: write('client.key', client.keyPem, 0o600),
  };
}

/** Runs a command and returns its combined output and exit status, never throwing. */
async function sh(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await exec(cmd, args, { timeout: 15_000 });
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, out: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

const openssl = (args: string[]) => sh('openssl', args);

function tlsOptions(files: PkiFiles, withClientCert = true) {
  return {
    ca: readFileSync(files.ca),
    ...(withClientCert ? { cert: readFileSync(files.clientCert), key: readFileSync(files.clientKey) } : {}),
  };
}

const base = (keyAlgorithm: KeyAlgorithm): PkiOptions => ({
  keyAlgorithm,
  serverDnsNames: ['localhost'],
  serverIps: ['127.0.0.1'],
  clientNames: ['app'],
  caValidityDays: 3650,
  leafValidityDays: 90,
});

const root = mkdtempSync(join(tmpdir(), 'redsec-certs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.each(['ecdsa-p256', 'rsa-2048'] as const)('a %s PKI from generatePki', (algorithm) => {
  let pki: Pki;
  let files: PkiFiles;
  let server: RedisServer;

  beforeAll(async () => {
    pki = await generatePki(base(algorithm));
    files = writePki(join(root, algorithm), pki);
    server = await startRedis({ tls: { cert: files.cert, key: files.key, ca: files.ca, authClients: 'yes', plain: false } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('is written with 0600 keys', () => {
    expect(statSync(files.key).mode & 0o777).toBe(0o600);
    expect(statSync(files.clientKey).mode & 0o777).toBe(0o600);
  });

  it('passes openssl verify for sslserver (with hostname and IP) and sslclient', async () => {
    expect(await openssl(['verify', '-CAfile', files.ca, '-purpose', 'sslserver', '-verify_hostname', 'localhost', files.cert])).toEqual({ code: 0, out: `${files.cert}: OK\n` });
    expect((await openssl(['verify', '-CAfile', files.ca, '-purpose', 'sslserver', '-verify_ip', '127.0.0.1', files.cert])).code).toBe(0);
    expect(await openssl(['verify', '-CAfile', files.ca, '-purpose', 'sslclient', files.clientCert])).toEqual({ code: 0, out: `${files.clientCert}: OK\n` });
    // The client certificate must not pass as a server certificate (EKU clientAuth only).
    expect((await openssl(['verify', '-CAfile', files.ca, '-purpose', 'sslserver', files.clientCert])).code).not.toBe(0);
  });

  it('is served by redis-server and a Node TLS client with the client certificate gets PONG', async () => {
    expect(server.port).toBe(0);
    const client = await rawConnect(server.tlsPort, { tls: tlsOptions(files) });
    expect(await client.call('PING')).toBe('PONG');
    expect((client.socket as TLSSocket).getProtocol()).toBe('TLSv1.3');
    client.close();
  });

  it('answers redis-cli --tls with the generated client certificate', async () => {
    const r = await sh('redis-cli', ['--tls', '--cacert', files.ca, '--cert', files.clientCert, '--key', files.clientKey, '-h', '127.0.0.1', '-p', String(server.tlsPort), 'PING']);
    expect(r).toEqual({ code: 0, out: 'PONG\n' });
  });

  it('refuses a client without a certificate (after the TLS 1.3 handshake, on the first command)', async () => {
    const outcome = await rawConnect(server.tlsPort, { tls: tlsOptions(files, false) }).then(
      async (c) => {
        try {
          return String(await c.call('PING'));
        } catch (e) {
          return `error: ${(e as Error).message}`;
        } finally {
          c.close();
        }
      },
      (e: Error) => `error: ${e.message}`,
    );
    expect(outcome).toMatch(/^error: /);
    expect(outcome).not.toContain('PONG');
  });

  it('is inspected as trusted, matching localhost and 127.0.0.1, and compliant with its profile', () => {
    const facts = inspectCertificate(pki.server.certPem, { ca: pki.ca.certPem, hostname: 'localhost' });
    expect(facts).toMatchObject({ trusted: true, hostCheck: { name: 'localhost', matches: true }, keyType: algorithm === 'rsa-2048' ? 'rsa' : 'ec' });
    expect(inspectCertificate(pki.server.certPem, { ip: '127.0.0.1' }).hostCheck?.matches).toBe(true);
    const profile = algorithm === 'rsa-2048' ? 'intermediate' : 'modern';
    const analysis = analyseCertificate(facts, profile);
    expect(analysis.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(analysis.compliant).toBe(true);
    expect(analyseCertificate(inspectCertificate(pki.clients[0]!.certPem, { ca: pki.ca.certPem }), profile).compliant).toBe(true);
  });

  it('reads the same facts openssl prints (differential)', async () => {
    const text = (await openssl(['x509', '-in', files.cert, '-noout', '-text', '-nameopt', 'RFC2253'])).out;
    const facts = inspectCertificate(pki.server.certPem);
    expect(text).toContain(`Signature Algorithm: ${facts.signatureAlgorithm}`);
    expect(text).toContain(`Public-Key: (${facts.keyBits} bit)`);
    expect(text).toMatch(/X509v3 Subject Alternative Name: \n\s+DNS:localhost, IP Address:127\.0\.0\.1\n/);
    expect(text).toContain(`Subject: ${facts.subject}`);
    expect(text).toContain(`Issuer: ${facts.issuer}`);
    const serial = (await openssl(['x509', '-in', files.cert, '-noout', '-serial'])).out.trim();
    expect(serial).toBe(`serial=${facts.serialHex?.toUpperCase()}`);
    const fingerprint = (await openssl(['x509', '-in', files.cert, '-noout', '-fingerprint', '-sha256'])).out.trim();
    expect(fingerprint).toBe(`sha256 Fingerprint=${facts.fingerprintSha256}`);
    const end = (await openssl(['x509', '-in', files.cert, '-noout', '-enddate'])).out.trim().replace('notAfter=', '');
    expect(new Date(end).toISOString()).toBe(facts.notAfter);
  });
});

describe('an already-expired server certificate', () => {
  let pki: Pki;
  let files: PkiFiles;
  let server: RedisServer;

  beforeAll(async () => {
    // CA still valid, leaf expired: issued as if 400 days ago for 30 days.
    pki = await generatePki({ ...base('ecdsa-p256'), leafValidityDays: 30, now: new Date(Date.now() - 400 * 86_400_000) });
    files = writePki(join(root, 'expired'), pki);
    server = await startRedis({ tls: { cert: files.cert, key: files.key, ca: files.ca, authClients: 'yes', plain: false } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('is rejected by openssl verify', async () => {
    const r = await openssl(['verify', '-CAfile', files.ca, '-purpose', 'sslserver', files.cert]);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/certificate has expired/);
  });

  it('is rejected by a Node TLS client and by redis-cli', async () => {
    await expect(rawConnect(server.tlsPort, { tls: tlsOptions(files) })).rejects.toMatchObject({ code: 'CERT_HAS_EXPIRED' });
    const r = await sh('redis-cli', ['--tls', '--cacert', files.ca, '--cert', files.clientCert, '--key', files.clientKey, '-h', '127.0.0.1', '-p', String(server.tlsPort), 'PING']);
    expect(r.out).toMatch(/certificate verify failed|expired/i);
    expect(r.out).not.toContain('PONG');
  });

  it('is flagged by inspectCertificate and the analysis', () => {
    const facts = inspectCertificate(pki.server.certPem, { ca: pki.ca.certPem });
    expect(facts.trusted).toBe(false);
    expect(facts.trustError).toMatch(/has expired/);
    const analysis = analyseCertificate(facts, 'modern');
    expect(analysis.checks.find((c) => c.key === 'certificate-validity')).toMatchObject({ status: 'fail', severity: 'critical' });
    expect(analysis.daysLeft).toBeLessThan(-300);
    expect(analysis.compliant).toBe(false);
  });
});

describe('a server certificate whose SANs do not name the dialled host', () => {
  let pki: Pki;
  let files: PkiFiles;
  let server: RedisServer;

  beforeAll(async () => {
    pki = await generatePki({ ...base('ecdsa-p256'), serverDnsNames: ['redis.internal'], serverIps: ['10.1.2.3'] });
    files = writePki(join(root, 'san'), pki);
    server = await startRedis({ tls: { cert: files.cert, key: files.key, ca: files.ca, authClients: 'yes', plain: false } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('fails hostname verification in openssl and Node, but works under the name it lists', async () => {
    const r = await openssl(['verify', '-CAfile', files.ca, '-verify_hostname', 'localhost', files.cert]);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/hostname mismatch/);
    expect((await openssl(['verify', '-CAfile', files.ca, '-verify_hostname', 'redis.internal', files.cert])).code).toBe(0);
    await expect(rawConnect(server.tlsPort, { tls: tlsOptions(files) })).rejects.toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    const ok = await rawConnect(server.tlsPort, { tls: { ...tlsOptions(files), servername: 'redis.internal' } });
    expect(await ok.call('PING')).toBe('PONG');
    ok.close();
  });

  it('is flagged by inspectCertificate and the analysis', () => {
    const facts = inspectCertificate(pki.server.certPem, { ca: pki.ca.certPem, hostname: 'localhost' });
    expect(facts.trusted).toBe(true);
    expect(facts.hostCheck).toEqual({ name: 'localhost', matches: false });
    expect(analyseCertificate(facts, 'modern').checks.find((c) => c.key === 'certificate-hostname')).toMatchObject({
      status: 'fail',
      observed: ['localhost'],
      allowed: ['DNS:redis.internal', 'IP:10.1.2.3'],
    });
    expect(inspectCertificate(pki.server.certPem, { ip: '127.0.0.1' }).hostCheck?.matches).toBe(false);
  });
});
