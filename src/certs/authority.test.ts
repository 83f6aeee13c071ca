import { describe, expect, it } from 'vitest';
import { X509Certificate, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { createAuthority, issueClientCertificate, loadAuthority } from './authority.js';
import { keyAlgorithmOf } from './renew.js';
import { generatePki } from './issue.js';
import { verifyChain } from './chain.js';
import { InputError } from '../errors.js';

const src = { cert: 'ca.crt', key: 'ca.key' };

describe('certificate authority after generate', async () => {
  const pki = await generatePki({ keyAlgorithm: 'ecdsa-p256', serverDnsNames: ['localhost', 'redis.internal'], serverIps: ['127.0.0.1'], clientNames: ['app'], caValidityDays: 3650, leafValidityDays: 90 });

  it('loads a bundle CA (PKCS#8, and SEC1 as openssl writes it) and issues client certificates that chain to it', async () => {
    for (const keyPem of [pki.ca.keyPem, createPrivateKey(pki.ca.keyPem).export({ type: 'sec1', format: 'pem' }).toString()]) {
      const ca = await loadAuthority(pki.ca.certPem, keyPem, src);
      expect(ca.algorithm).toBe('ecdsa-p256');
      const leaf = await issueClientCertificate(ca, { commonName: 'check', keyAlgorithm: 'rsa-2048', validityDays: 1 });
      const cert = new X509Certificate(leaf.certPem);
      expect(verifyChain(cert, [], [new X509Certificate(pki.ca.certPem)], new Date()).trusted).toBe(true);
      expect(keyAlgorithmOf(cert)).toBe('rsa-2048');
      expect(cert.issuer).toBe(new X509Certificate(pki.ca.certPem).subject);
      expect(createPrivateKey(leaf.keyPem).asymmetricKeyType).toBe('rsa');
    }
  });

  it('a new CA is a CA of the asked key type; its client certificates chain to it and not to the old one', async () => {
    const fresh = await createAuthority({ keyAlgorithm: 'ecdsa-p384', commonName: 'redsec CA next', validityDays: 30 });
    const caCert = new X509Certificate(fresh.cert.certPem);
    expect(caCert.ca).toBe(true);
    expect(keyAlgorithmOf(caCert)).toBe('ecdsa-p384');
    const client = new X509Certificate((await issueClientCertificate(fresh, { commonName: 'check', keyAlgorithm: 'ecdsa-p256', validityDays: 1 })).certPem);
    expect(verifyChain(client, [], [caCert], new Date()).trusted).toBe(true);
    expect(verifyChain(client, [], [new X509Certificate(pki.ca.certPem)], new Date()).trusted).toBe(false);
  });

  it('refuses a key of another CA, a leaf as CA, a certificate outliving its CA, and unsupported key types', async () => {
    const other = await createAuthority({ keyAlgorithm: 'ecdsa-p256', commonName: 'x', validityDays: 10 });
    await expect(loadAuthority(pki.ca.certPem, other.cert.keyPem, src)).rejects.toThrow(/ca.key: this key does not belong/);
    await expect(loadAuthority(pki.server.certPem, pki.server.keyPem, src)).rejects.toThrow(InputError);
    await expect(loadAuthority(pki.ca.certPem, 'nope', src)).rejects.toThrow(/not an unencrypted PEM private key/);
    await expect(issueClientCertificate(other, { commonName: 'c', keyAlgorithm: 'ecdsa-p256', validityDays: 11 })).rejects.toThrow(/outlive its CA/);
    const ed = generateKeyPairSync('ed25519');
    await expect(loadAuthority(pki.ca.certPem, ed.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), src)).rejects.toThrow(/key type not supported/);
  });
});
