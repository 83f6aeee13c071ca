/**
 * TLS against real redis-server 7.0.15 TLS ports (certificates from the openssl CLI): client
 * certificates, the E604 faults, and the native probe checked against `openssl s_client`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate, webcrypto } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CIPHERS, getCiphers } from 'node:tls';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { testPki, type TestPki } from '../helpers/pki.js';
import { connect, parseTarget, probeTls, TLS12_CANDIDATES, TLS13_CANDIDATES, type TlsProbeResult } from '../../src/resp/index.js';
import { certificateFactsFromDer } from '../../src/certs/index.js';
import { failure } from '../helpers/connection-failure.js';

let pki: TestPki;
let only13: RedisServer; // tls-protocols "TLSv1.3", client certificate required, no plain port
let only12: RedisServer; // tls-protocols "TLSv1.2", client certificate required
let both: RedisServer; // "TLSv1.2 TLSv1.3", client certificate optional, plain port open too
let noAuth: RedisServer; // "TLSv1.2 TLSv1.3", client certificate not asked
let legacy: RedisServer; // TLS 1.0 to 1.3 at OpenSSL security level 0 (the audit's "TLS 1.1 allowed" case)
let expired: RedisServer; // serving a leaf whose validity ended yesterday
let otherDir: string;
let otherCa: string;

x509.cryptoProvider.set(webcrypto);

/** A leaf for localhost/127.0.0.1 signed by the test CA, valid only in the past. */
async function expiredLeaf(dir: string): Promise<{ cert: string; key: string }> {
  const ec = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const caPem = readFileSync(pki.caKey, 'utf8');
  const caDer = Buffer.from(caPem.replace(/-----[^-]+-----|\s+/g, ''), 'base64');
  const caKey = await webcrypto.subtle.importKey('pkcs8', caDer, ec, false, ['sign']);
  const keys = (await webcrypto.subtle.generateKey(ec, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const day = 86_400_000;
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: '0badc0de',
    subject: 'CN=localhost',
    issuer: new X509Certificate(readFileSync(pki.ca)).subject,
    notBefore: new Date(Date.now() - 10 * day),
    notAfter: new Date(Date.now() - day),
    signingAlgorithm: ec,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'localhost' }, { type: 'ip', value: '127.0.0.1' }])],
  });
  const keyDer = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const cert = join(dir, 'expired.crt');
  const key = join(dir, 'expired.key');
  writeFileSync(cert, leaf.toString('pem'));
  writeFileSync(key, `-----BEGIN PRIVATE KEY-----\n${keyDer.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END PRIVATE KEY-----\n`, { mode: 0o600 });
  return { cert, key };
}

beforeAll(async () => {
  pki = testPki();
  const files = { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca };
  [only13, only12, both, noAuth, legacy] = await Promise.all([
    startRedis({ tls: { ...files, authClients: 'yes', plain: false, protocols: 'TLSv1.3' } }),
    startRedis({ tls: { ...files, authClients: 'yes', plain: false, protocols: 'TLSv1.2' } }),
    startRedis({ tls: { ...files, authClients: 'optional', plain: true, protocols: 'TLSv1.2 TLSv1.3' } }),
    startRedis({ tls: { ...files, authClients: 'no', plain: false, protocols: 'TLSv1.2 TLSv1.3' } }),
    startRedis({ tls: { ...files, authClients: 'no', plain: false, protocols: 'TLSv1 TLSv1.1 TLSv1.2 TLSv1.3' }, config: 'tls-ciphers "DEFAULT:@SECLEVEL=0"' }),
  ]);
  otherDir = mkdtempSync(join(tmpdir(), 'redsec-otherca-'));
  expired = await startRedis({ tls: { ...(await expiredLeaf(otherDir)), ca: pki.ca, authClients: 'no', plain: false } });
  otherCa = join(otherDir, 'other.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(otherDir, 'other.key'),
    '-out', otherCa, '-days', '2', '-subj', '/CN=unrelated CA'], { stdio: 'pipe' });
});

afterAll(async () => {
  await Promise.all([only13?.stop(), only12?.stop(), both?.stop(), noAuth?.stop(), legacy?.stop(), expired?.stop()]);
  if (otherDir) rmSync(otherDir, { recursive: true, force: true });
});

