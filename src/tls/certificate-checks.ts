import type { CertificateFacts } from '../facts/types.js';
import type { MozillaProfile } from './mozilla.js';
import { check, type TlsCheck } from './checks.js';

const DAY_MS = 86_400_000;

export type CertificateRole = 'server' | 'client' | 'ca';

export interface CertificateCheckOptions {
  now?: Date;
  /** Days before notAfter at which expiry becomes a warning (default 30, as testssl's DAYS2WARN2). */
  warnDays?: number;
  /** Which checks apply: a CA is long-lived and self-signed by design; a server needs serverAuth. */
  role?: CertificateRole;
}

/** The certificate's role from its own extensions, for files inspected without context. */
export function certificateRole(facts: CertificateFacts): CertificateRole {
  if (facts.isCa) return 'ca';
  const eku = facts.extendedKeyUsage;
  if (eku && eku.includes('clientAuth') && !eku.includes('serverAuth')) return 'client';
  return 'server';
}

const profileType = (facts: CertificateFacts): string => (facts.keyType === 'ec' ? 'ecdsa' : facts.keyType);

function keyChecks(facts: CertificateFacts, profile: MozillaProfile): TlsCheck[] {
  const type = profileType(facts);
  const allowedTypes = [...profile.certificateTypes];
  const checks: TlsCheck[] = [];
  const typeOk = allowedTypes.includes(type as 'ecdsa' | 'rsa');
  checks.push(
    check('certificate-key-type', typeOk ? 'pass' : 'fail', 'medium', typeOk ? `${type} key` : `${type} key is not allowed by the ${profile.name} profile`, [type], allowedTypes,
      `issue a new certificate with an ${allowedTypes.join(' or ')} key (redsec generate uses ECDSA P-256)`),
  );
  if (facts.keyType === 'ec') {
    const curve = facts.curve ?? 'unknown';
    const ok = profile.certificateCurves.includes(curve);
    checks.push(check('certificate-curve', ok ? 'pass' : 'fail', 'medium', ok ? `curve ${curve}` : `curve ${curve} is not allowed`, [curve], [...profile.certificateCurves], 'use P-256 (prime256v1) or P-384'));
  }
  if (facts.keyType === 'rsa') {
    const minimum = profile.rsaKeySize;
    if (minimum !== null) {
      const ok = facts.keyBits >= minimum;
      checks.push(check('certificate-rsa-key-size', ok ? 'pass' : 'fail', facts.keyBits < 2048 ? 'high' : 'medium',
        ok ? `RSA ${facts.keyBits} bits` : `RSA ${facts.keyBits} bits is below the minimum of ${minimum}`, [String(facts.keyBits)], [`>= ${minimum}`], `issue a new certificate with at least ${minimum}-bit RSA or ECDSA P-256`));
    }
  }
  const sigOk = profile.certificateSignatures.includes(facts.signatureAlgorithm);
  const weak = /sha1|md5/i.test(facts.signatureAlgorithm);
  checks.push(
    check('certificate-signature', sigOk ? 'pass' : 'fail', weak ? 'high' : 'medium', sigOk ? `signed with ${facts.signatureAlgorithm}` : `signature ${facts.signatureAlgorithm} is not allowed by the ${profile.name} profile`,
      [facts.signatureAlgorithm], [...profile.certificateSignatures], `re-issue the certificate signed with ${profile.certificateSignatures.join(' or ')}`),
  );
  return checks;
}

function validityChecks(facts: CertificateFacts, profile: MozillaProfile, opts: CertificateCheckOptions, role: CertificateRole): TlsCheck[] {
  const now = opts.now ?? new Date();
  const warnDays = opts.warnDays ?? 30;
  const notBefore = new Date(facts.notBefore);
  const notAfter = new Date(facts.notAfter);
  const checks: TlsCheck[] = [];
  if (role !== 'ca') {
    const lifetimeDays = (notAfter.getTime() - notBefore.getTime()) / DAY_MS;
    const max = profile.maximumCertificateLifespanDays;
    const ok = lifetimeDays <= max;
    checks.push(check('certificate-lifetime', ok ? 'pass' : 'fail', 'medium',
      ok ? `lifetime ${formatDays(lifetimeDays)} days (maximum ${max})` : `lifetime ${formatDays(lifetimeDays)} days exceeds the ${profile.name} maximum of ${max} days`,
      [formatDays(lifetimeDays)], [`<= ${max}`], `re-issue with at most ${max} days (recommended ${profile.recommendedCertificateLifespanDays}) and automate rotation`));
  }
  const daysLeft = (notAfter.getTime() - now.getTime()) / DAY_MS;
  const observed = [`notBefore ${facts.notBefore}`, `notAfter ${facts.notAfter}`, `days left ${Math.floor(daysLeft)}`];
  const renew = 'issue a new certificate, overwrite the files, then CONFIG SET tls-cert-file <same path> tls-key-file <same path>';
  if (now < notBefore) checks.push(check('certificate-validity', 'fail', 'high', `not valid before ${facts.notBefore} (check the clocks)`, observed, [], 'fix the clock of the issuing or checking host, or re-issue'));
  else if (daysLeft < 0) checks.push(check('certificate-validity', 'fail', 'critical', `expired ${Math.ceil(-daysLeft)} days ago (${facts.notAfter})`, observed, [], renew));
  else if (daysLeft < warnDays) checks.push(check('certificate-validity', 'warn', 'medium', `expires in ${Math.floor(daysLeft)} days (${facts.notAfter}), under the ${warnDays}-day warning`, observed, [], renew));
  else checks.push(check('certificate-validity', 'pass', 'info', `valid for ${Math.floor(daysLeft)} more days`, observed));
  return checks;
}

