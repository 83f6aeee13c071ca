/**
 * E604 TLS_HANDSHAKE against real redis-server TLS ports, one cause each: wrong CA, expired
 * certificate (issued in the past with redsec's certs module), SAN mismatch, self-signed, TLS 1.3-only
 * server vs a TLS 1.2-only client, client certificate required but missing (TLS 1.3 and 1.2), TLS to
 * the plain port and plain to the TLS port. The working case is compared with openssl s_client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CIPHERS } from 'node:tls';
import { generatePki } from '../../src/certs/index.js';
import { diagnose, DiagnosisSchema, type Diagnosis, type DiagnoseOptions } from '../../src/diagnose/index.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { testPki, type TestPki } from '../helpers/pki.js';

const DAY = 86_400_000;
let dir: string;
let pki: TestPki;
let main: RedisServer; // mTLS required, plain port too
let expired: RedisServer;
let wrongName: RedisServer;
let selfSigned: RedisServer;
let tls13: RedisServer;
let otherCa: string;
let expiredCa: string;
let wrongNameCa: string;

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

async function issue(prefix: string, opts: { now?: Date; dns: string[]; ips: string[]; leafDays: number }) {
  const p = await generatePki({
    keyAlgorithm: 'ecdsa-p256',
    serverDnsNames: opts.dns,
    serverIps: opts.ips,
    clientNames: [],
    caValidityDays: 3650,
    leafValidityDays: opts.leafDays,
    ...(opts.now ? { now: opts.now } : {}),
  });
  return { ca: write(`${prefix}-ca.crt`, p.ca.certPem), cert: write(`${prefix}.crt`, p.server.certPem), key: write(`${prefix}.key`, p.server.keyPem) };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'redsec-diag-tls-'));
  pki = testPki();
  const other = await issue('other', { dns: ['localhost'], ips: ['127.0.0.1'], leafDays: 30 });
  otherCa = other.ca;
  // Issued 400 days ago for 30 days: expired for 370 days.
  const old = await issue('expired', { now: new Date(Date.now() - 400 * DAY), dns: ['localhost'], ips: ['127.0.0.1'], leafDays: 30 });
  expiredCa = old.ca;
  const named = await issue('named', { dns: ['redis.internal'], ips: [], leafDays: 30 });
  wrongNameCa = named.ca;
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'self.key'), '-out', join(dir, 'self.crt'),
    '-days', '30', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'pipe' });
  [main, expired, wrongName, selfSigned, tls13] = await Promise.all([
    startRedis({ tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca, authClients: 'yes' } }),
    startRedis({ tls: { cert: old.cert, key: old.key, ca: old.ca, authClients: 'no', plain: false } }),
    startRedis({ tls: { cert: named.cert, key: named.key, ca: named.ca, authClients: 'no', plain: false } }),
    startRedis({ tls: { cert: join(dir, 'self.crt'), key: join(dir, 'self.key'), ca: pki.ca, authClients: 'no', plain: false } }),
    startRedis({ tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca, authClients: 'no', plain: false, protocols: 'TLSv1.3' } }),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([main, expired, wrongName, selfSigned, tls13].map((s) => s?.stop()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function run(opts: Omit<DiagnoseOptions, 'env'>): Promise<Diagnosis> {
  const d = await diagnose({ env: {}, connectTimeoutMs: 3000, replyTimeoutMs: 3000, ...opts });
  expect(DiagnosisSchema.parse(d)).toEqual(d);
  return d;
}
const tlsUrl = (s: RedisServer) => `rediss://127.0.0.1:${s.tlsPort}`;

/** openssl s_client -brief: what it negotiated. */
function sClient(port: number, extra: string[]): Promise<{ protocol: string; cipher: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-brief', ...extra], { timeout: 10_000 }, (_err, stdout, stderr) => {
      const text = `${stdout}\n${stderr}`;
      const protocol = /Protocol version: (\S+)/.exec(text)?.[1];
      const cipher = /Ciphersuite: (\S+)/.exec(text)?.[1];
      if (!protocol || !cipher) reject(new Error(`s_client: ${text.slice(0, 400)}`));
      else resolve({ protocol, cipher });
    });
    child.stdin?.end();
  });
}