const clientTls = () => ({ ca: pki.ca, cert: pki.clientCert, key: pki.clientKey });
const tlsUrl = (s: RedisServer, host = '127.0.0.1') => parseTarget(`rediss://${host}:${s.tlsPort}`);


interface SClient {
  ok: boolean;
  protocol?: string;
  cipher?: string;
  tempKey?: string;
}

/** One `openssl s_client` handshake; stdin is closed at once so it exits after the handshake. */
function sClient(port: number, args: string[]): SClient {
  const r = spawnSync('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-CAfile', pki.ca, '-cert', pki.clientCert, '-key', pki.clientKey, ...args], {
    input: '',
    encoding: 'utf8',
    timeout: 10_000,
  });
  const out = `${r.stdout}\n${r.stderr}`;
  // "New, X, Cipher is C" names C's first version, not the negotiated one: that is in the session
  // block ("Protocol  : ..."), which s_client omits for some TLS 1.3 sessions, where only TLS 1.3
  // suites (TLS_*) can have been negotiated anyway.
  const cipher = /New, \S+, Cipher is (\S+)/.exec(out)?.[1];
  const ok = cipher !== undefined && cipher !== '(NONE)';
  const protocol = /^\s+Protocol\s+: (\S+)$/m.exec(out)?.[1] ?? (cipher?.startsWith('TLS_') ? 'TLSv1.3' : undefined);
  const temp = /Server Temp Key: ([^,\n]+)/.exec(out);
  return { ok, ...(ok && protocol ? { protocol } : {}), ...(ok && cipher ? { cipher } : {}), ...(temp?.[1] ? { tempKey: temp[1] } : {}) };
}

/** Node's default offer, split the way s_client takes it. */
function nodeDefaultOffer(): string[] {
  const all = DEFAULT_CIPHERS.split(':');
  return ['-ciphersuites', all.filter((c) => c.startsWith('TLS_')).join(':'), '-cipher', all.filter((c) => !c.startsWith('TLS_')).join(':')];
}

