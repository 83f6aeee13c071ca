/**
 * The CVE, fixed-in-per-branch and end-of-life data (data/cve/cve-data.json, or --cve-data FILE).
 * Knowledge that ages: kept out of the code so that a newer file can be used without a release,
 * and dated so that verdicts can say how old it is.
 */
import type { Severity } from '../report/types.js';

/** The first fixed release on a branch; null: affected, no fix; 'unaffected'; 'unconfirmed': not known. */
export type BranchFix = string | null | 'unaffected' | 'unconfirmed';

export interface ProductFixes {
  /** Branch ("7.2") → fix. A branch absent here is decided by the rules in cve-verdict.ts. */
  fixed: Record<string, BranchFix>;
  /** Fixes on branches older than 6.2, e.g. ["6.0.16", "5.0.14"] (Redis only). */
  older?: string[];
  /** First affected version when the flaw was introduced later. */
  since?: string;
}

export interface CveEntry {
  ids: string[];
  what: string;
  severity: Severity;
  /** Reachable without authentication. */
  unauthenticated: boolean;
  /** A Lua/scripting flaw: blocking @scripting mitigates it. */
  lua: boolean;
  /** Set when the flaw is in a tool shipped with the server (redis-check-aof), not the server. */
  component?: string;
  /** The advisory id (GHSA-...) when one is known, else null. */
  advisory: string | null;
  /** Where the advisory or the release notes are. */
  url: string;
  /** Where the per-branch fixes come from. */
  source: string;
  mitigation: string;
  redis: ProductFixes;
  /** Valkey's own fixes; absent: decided by the fork point or unknown. */
  valkey?: ProductFixes;
}

export type BranchStatus = 'maintained' | 'eol' | 'unknown';

export interface BranchInfo {
  status: BranchStatus;
  /** The newest release of the branch the data has reviewed; newer ones were released after the data. */
  latest: string;
  eol_since?: string;
  source: string;
}

export interface DistributionWindow {
  id: 'debian' | 'ubuntu';
  version: string;
  name: string;
  ships: Partial<Record<'redis' | 'valkey', string>>;
  /** Regular security support ends (Ubuntu: standard support). */
  security_until: string;
  /** Debian LTS ends. */
  lts_until?: string;
  /** Ubuntu Pro expanded security maintenance ends. */
  esm_until?: string;
  /** The package is in Ubuntu's universe component (community or Ubuntu Pro support only). */
  universe?: boolean;
  source: string;
}

export interface DistroBackport {
  package: string;
  /** "deb12": matched against the package version's "~deb12uN". */
  release: string;
  revision: number;
  ids: string[];
  source: string;
}

export interface CveData {
  format: 1;
  /** YYYY-MM-DD: advisories published after it are not in the data. */
  date: string;
  /** YYYY-MM-DD: the data claims every advisory from then to `date`; older CVE ids may be missing. */
  complete_since: string;
  compiled_by: string;
  sources: string[];
  notes: string[];
  redis: {
    older_than: { version: string; status: 'eol'; source: string };
    branches: Record<string, BranchInfo>;
  };
  valkey: {
    /** The Redis release Valkey forked from: Redis fixes up to it are in every Valkey. */
    fork_point: string;
    fork_source: string;
    branches: Record<string, BranchInfo>;
  };
  distributions: DistributionWindow[];
  distro_backports: DistroBackport[];
  cves: CveEntry[];
  /** Where it was read from (set by the loader; "bundled" for the shipped file). */
  origin?: string;
}