describe('E604 TLS_HANDSHAKE on real servers', () => {
  it('works with the right CA and client certificate, and agrees with openssl s_client (TLS 1.3 and 1.2)', async () => {
    const client = { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey };
    const d = await run({ url: tlsUrl(main), tls: client });
    expect(d).toMatchObject({ ok: true, code: 'OK' });
    const ref = await sClient(main.tlsPort, ['-CAfile', pki.ca, '-cert', pki.clientCert, '-key', pki.clientKey]);
    expect({ protocol: d.tls?.protocol, cipher: d.tls?.cipher }).toEqual(ref);
    expect(d.tls?.certificate?.subjectAltNames).toEqual(['DNS:localhost', 'IP:127.0.0.1']);

    const d12 = await run({ url: tlsUrl(main), tls: { ...client, maxVersion: 'TLSv1.2' } });
    // Same offer as the Node client (its default cipher order), so the server's choice must agree.
    const ref12 = await sClient(main.tlsPort, ['-CAfile', pki.ca, '-cert', pki.clientCert, '-key', pki.clientKey, '-tls1_2', '-cipher', DEFAULT_CIPHERS]);
    expect({ protocol: d12.tls?.protocol, cipher: d12.tls?.cipher }).toEqual(ref12);
  });

  it('wrong CA', async () => {
    const d = await run({ url: tlsUrl(main), tls: { ca: otherCa, cert: pki.clientCert, key: pki.clientKey } });
    expect(d).toMatchObject({ ok: false, code: 'E604', problem: { name: 'TLS_HANDSHAKE', kind: 'wrong-ca' } });
    expect(d.problem?.cause).toContain('issuer: CN=redsec test CA');
  });

  it('expired certificate, with its dates as evidence', async () => {
    const d = await run({ url: tlsUrl(expired), tls: { ca: expiredCa } });
    expect(d.problem).toMatchObject({ code: 'E604', kind: 'expired' });
    expect(d.tls?.certificate?.validTo).toBeDefined();
    expect(Date.parse(d.tls!.certificate!.validTo)).toBeLessThan(Date.now() - 300 * DAY);
  });

  it('the dialled address is not in the SANs', async () => {
    const d = await run({ url: tlsUrl(wrongName), tls: { ca: wrongNameCa } });
    expect(d.problem).toMatchObject({ code: 'E604', kind: 'san-mismatch' });
    expect(d.problem?.cause).toContain('DNS:redis.internal');
    expect(d.problem?.summary).toContain('127.0.0.1');
  });

  it('self-signed server certificate', async () => {
    const d = await run({ url: tlsUrl(selfSigned), tls: { ca: pki.ca } });
    expect(d.problem).toMatchObject({ code: 'E604', kind: 'self-signed' });
    expect(d.tls?.certificate?.selfSigned).toBe(true);
  });

  it('TLS 1.3-only server, TLS 1.2-only client: protocol mismatch with both sides named', async () => {
    const d = await run({ url: tlsUrl(tls13), tls: { ca: pki.ca, maxVersion: 'TLSv1.2' } });
    expect(d.problem).toMatchObject({ code: 'E604', kind: 'protocol-mismatch' });
    expect(d.problem?.evidence).toContain('server accepts: TLSv1.3');
    expect(d.problem?.evidence).toContain('client allows: TLSv1.2 to TLSv1.2');
  });

  it('client certificate required but missing: TLS 1.3 (alert after the handshake) and TLS 1.2', async () => {
    const d13 = await run({ url: tlsUrl(main), tls: { ca: pki.ca } });
    expect(d13.problem).toMatchObject({ code: 'E604', kind: 'client-cert-required' });
    expect(d13.problem?.evidence.some((e) => e.startsWith('client certificate: required'))).toBe(true);
    const d12 = await run({ url: tlsUrl(main), tls: { ca: pki.ca, maxVersion: 'TLSv1.2' } });
    expect(d12.problem).toMatchObject({ code: 'E604', kind: 'client-cert-required' });
  });

  it('TLS spoken to the plain port', async () => {
    const d = await run({ url: `rediss://127.0.0.1:${main.port}`, tls: { ca: pki.ca } });
    expect(d.problem).toMatchObject({ code: 'E604', kind: 'tls-to-plain-port' });
    expect(d.problem?.evidence).toContain('the same port answers plain RESP: PING -> PONG');
  });

  it('plain spoken to the TLS port', async () => {
    const d = await run({ url: `redis://127.0.0.1:${main.tlsPort}` });
    expect(d.problem).toMatchObject({ code: 'E604', kind: 'plain-to-tls-port' });
    expect(d.tls?.certificate?.subjectAltNames).toContain('IP:127.0.0.1');
  });
});
