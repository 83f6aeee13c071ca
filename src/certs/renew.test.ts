import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { generatePki } from './issue.js';
import { isIssuedBy, keyAlgorithmOf, lifetimeDays, renewCertificate } from './renew.js';
import { testPki } from '../../test/helpers/pki.js';
import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';

const DAY = 86_400_000;

describe('renewCertificate', async () => {
  const pki = await generatePki({ keyAlgorithm: 'ecdsa-p256', serverDnsNames: ['localhost', 'redis.internal'], serverIps: ['127.0.0.1'], clientNames: ['app'], caValidityDays: 3650, leafValidityDays: 90 });
  const ca = { certPem: pki.ca.certPem, keyPem: pki.ca.keyPem, source: 'ca.key' };

  it('keeps subject, SANs, key type and lifetime; new key and serial; signed by the CA (openssl agrees)', async () => {
    const renewed = await renewCertificate({ current: pki.server.certPem, ca, role: 'server' });
    const oldCert = new X509Certificate(pki.server.certPem);
    const cert = new X509Certificate(renewed.certPem);
    expect(cert.subject).toBe(oldCert.subject);
    expect(cert.subjectAltName).toBe(oldCert.subjectAltName);
    expect(keyAlgorithmOf(cert)).toBe('ecdsa-p256');
    expect(lifetimeDays(cert)).toBe(90);
    expect(renewed.serialHex).not.toBe(pki.server.serialHex);
    expect(cert.publicKey.export({ type: 'spki', format: 'der' }).equals(oldCert.publicKey.export({ type: 'spki', format: 'der' }))).toBe(false);
    expect(isIssuedBy(cert, new X509Certificate(pki.ca.certPem))).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(renewed.keyPem))).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'redsec-renew-'));
    writeFileSync(join(dir, 'ca.crt'), pki.ca.certPem);
    writeFileSync(join(dir, 'new.crt'), renewed.certPem);
    const out = execFileSync('openssl', ['verify', '-CAfile', join(dir, 'ca.crt'), '-purpose', 'sslserver', join(dir, 'new.crt')], { encoding: 'utf8' });
    expect(out).toContain('new.crt: OK');
  });

  it('a client certificate keeps its CN, gets clientAuth only; --key-algorithm changes the key type', async () => {
    const renewed = await renewCertificate({ current: pki.clients[0]!.certPem, ca, role: 'client', keyAlgorithm: 'rsa-2048', days: 30 });
    const cert = new X509Certificate(renewed.certPem);
    expect(cert.subject).toBe('CN=app');
    expect(keyAlgorithmOf(cert)).toBe('rsa-2048');
    expect(lifetimeDays(cert)).toBe(30);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
  });

  it('renews a certificate of a CA made by openssl (its own name encoding): openssl verifies the result', async () => {
    const t = testPki();
    const renewed = await renewCertificate({ current: readFileSync(t.serverCert, 'utf8'), ca: { certPem: readFileSync(t.ca, 'utf8'), keyPem: readFileSync(t.caKey, 'utf8'), source: t.caKey }, role: 'server', days: 10 });
    const dir = mkdtempSync(join(tmpdir(), 'redsec-renew-'));
    writeFileSync(join(dir, 'new.crt'), renewed.certPem);
    expect(execFileSync('openssl', ['verify', '-CAfile', t.ca, join(dir, 'new.crt')], { encoding: 'utf8' })).toContain('OK');
  });

  it('refuses a key that is not the CA certificate\'s, a non-CA issuer, and a lifetime beyond the CA', async () => {
    const other = await generatePki({ keyAlgorithm: 'ecdsa-p256', serverDnsNames: ['x'], serverIps: [], clientNames: [], caValidityDays: 100, leafValidityDays: 90 });
    await expect(renewCertificate({ current: pki.server.certPem, ca: { ...ca, keyPem: other.ca.keyPem }, role: 'server' })).rejects.toThrow("not the CA certificate's key");
    await expect(renewCertificate({ current: pki.server.certPem, ca: { certPem: pki.server.certPem, keyPem: pki.server.keyPem, source: 's' }, role: 'server' })).rejects.toThrow('not a CA certificate');
    const shortCa = { certPem: other.ca.certPem, keyPem: other.ca.keyPem, source: 'short-ca.key' };
    await expect(renewCertificate({ current: pki.server.certPem, ca: shortCa, role: 'server', days: 200 })).rejects.toThrow(InputError);
    await expect(renewCertificate({ current: pki.server.certPem, ca: shortCa, role: 'server', days: 200, now: new Date(Date.now() - DAY) })).rejects.toThrow('rotate the CA first');
    await expect(renewCertificate({ current: pki.server.certPem, ca: { ...ca, keyPem: 'junk' }, role: 'server' })).rejects.toThrow('not a PEM private key');
  });
});
