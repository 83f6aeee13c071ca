/**
 * The report contract (product.md "JSON report"). Others depend on these names: only add.
 */

/** The report format's version (schema_version); here rather than in schema.ts, which loads zod. */
export const REPORT_SCHEMA_VERSION = '1.0';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const STATUSES = ['fail', 'pass', 'unknown', 'waived', 'not_applicable'] as const;
export type Status = (typeof STATUSES)[number];

export interface Location {
  file: string;
  line: number;
}

export interface Remediation {
  text: string;
  /** The redis.conf line(s) that fix it. */
  config?: string;
  /** The redis-cli / ACL SETUSER command(s) that fix it live. */
  command?: string;
}

export interface Finding {
  id: string;
  title: string;
  severity: Severity;
  status: Status;
  evidence: string;
  remediation: Remediation;
  /** e.g. "PCI DSS 4.0 2.2.4", "HIPAA 164.312(a)(1)", "CIS", "STIG V-251183". */
  compliance: string[];
  location?: Location;
  /** Maturity level (seed levels 1-4) the rule belongs to. */
  level?: 1 | 2 | 3 | 4;
  /** For waived findings: the waiver's reason and expiry. */
  waiver?: { reason: string; expires: string; expired?: boolean };
  /**
   * What the finding is about (a directive name, `user NAME`, a listener), when the rule or lint
   * knows it. Fingerprints (SARIF, GitLab) are built from rule, file and subject, so they survive
   * inserted lines and reworded evidence.
   */
  subject?: string;
}

export interface Summary {
  critical: number;
  high: number;
  medium: number;
  low: number;
  info: number;
  passed: number;
  unknown: number;
  waived: number;
}

export interface Report {
  schema_version: string;
  tool: { name: string; version: string };
  /** Masked URL (no password) or the linted file path. */
  target: string;
  /**
   * Where code-scanning formats (SARIF, GitLab) put results that have no file location: lint's main
   * config file relative to the working directory; for a live target its `--sarif-artifact` or the
   * stable pseudo-path `redis/<host>_<port>`.
   */
  artifact?: string;
  server: {
    flavor: 'redis' | 'valkey' | 'unknown';
    version: string | null;
    /**
     * The per-version tables that judged the server (id, e.g. "8.0", and the release they come
     * from); `note` says when the server is newer than them (what they lack is judged unknown).
     */
    tables?: { id: string; from: string; note?: string };
    /** Lint: the version the rules assumed and where that came from (--redis-version, the profile file, the default). */
    assumed?: { version: string; source: 'flag' | 'profile' | 'file' | 'default' };
  };
  /** The profile audited against (level, exposure, compliance), or null. */
  profile: { security_level: string; network_exposure: string; compliance_requirements: string[] } | null;
  /** null when the target could not be audited (see `error`): no level was measured. */
  level_achieved: 0 | 1 | 2 | 3 | 4 | null;
  /** When the scan of this target started and ended (ISO 8601, UTC). */
  started_at?: string;
  finished_at?: string;
  summary: Summary;
  findings: Finding[];
  /** Rules needed to reach the target profile that do not pass (with --profile). */
  gap?: {
    target_level: number;
    failing: string[];
    /** Directives whose effective value differs from the plan `redsec generate` builds for the profile. */
    drift?: { directive: string; expected: string; actual: string }[];
  };
  /** Set when the target could not be audited at all (fleet runs keep going). */
  error?: { code: string; message: string };
  /** How each waiver from --waivers was used for this target (expired ones no longer apply). */
  waivers?: { id: string; target?: string; file?: string; reason: string; expires: string; state: 'applied' | 'expired' | 'unused' }[];
}
