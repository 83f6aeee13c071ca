/**
 * Renewal: a new certificate for the same subject and names as one in service, with a fresh key,
 * signed by a CA given as files (a bundle's tls/ca.crt + ca.key, or the operator's own). Pure
 * apart from the clock: nothing touches the filesystem.
 */
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject, type webcrypto as WebCrypto } from 'node:crypto';
import { webcrypto } from 'node:crypto';
import { loadX509 } from './x509-lazy.js';
import { generateKeyPair } from './keys.js';
import { checkValidityDays, issued } from './issue.js';
import { randomSerialHex } from './serial.js';
import { parseCertificates } from './parse.js';
import type { IssuedCert, KeyAlgorithm } from './types.js';
import { InputError } from '../errors.js';

const DAY_MS = 86_400_000;
/** As in issue.ts: back-dated a little for peers whose clock is behind. */
const CLOCK_SKEW_MS = 5 * 60_000;

export interface CaFiles {
  certPem: string;
  keyPem: string;
  /** Names the CA in messages (its file). */
  source: string;
}

export interface RenewOptions {
  /** The certificate in service (PEM or DER): its subject, SANs, key type and lifetime are kept. */
  current: string | Uint8Array;
  ca: CaFiles;
  /** server: serverAuth + clientAuth (Redis presents it on replication and cluster links too); client: clientAuth. */
  role: 'server' | 'client';
  /** Default: the current certificate's key type. */
  keyAlgorithm?: KeyAlgorithm | undefined;
  /** Default: the current certificate's lifetime in whole days. */
  days?: number | undefined;
  now?: Date | undefined;
}

/** The KeyAlgorithm a certificate's public key has, or undefined for one redsec does not issue (Ed25519, P-521 ...). */
export function keyAlgorithmOf(cert: X509Certificate): KeyAlgorithm | undefined {
  const key = cert.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'ec') return details.namedCurve === 'prime256v1' ? 'ecdsa-p256' : details.namedCurve === 'secp384r1' ? 'ecdsa-p384' : undefined;
  if (key.asymmetricKeyType === 'rsa') {
    const bits = details.modulusLength;
    return bits === 2048 ? 'rsa-2048' : bits === 3072 ? 'rsa-3072' : bits === 4096 ? 'rsa-4096' : undefined;
  }
  return undefined;
}

/** Whole days between notBefore and notAfter (at least 1). */
export function lifetimeDays(cert: X509Certificate): number {
  return Math.max(1, Math.round((Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / DAY_MS));
}

/** `cert` verifies under `ca`'s key and names it as issuer. */
export function isIssuedBy(cert: X509Certificate, ca: X509Certificate): boolean {
  return cert.issuer === ca.subject && cert.verify(ca.publicKey);
}

interface LoadedCa {
  cert: X509Certificate;
  signingKey: WebCrypto.CryptoKey;
  signing: WebCrypto.Algorithm | WebCrypto.EcdsaParams;
}

function caKeyObject(ca: CaFiles): KeyObject {
  try {
    return createPrivateKey(ca.keyPem);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (/PASSPHRASE|BAD_DECRYPT|ENCRYPTED/i.test(code) || /passphrase/i.test(String((e as Error).message))) {
      throw new InputError('the CA key is encrypted: redsec needs it unencrypted for the moment of issuing (decrypt it into a 0600 file on tmpfs)', ca.source);
    }
    throw new InputError('not a PEM private key', ca.source);
  }
}

/** The CA certificate and its private key, checked to belong together and to be a usable CA now. */
async function loadCa(ca: CaFiles, now: Date): Promise<LoadedCa> {
  const [cert] = parseCertificates(ca.certPem, ca.source);
  if (!cert) throw new InputError('no certificate', ca.source);
  if (!cert.ca) throw new InputError('not a CA certificate (basicConstraints CA:FALSE or missing)', ca.source);
  if (now > new Date(cert.validTo)) throw new InputError(`the CA certificate expired on ${new Date(cert.validTo).toISOString()}: rotate the CA first`, ca.source);
  const key = caKeyObject(ca);
  const spki = (k: KeyObject) => k.export({ type: 'spki', format: 'der' });
  if (!spki(createPublicKey(key)).equals(spki(cert.publicKey))) throw new InputError("this key is not the CA certificate's key", ca.source);
  const pkcs8 = key.export({ type: 'pkcs8', format: 'der' });
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'ec') {
    const curve = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' }[details.namedCurve ?? ''];
    if (curve === undefined) throw new InputError(`unsupported CA key curve ${details.namedCurve ?? 'unknown'}`, ca.source);
    const hash = { 'P-256': 'SHA-256', 'P-384': 'SHA-384', 'P-521': 'SHA-512' }[curve];
    const signingKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, { name: 'ECDSA', namedCurve: curve }, false, ['sign']);
    return { cert, signingKey, signing: { name: 'ECDSA', hash } as WebCrypto.EcdsaParams };
  }
  if (key.asymmetricKeyType === 'rsa') {
    const signingKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
    return { cert, signingKey, signing: { name: 'RSASSA-PKCS1-v1_5' } };
  }
  throw new InputError(`unsupported CA key type ${key.asymmetricKeyType ?? 'unknown'} (ECDSA and RSA are)`, ca.source);
}

/**
 * A new certificate with the current one's subject and SANs, a fresh key (same type unless
 * `keyAlgorithm`), a fresh random serial, signed by `ca`. Refuses a lifetime beyond the CA's.
 */
export async function renewCertificate(opts: RenewOptions): Promise<IssuedCert> {
  const x509 = loadX509();
  const now = opts.now ?? new Date();
  const [current] = parseCertificates(opts.current, 'current certificate');
  if (!current) throw new InputError('no certificate', 'current certificate');
  const algorithm = opts.keyAlgorithm ?? keyAlgorithmOf(current);
  if (algorithm === undefined) throw new InputError('the current certificate has a key type redsec does not issue: choose one with --key-algorithm', 'current certificate');
  const days = opts.days ?? lifetimeDays(current);
  checkValidityDays(days, 'days');
  const ca = await loadCa(opts.ca, now);
  const start = Math.floor((now.getTime() - CLOCK_SKEW_MS) / 1000) * 1000;
  const notBefore = new Date(start);
  const notAfter = new Date(start + days * DAY_MS);
  if (notAfter > new Date(ca.cert.validTo)) {
    throw new InputError(`the CA expires on ${new Date(ca.cert.validTo).toISOString()}, before a ${days}-day certificate would: rotate the CA first, or ask for fewer days`, opts.ca.source);
  }
  const old = new x509.X509Certificate(current.raw);
  const caParsed = new x509.X509Certificate(ca.cert.raw);
  const san = old.getExtension(x509.SubjectAlternativeNameExtension);
  const caSki = caParsed.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId ?? (await x509.SubjectKeyIdentifierExtension.create(await caParsed.publicKey.export())).keyId;
  const keys = await generateKeyPair(algorithm);
  const usages = opts.role === 'server' ? [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth] : [x509.ExtendedKeyUsage.clientAuth];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialHex(),
    // The names exactly as in service (and the issuer exactly as the CA spells its subject).
    subject: old.subjectName,
    issuer: caParsed.subjectName,
    notBefore,
    notAfter,
    publicKey: keys.publicKey,
    signingKey: ca.signingKey,
    signingAlgorithm: ca.signing,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension(usages),
      ...(san ? [new x509.SubjectAlternativeNameExtension(san.names.toJSON(), san.critical)] : []),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      new x509.AuthorityKeyIdentifierExtension(caSki),
    ],
  });
  return issued(cert, keys);
}
