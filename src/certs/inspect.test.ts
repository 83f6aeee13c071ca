import { describe, expect, it } from 'vitest';
import { generatePki } from './issue.js';
import { inspectCertificate } from './inspect.js';
import { InputError } from '../errors.js';
import type { PkiOptions } from './types.js';

const base: PkiOptions = {
  keyAlgorithm: 'ecdsa-p256',
  serverDnsNames: ['localhost', '*.redis.internal'],
  serverIps: ['127.0.0.1'],
  clientNames: ['app'],
  caValidityDays: 3650,
  leafValidityDays: 90,
};

describe('inspectCertificate', async () => {
  const pki = await generatePki(base);
  const other = await generatePki({ ...base, clientNames: [] });

  it('reads the facts of a generated server certificate', () => {
    const facts = inspectCertificate(pki.server.certPem);
    expect(facts).toMatchObject({
      subject: 'CN=localhost',
      issuer: 'CN=redsec CA',
      selfSigned: false,
      dnsNames: ['localhost', '*.redis.internal'],
      ipAddresses: ['127.0.0.1'],
      keyType: 'ec',
      keyBits: 256,
      curve: 'prime256v1',
      signatureAlgorithm: 'ecdsa-with-SHA256',
      notBefore: pki.server.notBefore.toISOString(),
      notAfter: pki.server.notAfter.toISOString(),
      serialHex: pki.server.serialHex,
      isCa: false,
      extendedKeyUsage: ['serverAuth', 'clientAuth'],
    });
    expect(facts.fingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(facts.trusted).toBeUndefined();
  });

  it('sees a CA as a self-signed CA', () => {
    expect(inspectCertificate(pki.ca.certPem)).toMatchObject({ isCa: true, selfSigned: true });
  });

  it('verifies the chain against the right CA only', () => {
    expect(inspectCertificate(pki.server.certPem, { ca: pki.ca.certPem }).trusted).toBe(true);
    const wrong = inspectCertificate(pki.server.certPem, { ca: other.ca.certPem });
    expect(wrong.trusted).toBe(false);
    expect(wrong.trustError).toMatch(/not issued by any trusted CA certificate/);
    // A bundle with both CAs still finds the right one.
    expect(inspectCertificate(pki.server.certPem, { ca: other.ca.certPem + pki.ca.certPem }).trusted).toBe(true);
  });

  it('judges validity at `now`', () => {
    const later = new Date(pki.server.notAfter.getTime() + 1000);
    const expired = inspectCertificate(pki.server.certPem, { ca: pki.ca.certPem, now: later });
    expect(expired.trusted).toBe(false);
    expect(expired.trustError).toMatch(/has expired/);
    const before = inspectCertificate(pki.server.certPem, { ca: pki.ca.certPem, now: new Date(pki.server.notBefore.getTime() - 1000) });
    expect(before.trustError).toMatch(/not yet valid/);
  });

  it('checks the dialled name against the SANs, wildcards included, never the CN', () => {
    expect(inspectCertificate(pki.server.certPem, { hostname: 'localhost' }).hostCheck).toEqual({ name: 'localhost', matches: true });
    expect(inspectCertificate(pki.server.certPem, { hostname: 'a.redis.internal' }).hostCheck?.matches).toBe(true);
    expect(inspectCertificate(pki.server.certPem, { hostname: 'a.b.redis.internal' }).hostCheck?.matches).toBe(false);
    expect(inspectCertificate(pki.server.certPem, { hostname: 'db.example' }).hostCheck?.matches).toBe(false);
    expect(inspectCertificate(pki.server.certPem, { hostname: '127.0.0.1' }).hostCheck?.matches).toBe(true);
    expect(inspectCertificate(pki.server.certPem, { ip: '10.0.0.1' }).hostCheck).toEqual({ name: '10.0.0.1', matches: false });
    // The client certificate has CN=app but no SAN: not a match for "app".
    expect(inspectCertificate(pki.clients[0]!.certPem, { hostname: 'app' }).hostCheck?.matches).toBe(false);
  });

  it('reads RSA keys and DER input', async () => {
    const rsa = await generatePki({ ...base, keyAlgorithm: 'rsa-2048', clientNames: [] });
    const der = Buffer.from(rsa.server.certPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    expect(inspectCertificate(der)).toMatchObject({ keyType: 'rsa', keyBits: 2048, signatureAlgorithm: 'sha256WithRSAEncryption' });
  });

  it.each([
    ['', /no PEM certificate found/],
    ['hello', /no PEM certificate found/],
    [pki.server.keyPem, /other PEM blocks only/],
    ['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', /PEM block 1 is not a valid X.509 certificate/],
    [pki.server.certPem.slice(0, 200) + '\n-----END CERTIFICATE-----\n', /PEM block 1 is not a valid/],
  ])('rejects bad input as one InputError line (%#)', (input, message) => {
    let caught: unknown;
    try {
      inspectCertificate(input, { source: 'server.crt' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as Error).message).toMatch(/^server\.crt: /);
    expect((caught as Error).message).toMatch(message);
    expect((caught as Error).message).not.toContain('\n');
  });

  it('rejects garbage DER', () => {
    expect(() => inspectCertificate(new Uint8Array([0x30, 0x03, 1, 2, 3]))).toThrow(InputError);
  });
});
