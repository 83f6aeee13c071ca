import type { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import type * as X509 from '@peculiar/x509';
import { loadX509 } from './x509-lazy.js';
import { parseCertificates } from './parse.js';
import { verifyChain } from './chain.js';
import { signatureAlgorithmOid } from './der.js';
import type { CertificateFacts } from '../facts/types.js';

/** OpenSSL's names for the signature algorithms a Redis deployment may meet. */
const SIGNATURE_NAMES: Record<string, string> = {
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.1': 'ecdsa-with-SHA224',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'rsassaPss',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.14': 'sha224WithRSAEncryption',
  '1.3.101.112': 'ED25519',
  '1.3.101.113': 'ED448',
};

const EKU_NAMES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
};

export interface InspectOptions {
  /** PEM bundle of trusted CA certificates; without it `trusted` stays unset (unknown). */
  ca?: string | Uint8Array;
  /** The moment validity is judged at; default now. */
  now?: Date;
  /** The DNS name a client dials; an IP literal is treated like `ip`. */
  hostname?: string;
  ip?: string;
  /** Names the input in error messages and `file`. */
  source?: string;
}

function keyFacts(cert: X509Certificate): Pick<CertificateFacts, 'keyType' | 'keyBits' | 'curve'> {
  const key = cert.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss':
      return { keyType: 'rsa', keyBits: details.modulusLength ?? 0 };
    case 'ec': {
      const curve = details.namedCurve ?? 'unknown';
      const bits = { prime256v1: 256, secp384r1: 384, secp521r1: 521, secp256k1: 256 }[curve] ?? 0;
      return { keyType: 'ec', keyBits: bits, curve };
    }
    case 'ed25519':
      return { keyType: 'ed25519', keyBits: 256 };
    default:
      return { keyType: 'other', keyBits: 0 };
  }
}

function sanFacts(x509: typeof X509, cert: X509.X509Certificate): { dnsNames: string[]; ipAddresses: string[] } {
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const names = san?.names.toJSON() ?? [];
  return {
    dnsNames: names.filter((n) => n.type === 'dns').map((n) => n.value),
    ipAddresses: names.filter((n) => n.type === 'ip').map((n) => n.value),
  };
}

function safeSignatureOid(der: Uint8Array): string {
  try {
    return signatureAlgorithmOid(der);
  } catch {
    return 'unknown';
  }
}

/** Facts about one parsed certificate, without trust or host checks. */
export function certificateFacts(cert: X509Certificate): CertificateFacts {
  const x509 = loadX509();
  const parsed = new x509.X509Certificate(cert.raw);
  const oid = safeSignatureOid(cert.raw);
  const eku = parsed.getExtension(x509.ExtendedKeyUsageExtension);
  const basic = parsed.getExtension(x509.BasicConstraintsExtension);
  const facts: CertificateFacts = {
    subject: parsed.subject,
    issuer: parsed.issuer,
    // Self-signed means it verifies under its own key, not merely that the names are equal.
    selfSigned: parsed.subject === parsed.issuer && cert.checkIssued(cert) && cert.verify(cert.publicKey),
    ...sanFacts(x509, parsed),
    ...keyFacts(cert),
    signatureAlgorithm: SIGNATURE_NAMES[oid] ?? oid,
    notBefore: parsed.notBefore.toISOString(),
    notAfter: parsed.notAfter.toISOString(),
    serialHex: parsed.serialNumber.toLowerCase(),
    fingerprintSha256: cert.fingerprint256,
    isCa: basic?.ca ?? false,
  };
  if (eku) facts.extendedKeyUsage = eku.usages.map((u) => EKU_NAMES[String(u)] ?? String(u));
  return facts;
}

/**
 * Facts about one DER certificate, e.g. a TLS peer's (resp/ hands over the raw chain). Throws
 * InputError when the bytes are not a certificate.
 */
export function certificateFactsFromDer(der: Uint8Array, source = 'peer certificate'): CertificateFacts {
  const [cert] = parseCertificates(der, source);
  if (!cert) throw new Error('unreachable: parseCertificates returns at least one certificate');
  return certificateFacts(cert);
}

function hostCheck(cert: X509Certificate, name: string, asIp: boolean): { name: string; matches: boolean } {
  // SANs only: CN matching is obsolete (RFC 6125) and OpenSSL's X509_check_host ignores CN once a SAN exists.
  const matched = asIp ? cert.checkIP(name) : cert.checkHost(name, { subject: 'never' });
  return { name, matches: matched !== undefined };
}

/**
 * Inspects the leaf (first) certificate of a PEM bundle: its facts, optionally the chain against
 * `ca` (further certificates in the bundle serve as intermediates) and the dialled name.
 */
export function inspectCertificate(input: string | Uint8Array, opts: InspectOptions = {}): CertificateFacts {
  const source = opts.source ?? 'certificate';
  const [leaf, ...intermediates] = parseCertificates(input, source);
  if (!leaf) throw new Error('unreachable: parseCertificates returns at least one certificate');
  const facts = certificateFacts(leaf);
  if (opts.source !== undefined) facts.file = opts.source;
  if (opts.ca !== undefined) {
    const roots = parseCertificates(opts.ca, 'ca');
    const result = verifyChain(leaf, intermediates, roots, opts.now ?? new Date());
    facts.trusted = result.trusted;
    if (!result.trusted) facts.trustError = result.reason;
  }
  const name = opts.hostname ?? opts.ip;
  if (name !== undefined) facts.hostCheck = hostCheck(leaf, name, opts.hostname === undefined || isIP(name) !== 0);
  return facts;
}
