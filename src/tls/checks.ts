import type { Severity } from '../report/types.js';

/** One key of the comparison, sslyze-style: the allowed set and what was observed beyond it. */
export type TlsCheckKey =
  | 'protocols'
  | 'tls13-ciphersuites'
  | 'ciphers'
  | 'null-ciphers'
  | 'anonymous-ciphers'
  | 'client-auth'
  | 'certificate-key-type'
  | 'certificate-curve'
  | 'certificate-rsa-key-size'
  | 'certificate-signature'
  | 'certificate-lifetime'
  | 'certificate-validity'
  | 'certificate-trust'
  | 'certificate-hostname'
  | 'certificate-self-signed'
  | 'certificate-purpose';

/** `warn` does not break compliance (e.g. 20 days left); `unknown` means it could not be observed. */
export type TlsCheckStatus = 'pass' | 'fail' | 'warn' | 'unknown';

export interface TlsCheck {
  key: TlsCheckKey;
  status: TlsCheckStatus;
  /** How bad a fail or warn is; `info` for passes. */
  severity: Severity;
  message: string;
  /** For set comparisons: what the server accepts beyond the profile; else the observed value. */
  observed: string[];
  /** What the profile allows. */
  allowed: string[];
  /** The redis.conf line(s) or action that fixes it. */
  remediation?: string;
}

export function check(key: TlsCheckKey, status: TlsCheckStatus, severity: Severity, message: string, observed: string[] = [], allowed: string[] = [], remediation?: string): TlsCheck {
  const result: TlsCheck = { key, status, severity: status === 'pass' ? 'info' : severity, message, observed, allowed };
  if (remediation !== undefined && status !== 'pass') result.remediation = remediation;
  return result;
}
