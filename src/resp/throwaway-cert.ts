/**
 * A self-signed client certificate no server can trust, made in memory per process. Presenting it
 * tells "client certificate optional" (the server asks, verifies and rejects it) from "not asked"
 * (the client never sends it), and lets protocol probes get past a required-certificate check: an
 * "unknown CA" alert proves the protocol and cipher were accepted.
 */
import { webcrypto } from 'node:crypto';

export interface ThrowawayCert {
  cert: string;
  key: string;
}

let cached: Promise<ThrowawayCert> | undefined;

async function make(): Promise<ThrowawayCert> {
  // Loaded here, on the first TLS probe, not when resp/ is imported: @peculiar/x509 (and the
  // reflect-metadata it needs first) costs every non-TLS run hundreds of milliseconds of start-up.
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto);
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=redsec probe (untrusted)',
    notBefore: new Date(now - 3600_000),
    notAfter: new Date(now + 86400_000),
    signingAlgorithm: alg,
    keys,
    extensions: [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])],
  });
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const key = `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END PRIVATE KEY-----\n`;
  return { cert: cert.toString('pem'), key };
}

export function throwawayClientCert(): Promise<ThrowawayCert> {
  cached ??= make();
  return cached;
}
