/**
 * The CA file of a CA rotation, as pure text operations: Redis verifies client (and replica)
 * certificates against every certificate in tls-ca-cert-file, so the overlap file is the server's
 * current CAs plus the new one, and the final file is that set without the retired CA(s).
 * Certificates are told apart by SHA-256 fingerprint (lowercase hex, no colons).
 */
import type { X509Certificate } from 'node:crypto';
import { parseCertificates } from '../certs/index.js';
import { InputError } from '../errors.js';

export function fingerprintOf(cert: X509Certificate): string {
  return cert.fingerprint256.replace(/:/g, '').toLowerCase();
}

export interface CaSet {
  /** PEM text, one certificate after the other, newline-terminated. */
  pem: string;
  fingerprints: string[];
}

function setOf(certs: readonly X509Certificate[]): CaSet {
  return { pem: certs.map((c) => (c.toString().endsWith('\n') ? c.toString() : `${c.toString()}\n`)).join(''), fingerprints: certs.map(fingerprintOf) };
}

/** The fingerprints of every certificate in a PEM CA file. */
export function caFingerprints(pem: string, source: string): string[] {
  return parseCertificates(pem, source).map(fingerprintOf);
}

/** The current CA file with `newCaPem` appended (once: already present, the file is returned as it is). */
export function overlapCaFile(currentPem: string, newCaPem: string, source: string): CaSet {
  const current = parseCertificates(currentPem, source);
  const [added, ...extra] = parseCertificates(newCaPem, 'new CA certificate');
  if (!added || extra.length > 0) throw new InputError('must hold exactly one certificate', 'new CA certificate');
  if (!added.ca) throw new InputError('is not a CA certificate', 'new CA certificate');
  const seen = new Set(current.map(fingerprintOf));
  return setOf(seen.has(fingerprintOf(added)) ? current : [...current, added]);
}

/** The CA file without the retired CAs; refuses to leave it empty (Redis would then trust no client). */
export function finalCaFile(overlapPem: string, retired: readonly string[], source: string): CaSet {
  const drop = new Set(retired);
  const kept = parseCertificates(overlapPem, source).filter((c) => !drop.has(fingerprintOf(c)));
  if (kept.length === 0) throw new InputError('removing the old CA would leave no CA certificate in the file', source);
  return setOf(kept);
}