function identityChecks(facts: CertificateFacts, role: CertificateRole): TlsCheck[] {
  const checks: TlsCheck[] = [];
  if (facts.trusted === undefined) checks.push(check('certificate-trust', 'unknown', 'high', 'chain not verified: no CA certificate given'));
  else if (facts.trusted) checks.push(check('certificate-trust', 'pass', 'info', 'chain verifies against the given CA'));
  else checks.push(check('certificate-trust', 'fail', 'high', `chain does not verify: ${facts.trustError ?? 'unknown reason'}`, [facts.issuer], [], 'give clients the CA that issued this certificate (tls-ca-cert-file / --cacert), or re-issue it from that CA'));

  if (role === 'ca') return checks;
  checks.push(
    facts.selfSigned
      ? check('certificate-self-signed', 'fail', 'medium', 'the leaf is self-signed: every client must pin it and it cannot be rotated without touching them', [facts.subject], [], 'issue the leaf from a private CA (redsec generate does)')
      : check('certificate-self-signed', 'pass', 'info', `issued by ${facts.issuer}`),
  );
  // Only a server is dialled by name; a client certificate's SANs are not checked by Redis.
  if (facts.hostCheck && role === 'server') {
    const { name, matches } = facts.hostCheck;
    const sans = [...facts.dnsNames.map((d) => `DNS:${d}`), ...facts.ipAddresses.map((i) => `IP:${i}`)];
    checks.push(matches
      ? check('certificate-hostname', 'pass', 'info', `${name} is in the subjectAltName`, [name], sans)
      : check('certificate-hostname', 'fail', 'high', `${name} is not in the subjectAltName (${sans.join(', ') || 'none'})`, [name], sans, `re-issue the certificate with ${name} in the subjectAltName, or dial a name it lists`));
  }
  const eku = facts.extendedKeyUsage;
  const needed = role === 'server' ? 'serverAuth' : 'clientAuth';
  if (eku && !eku.includes(needed)) {
    checks.push(check('certificate-purpose', 'fail', 'high', `extendedKeyUsage ${eku.join(', ')} lacks ${needed}: TLS peers reject it as a ${role} certificate`, eku, [needed], `re-issue with extendedKeyUsage ${needed}`));
  } else if (role === 'server' && eku && !eku.includes('clientAuth')) {
    // Redis presents tls-cert-file on its own outgoing replication and cluster links too.
    checks.push(check('certificate-purpose', 'warn', 'low', 'no clientAuth: replication or cluster links that reuse this certificate need tls-client-cert-file', eku, ['serverAuth', 'clientAuth'], 'add extendedKeyUsage clientAuth, or set tls-client-cert-file/tls-client-key-file'));
  } else {
    checks.push(check('certificate-purpose', 'pass', 'info', eku ? `extendedKeyUsage ${eku.join(', ')}` : 'no extendedKeyUsage restriction', eku ?? []));
  }
  return checks;
}

function formatDays(days: number): string {
  return Number.isInteger(days) ? String(days) : days.toFixed(2);
}

/** Certificate checks against a Mozilla profile (sslyze's leaf checks plus expiry, SAN and trust). */
export function checkCertificate(facts: CertificateFacts, profile: MozillaProfile, opts: CertificateCheckOptions = {}): TlsCheck[] {
  const role = opts.role ?? certificateRole(facts);
  return [...keyChecks(facts, profile), ...validityChecks(facts, profile, opts, role), ...identityChecks(facts, role)];
}
