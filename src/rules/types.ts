/**
 * The rule contract. A rule reads ServerFacts (never a socket or a file) and returns one or more
 * results; runRules turns them into report findings. IDs are the public contract of checks.md.
 */
import type { ServerFacts } from '../facts/types.js';
import type { CveData } from '../cve/index.js';
import type { Location, Remediation, Severity } from '../report/types.js';

export type RuleMode = 'live' | 'lint';
export type MaturityLevel = 1 | 2 | 3 | 4;

export interface RuleProfile {
  security_level: string;
  network_exposure: string;
  compliance_requirements: string[];
  /** The profile's own password lifetime (AUTH-PASSWORD-AGE); else one follows from level and frameworks. */
  password_max_age_days?: number | undefined;
}

export interface RuleContext {
  mode: RuleMode;
  profile: RuleProfile | null;
  allowlists?: { masters?: string[]; modules?: string[]; clients?: string[] };
  /** The approved users (an ACL file, e.g. generate's users.acl), for IOC-HIJACKED-PASSWORD. */
  baseline?: UserBaseline;
  /** The clock for expiry checks (tests pin it); defaults to now. */
  now?: Date;
  /** CVE and end-of-life data (--cve-data); defaults to the data shipped with redsec. */
  cveData?: CveData | undefined;
  /** When this server's passwords were set (rotation state files, --password-dates), for AUTH-PASSWORD-AGE. */
  passwordDates?: PasswordDates | undefined;
  /** TLS-CERT fails a certificate expiring within this many days (--cert-expiry-window; default 30). */
  certExpiryWindowDays?: number | undefined;
}

/**
 * Dates of password hashes, already narrowed to one server. `set`: the hash was set at `at`;
 * `before`: it was set at or before `at` (a rotation's old hashes: they existed when it began).
 */
export interface PasswordDate {
  user: string;
  /** SHA-256 hex of the password. */
  hash: string;
  at: string;
  kind: 'set' | 'before';
  /** The file it came from, for the evidence. */
  source: string;
}

export interface PasswordDates {
  /** Every file given, even those with nothing for this server (the evidence names them). */
  sources: string[];
  entries: PasswordDate[];
}

export interface UserBaseline {
  file: string;
  /** Per user: SHA-256 hex of each approved password (never the passwords themselves). */
  users: { name: string; enabled: boolean; hashes: string[]; nopass: boolean }[];
}

export type RuleStatus = 'pass' | 'fail' | 'unknown' | 'not_applicable';

export interface RuleResult {
  status: RuleStatus;
  evidence: string;
  location?: Location;
  /** Overrides the rule's severity for this result (e.g. critical when unauthenticated). */
  severity?: Severity;
  /** A remediation specific to this result (e.g. naming the user). */
  remediation?: Remediation;
  /** What the result is about (`user NAME`, a directive, a listener): fingerprints use it. */
  subject?: string;
}

export interface Rule {
  /** Exactly as in checks.md. */
  id: string;
  title: string;
  severity: Severity;
  /** "↑" in the catalog: raise one level for public exposure or a compliance profile. */
  raiseForExposure?: boolean;
  rationale: string;
  remediation: Remediation;
  /** e.g. "PCI DSS 4.0 2.2.2", "HIPAA 164.312(a)(1)", "SOX ITGC access", "GDPR Art. 32(1)(b)". */
  compliance: string[];
  level: MaturityLevel;
  modes: RuleMode[];
  check(facts: ServerFacts, ctx: RuleContext): RuleResult | RuleResult[];
}
