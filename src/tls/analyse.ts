import type { CertificateFacts, TlsSessionFacts } from '../facts/types.js';
import { MOZILLA_PROFILES, type MozillaProfile, type MozillaProfileName } from './mozilla.js';
import type { TlsCheck } from './checks.js';
import { check } from './checks.js';
import { checkCertificate, type CertificateCheckOptions } from './certificate-checks.js';
import { checkSession } from './session-checks.js';

export interface TlsAnalysis {
  profile: MozillaProfileName;
  guideline: MozillaProfile['guideline'];
  /** false when any check failed; null when none failed but some could not be verified. */
  compliant: boolean | null;
  /** Whole days until the leaf expires (negative once expired); null without a certificate. */
  daysLeft: number | null;
  checks: TlsCheck[];
}

export interface AnalyseOptions extends CertificateCheckOptions {
  /** The level demands mutual TLS (hardened and above). */
  requireClientAuth?: boolean;
}

const resolve = (profile: MozillaProfile | MozillaProfileName): MozillaProfile => (typeof profile === 'string' ? MOZILLA_PROFILES[profile] : profile);

function summarise(profile: MozillaProfile, checks: TlsCheck[], certificate: CertificateFacts | undefined, now: Date): TlsAnalysis {
  const failed = checks.some((c) => c.status === 'fail');
  const unknown = checks.some((c) => c.status === 'unknown');
  return {
    profile: profile.name,
    guideline: profile.guideline,
    compliant: failed ? false : unknown ? null : true,
    daysLeft: certificate ? Math.floor((new Date(certificate.notAfter).getTime() - now.getTime()) / 86_400_000) : null,
    checks,
  };
}

/** A certificate on its own (offline files) against a Mozilla profile. */
export function analyseCertificate(certificate: CertificateFacts, profileOrName: MozillaProfile | MozillaProfileName, opts: AnalyseOptions = {}): TlsAnalysis {
  const profile = resolve(profileOrName);
  const now = opts.now ?? new Date();
  return summarise(profile, checkCertificate(certificate, profile, { ...opts, now }), certificate, now);
}

/** A live TLS port: protocols, suites and client auth from the probe, and the leaf it presented. */
export function analyseTls(session: TlsSessionFacts, profileOrName: MozillaProfile | MozillaProfileName, opts: AnalyseOptions = {}): TlsAnalysis {
  const profile = resolve(profileOrName);
  const now = opts.now ?? new Date();
  const checks = checkSession(session, profile, opts.requireClientAuth);
  if (session.certificate) checks.push(...checkCertificate(session.certificate, profile, { ...opts, now, role: opts.role ?? 'server' }));
  else checks.push(check('certificate-validity', 'unknown', 'high', 'the server presented no certificate the probe could read'));
  return summarise(profile, checks, session.certificate, now);
}