describe('TLS connections (real redis-server)', () => {
  it('connects with a client certificate and reports the session', async () => {
    const conn = await connect(tlsUrl(only13), { tls: clientTls() });
    expect(await conn.call(['PING'])).toBe('PONG');
    expect(conn.tlsInfo?.protocol).toBe('TLSv1.3');
    expect(conn.tlsInfo?.authorized).toBe(true);
    expect(conn.tlsInfo?.group).toBe('X25519');
    const leaf = new X509Certificate(readFileSync(pki.serverCert)).raw;
    expect(conn.tlsInfo?.peerCertificates[0]?.equals(leaf)).toBe(true);
    conn.close();
  });

  it('TLS 1.3 without the required client certificate: E604 when the alert arrives after the handshake', async () => {
    const conn = await connect(tlsUrl(only13), { tls: { ca: pki.ca } });
    const e = await failure(conn.call(['PING']));
    expect(e.code).toBe('E604');
    expect(e.fault).toBe('client-cert-required');
    expect(e.tlsReason).toBe('tlsv13 alert certificate required');
    // With AUTH the same failure surfaces inside connect().
    const e2 = await failure(connect(tlsUrl(only13), { tls: { ca: pki.ca }, auth: { password: 'x' } }));
    expect(e2.fault).toBe('client-cert-required');
  });

  it('TLS 1.2 without the required client certificate: the handshake itself fails (E604)', async () => {
    const e = await failure(connect(tlsUrl(only12), { tls: { ca: pki.ca } }));
    expect(e.code).toBe('E604');
    expect(e.fault).toBe('handshake-failure');
  });

  it('a CA that did not sign the server certificate is E604; --insecure connects but reports it', async () => {
    const e = await failure(connect(tlsUrl(noAuth), { tls: { ca: otherCa } }));
    expect(e.code).toBe('E604');
    expect(['untrusted-ca', 'self-signed']).toContain(e.fault);
    const conn = await connect(tlsUrl(noAuth), { tls: { ca: otherCa, insecure: true } });
    expect(await conn.call(['PING'])).toBe('PONG');
    expect(conn.tlsInfo?.authorized).toBe(false);
    expect(conn.tlsInfo?.authorizationError).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED/);
    conn.close();
  });

  it('an expired server certificate is E604 cert-expired, with OpenSSL\'s reason', async () => {
    const e = await failure(connect(tlsUrl(expired), { tls: { ca: pki.ca } }));
    expect(e.code).toBe('E604');
    expect(e.fault).toBe('cert-expired');
    expect(e.tlsReason).toBe('certificate has expired (CERT_HAS_EXPIRED)');
    const probe = await probeTls('127.0.0.1', expired.tlsPort, { ca: pki.ca, ciphers: false });
    expect(probe.authorized).toBe(false);
    expect(probe.authorizationError).toBe('CERT_HAS_EXPIRED');
    expect(new Date(probe.certificate?.notAfter ?? 0).getTime()).toBeLessThan(Date.now());
  });

  it('a host name the certificate does not cover is E604 hostname-mismatch', async () => {
    const e = await failure(connect(tlsUrl(noAuth), { tls: { ca: pki.ca, servername: 'db.example.net' } }));
    expect(e.code).toBe('E604');
    expect(e.fault).toBe('hostname-mismatch');
  });

  it('TLS 1.2-only client against a TLS 1.3-only server is E604 protocol-mismatch', async () => {
    const e = await failure(connect(tlsUrl(only13), { tls: { ...clientTls(), maxVersion: 'TLSv1.2' } }));
    expect(e.code).toBe('E604');
    expect(e.fault).toBe('protocol-mismatch');
  });

  it('plain RESP spoken to a TLS port is detected (PROTOCOL plain-to-tls-port), not retried as a reset', async () => {
    const conn = await connect(parseTarget(`redis://127.0.0.1:${only13.tlsPort}`));
    const e = await failure(conn.call(['PING']));
    expect(e.code).toBe('PROTOCOL');
    expect(e.fault).toBe('plain-to-tls-port');
    const started = Date.now();
    const e2 = await failure(connect(parseTarget(`redis://127.0.0.1:${only13.tlsPort}`), { auth: { password: 'x' }, backoffMs: 5000 }));
    expect(e2.fault).toBe('plain-to-tls-port');
    // No backoff wait happened (the first retry alone would take 5 s).
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('TLS spoken to a plain port: connect fails at its deadline, the probe names it (E604 tls-to-plain-port)', async () => {
    const e = await failure(connect(parseTarget(`rediss://127.0.0.1:${both.port}`), { connectTimeoutMs: 500 }));
    expect(['tls-handshake-timeout', 'tls-to-plain-port']).toContain(e.fault);
    const p = await failure(probeTls('127.0.0.1', both.port, { timeoutMs: 500 }));
    expect(p.code).toBe('E604');
    expect(p.fault).toBe('tls-to-plain-port');
  });

  it('probing a port nobody listens on is CONNREFUSED, not an empty result', async () => {
    const e = await failure(probeTls('127.0.0.1', 1, { timeoutMs: 500 }));
    expect(e.code).toBe('CONNREFUSED');
  });
});

describe('TLS probe (real redis-server, checked with openssl s_client)', () => {
  let probe13: TlsProbeResult;
  let probeBoth: TlsProbeResult;
  beforeAll(async () => {
    [probe13, probeBoth] = await Promise.all([
      probeTls('127.0.0.1', only13.tlsPort, { ca: pki.ca }),
      probeTls('127.0.0.1', both.tlsPort, { ca: pki.ca }),
    ]);
  });

  it('finds exactly the protocols each server allows, and s_client agrees per version', () => {
    expect(probe13.protocols).toEqual(['TLSv1.3']);
    expect(probeBoth.protocols).toEqual(['TLSv1.2', 'TLSv1.3']);
    for (const [server, probe] of [[only13, probe13], [both, probeBoth]] as const) {
      for (const [flag, version] of [['-tls1_2', 'TLSv1.2'], ['-tls1_3', 'TLSv1.3']] as const) {
        expect(sClient(server.tlsPort, [flag]).ok, `${version} on ${server.tlsPort}`).toBe(probe.protocols.includes(version));
      }
    }
  });

  it('negotiates the same protocol, cipher and group as s_client offering the same list', () => {
    for (const [server, probe] of [[only13, probe13], [both, probeBoth]] as const) {
      const s = sClient(server.tlsPort, nodeDefaultOffer());
      expect(s.ok).toBe(true);
      expect(probe.negotiated?.protocol).toBe(s.protocol);
      expect(probe.negotiated?.cipher).toBe(s.cipher);
      expect(probe.negotiated?.group).toBe(s.tempKey);
    }
    const s12 = sClient(both.tlsPort, ['-tls1_2']);
    expect(s12.protocol).toBe('TLSv1.2');
  });

  it('accepts exactly the suites s_client can negotiate, one by one', () => {
    const available = new Set(getCiphers().map((c) => c.toUpperCase()));
    const tls12 = TLS12_CANDIDATES.filter((c) => available.has(c) && !probeBoth.skippedCiphers.includes(c));
    for (const suite of tls12) {
      const s = sClient(both.tlsPort, ['-tls1_2', '-cipher', `${suite}:@SECLEVEL=0`]);
      expect(s.ok, suite).toBe(probeBoth.ciphers['TLSv1.2']?.includes(suite) ?? false);
    }
    for (const suite of TLS13_CANDIDATES) {
      const s = sClient(both.tlsPort, ['-tls1_3', '-ciphersuites', suite]);
      expect(s.ok, suite).toBe(probeBoth.ciphers['TLSv1.3']?.includes(suite) ?? false);
    }
    // The server's default tls-ciphers still take CBC/SHA-1 suites (the spec's observation).
    expect(probeBoth.ciphers['TLSv1.2']).toContain('ECDHE-ECDSA-AES128-SHA');
    expect(probeBoth.ciphers['TLSv1.3']).toEqual(['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']);
  });

  it('tells required, optional and not-asked client certificates apart, on TLS 1.3 and 1.2', async () => {
    expect(probe13.clientAuth).toBe('required');
    expect(probeBoth.clientAuth).toBe('optional');
    const [p12, pNone, p12WithCert] = await Promise.all([
      probeTls('127.0.0.1', only12.tlsPort, { ca: pki.ca, ciphers: false }),
      probeTls('127.0.0.1', noAuth.tlsPort, { ca: pki.ca, ciphers: false }),
      probeTls('127.0.0.1', only12.tlsPort, { ...clientTls(), ciphers: false }),
    ]);
    expect(p12.clientAuth).toBe('required');
    expect(p12.protocols).toEqual(['TLSv1.2']);
    expect(p12WithCert.protocols).toEqual(['TLSv1.2']);
    expect(p12WithCert.clientAuth).toBe('required');
    expect(pNone.clientAuth).toBe('none');
  });

  it('finds TLS 1.0 and 1.1 on a server that allows them, as s_client does', async () => {
    const probe = await probeTls('127.0.0.1', legacy.tlsPort, { ca: pki.ca });
    expect(probe.protocols).toEqual(['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']);
    for (const [flag, version] of [['-tls1', 'TLSv1'], ['-tls1_1', 'TLSv1.1']] as const) {
      const s = sClient(legacy.tlsPort, [flag, '-cipher', 'DEFAULT:@SECLEVEL=0']);
      expect(s.ok, version).toBe(true);
      // s_client spells TLS 1.0 "TLSv1.0"; OpenSSL's protocol name (Node, tls-protocols) is "TLSv1".
      expect(s.protocol?.replace('TLSv1.0', 'TLSv1')).toBe(version);
    }
    // Only SHA-1 CBC suites exist below TLS 1.2; the probe does not offer AEAD suites there.
    expect(probe.ciphers['TLSv1.1']).toEqual(['ECDHE-ECDSA-AES128-SHA', 'ECDHE-ECDSA-AES256-SHA']);
    expect(probe.clientAuth).toBe('none');
  });

  it('returns the raw leaf certificate (DER/PEM) and its trust; certs/ reads it', () => {
    const leaf = new X509Certificate(readFileSync(pki.serverCert));
    const der = probeBoth.peerCertificates[0]?.der;
    expect(der?.equals(leaf.raw)).toBe(true);
    expect(new X509Certificate(probeBoth.peerCertificates[0]?.pem ?? '').fingerprint256).toBe(leaf.fingerprint256);
    expect(probeBoth.authorized).toBe(true);
    // One certificate reader: resp/ hands over the chain, it does not summarise it itself.
    expect(probeBoth.certificate).toBeUndefined();
    expect(certificateFactsFromDer(der ?? Buffer.alloc(0))).toMatchObject({
      subject: 'CN=localhost',
      keyType: 'ec',
      keyBits: 256,
      curve: 'prime256v1',
      signatureAlgorithm: 'ecdsa-with-SHA256',
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1'],
      selfSigned: false,
      isCa: false,
      fingerprintSha256: leaf.fingerprint256,
    });
  });
});
