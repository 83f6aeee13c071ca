import { describe, expect, it } from 'vitest';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { x509 } from './provider.js';
import fc from 'fast-check';
import { distinguishedName, generatePki } from './issue.js';
import { InputError } from '../errors.js';
import type { PkiOptions } from './types.js';

const base: PkiOptions = {
  keyAlgorithm: 'ecdsa-p256',
  serverDnsNames: ['localhost', 'redis.internal'],
  serverIps: ['127.0.0.1', '::1'],
  clientNames: ['app', 'monitor'],
  caValidityDays: 3650,
  leafValidityDays: 90,
};

const ext = <T extends x509.Extension>(cert: x509.X509Certificate, type: new (raw: ArrayBuffer) => T): T => {
  const e = cert.getExtension(type);
  if (!e) throw new Error(`missing ${type.name}`);
  return e;
};

describe('generatePki (ECDSA P-256)', async () => {
  const pki = await generatePki(base);
  const ca = new x509.X509Certificate(pki.ca.certPem);
  const server = new x509.X509Certificate(pki.server.certPem);
  const client = new x509.X509Certificate(pki.clients[0]!.certPem);

  it('makes a CA with critical CA:TRUE pathlen 0, keyCertSign+cRLSign and an SKI', () => {
    const bc = ext(ca, x509.BasicConstraintsExtension);
    expect([bc.critical, bc.ca, bc.pathLength]).toEqual([true, true, 0]);
    const ku = ext(ca, x509.KeyUsagesExtension);
    expect([ku.critical, ku.usages]).toEqual([true, x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign]);
    expect(ext(ca, x509.SubjectKeyIdentifierExtension).keyId).toMatch(/^[0-9a-f]{40}$/);
    expect(ca.getExtension(x509.ExtendedKeyUsageExtension)).toBeNull();
    expect(pki.ca.subject).toBe('CN=redsec CA');
    expect(ca.issuer).toBe(ca.subject);
  });

  it('makes a server leaf with critical CA:FALSE, digitalSignature only, serverAuth+clientAuth, SANs, SKI and AKI = CA SKI', () => {
    const bc = ext(server, x509.BasicConstraintsExtension);
    expect([bc.critical, bc.ca]).toEqual([true, false]);
    const ku = ext(server, x509.KeyUsagesExtension);
    expect([ku.critical, ku.usages]).toEqual([true, x509.KeyUsageFlags.digitalSignature]);
    expect(ext(server, x509.ExtendedKeyUsageExtension).usages).toEqual([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]);
    expect(ext(server, x509.AuthorityKeyIdentifierExtension).keyId).toBe(ext(ca, x509.SubjectKeyIdentifierExtension).keyId);
    expect(ext(server, x509.SubjectKeyIdentifierExtension).keyId).not.toBe(ext(ca, x509.SubjectKeyIdentifierExtension).keyId);
    const node = new X509Certificate(pki.server.certPem);
    expect(node.subjectAltName).toBe('DNS:localhost, DNS:redis.internal, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(node.checkHost('redis.internal')).toBe('redis.internal');
    expect(node.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(node.checkIssued(new X509Certificate(pki.ca.certPem))).toBe(true);
    expect(node.verify(new X509Certificate(pki.ca.certPem).publicKey)).toBe(true);
  });

  it('makes client leaves with clientAuth only and CN = name', () => {
    expect(ext(client, x509.ExtendedKeyUsageExtension).usages).toEqual([x509.ExtendedKeyUsage.clientAuth]);
    expect(ext(client, x509.BasicConstraintsExtension).ca).toBe(false);
    expect(client.getExtension(x509.SubjectAlternativeNameExtension)).toBeNull();
    expect(pki.clients.map((c) => [c.name, c.subject])).toEqual([['app', 'CN=app'], ['monitor', 'CN=monitor']]);
  });

  it('uses 16-byte positive random serials, ecdsa-with-SHA256 and PKCS#8 keys that match', () => {
    const serials = [pki.ca, pki.server, ...pki.clients].map((c) => c.serialHex);
    for (const s of serials) expect(s).toMatch(/^[0-7][0-9a-f]{31}$/);
    expect(new Set(serials).size).toBe(serials.length);
    expect(new X509Certificate(pki.server.certPem).serialNumber.toLowerCase()).toBe(pki.server.serialHex);
    expect(server.signatureAlgorithm).toMatchObject({ name: 'ECDSA', hash: { name: 'SHA-256' } });
    expect(pki.server.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const key = createPrivateKey(pki.server.keyPem);
    expect(key.asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
    expect(new X509Certificate(pki.server.certPem).checkPrivateKey(key)).toBe(true);
  });

  it('gives leaves exactly the requested lifetime', () => {
    expect(pki.server.notAfter.getTime() - pki.server.notBefore.getTime()).toBe(90 * 86_400_000);
    expect(pki.ca.notAfter.getTime() - pki.ca.notBefore.getTime()).toBe(3650 * 86_400_000);
    expect(pki.server.notBefore.getTime()).toBeLessThanOrEqual(Date.now());
  });
});

describe('generatePki options', () => {
  it('signs P-384 with SHA-384', async () => {
    const pki = await generatePki({ ...base, keyAlgorithm: 'ecdsa-p384', clientNames: [] });
    expect(new x509.X509Certificate(pki.server.certPem).signatureAlgorithm).toMatchObject({ name: 'ECDSA', hash: { name: 'SHA-384' } });
    expect(createPrivateKey(pki.ca.keyPem).asymmetricKeyDetails).toEqual({ namedCurve: 'secp384r1' });
  });

  it('issues in the past with `now`, for already-expired certificates', async () => {
    const now = new Date('2020-01-01T00:00:00Z');
    const pki = await generatePki({ ...base, clientNames: [], now, leafValidityDays: 1 });
    expect(pki.server.notAfter.getTime()).toBeLessThan(Date.now());
    expect(pki.server.notAfter.toISOString()).toBe('2020-01-01T23:55:00.000Z');
  });

  it('keeps awkward common names intact', async () => {
    const pki = await generatePki({ ...base, clientNames: ['a,b=c "x"'] });
    expect(new x509.X509Certificate(pki.clients[0]!.certPem).subjectName.toJSON()).toEqual([{ CN: ['a,b=c "x"'] }]);
  });

  it.each([
    [{ serverIps: ['999.1.1.1'] }, /serverIps: not an IP address/],
    [{ serverDnsNames: ['bad name'] }, /serverDnsNames: not a DNS name/],
    [{ serverDnsNames: [], serverIps: [] }, /at least one DNS name or IP/],
    [{ leafValidityDays: 0 }, /leafValidityDays: must be a whole number/],
    [{ leafValidityDays: 4000 }, /must not outlive its CA/],
    [{ clientNames: ['app', 'app'] }, /duplicate client name/],
  ] as [Partial<PkiOptions>, RegExp][])('rejects bad options %j', async (patch, message) => {
    const p = generatePki({ ...base, ...patch });
    await expect(p).rejects.toBeInstanceOf(InputError);
    await expect(p).rejects.toThrow(message);
  });
});

describe('distinguishedName', () => {
  it('round-trips any common name through the RFC 4514 parser', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20, unit: fc.constantFrom('a', ' ', '#', ',', '+', '"', '\\', '<', '>', ';', '=', 'é', '1') }), (cn) => {
        expect(new x509.Name(distinguishedName(cn).toArrayBuffer()).toJSON()).toEqual([{ CN: [cn] }]);
      }),
      { numRuns: 300 },
    );
  });
});
