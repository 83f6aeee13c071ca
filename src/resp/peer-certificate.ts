/**
 * The leaf certificate the client saw, as CertificateFacts for the TLS rules. The raw DER stays in
 * the probe result too, so the TLS analysis can look at anything not summarised here.
 */
import 'reflect-metadata';
import { X509Certificate, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { CertificateFacts } from '../facts/types.js';

x509.cryptoProvider.set(webcrypto);

const CURVE_BITS: Record<string, number> = { prime256v1: 256, secp384r1: 384, secp521r1: 521, secp256k1: 256 };

/** OpenSSL's names for the signature algorithm, as in `openssl x509 -text`. */
function signatureName(der: Buffer): string {
  const alg = new x509.X509Certificate(der).signatureAlgorithm as { name: string; hash?: { name: string } };
  const hash = alg.hash?.name.replace('-', '') ?? '';
  switch (alg.name) {
    case 'ECDSA':
      return `ecdsa-with-${hash}`;
    case 'RSASSA-PKCS1-v1_5':
      return `${hash.toLowerCase()}WithRSAEncryption`;
    case 'RSA-PSS':
      return 'rsassaPss';
    case 'Ed25519':
      return 'ED25519';
    default:
      return alg.name;
  }
}

function sans(text: string | undefined, kind: 'DNS' | 'IP Address'): string[] {
  if (!text) return [];
  return text
    .split(', ')
    .filter((s) => s.startsWith(`${kind}:`))
    .map((s) => s.slice(kind.length + 1));
}

export function certificateFacts(der: Buffer, trusted?: boolean): CertificateFacts {
  const cert = new X509Certificate(der);
  const key = cert.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  const type = key.asymmetricKeyType;
  const keyType: CertificateFacts['keyType'] = type === 'ec' ? 'ec' : type === 'rsa' || type === 'rsa-pss' ? 'rsa' : type === 'ed25519' ? 'ed25519' : 'other';
  const curve = details.namedCurve;
  const keyBits = details.modulusLength ?? (curve ? (CURVE_BITS[curve] ?? 0) : type === 'ed25519' ? 256 : 0);
  let signatureAlgorithm: string;
  try {
    signatureAlgorithm = signatureName(der);
  } catch {
    signatureAlgorithm = 'unknown';
  }
  return {
    subject: cert.subject.replace(/\n/g, ', '),
    issuer: cert.issuer.replace(/\n/g, ', '),
    selfSigned: cert.subject === cert.issuer && cert.verify(cert.publicKey),
    dnsNames: sans(cert.subjectAltName, 'DNS'),
    ipAddresses: sans(cert.subjectAltName, 'IP Address'),
    keyType,
    keyBits,
    ...(curve !== undefined ? { curve } : {}),
    signatureAlgorithm,
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
    ...(trusted !== undefined ? { trusted } : {}),
  };
}
