import { TOOL_NAME, VERSION } from '../version.js';
import type { ServerFacts } from '../facts/types.js';
import type { Finding, Report } from '../report/types.js';
import { blockingRules, levelAchieved } from '../rules/index.js';
import type { Drift } from './drift.js';
import { serverOf, summarize } from '../report/summary.js';
import { REPORT_SCHEMA_VERSION } from '../report/types.js';
import type { WaiverUse } from './waivers.js';
import type { AuditProfile } from './profile.js';

export type ReportProfile = Pick<AuditProfile, 'level'> & { security_level: string; network_exposure: string; compliance_requirements: readonly string[] };

export interface ReportInput {
  target: string;
  facts?: Pick<ServerFacts, 'flavor' | 'version' | 'tables'>;
  findings: Finding[];
  /** What the report names of the profile (an AuditProfile, or a report's profile with its level). */
  profile: ReportProfile | null;
  waivers?: WaiverUse[];
  error?: { code: string; message: string };
  /** Differences from the plan generate builds for the profile (undefined when not computed). */
  drift?: Drift[];
}

/**
 * The report with what audit adds to report/'s assembly: waiver uses, drift from the plan, and the
 * error of a target that could not be audited.
 */
export function buildAuditReport(input: ReportInput): Report {
  const report: Report = {
    schema_version: REPORT_SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: VERSION },
    target: input.target,
    server: input.facts ? serverOf(input.facts) : { flavor: 'unknown', version: null },
    profile: input.profile
      ? {
          security_level: input.profile.security_level,
          network_exposure: input.profile.network_exposure,
          compliance_requirements: [...input.profile.compliance_requirements],
        }
      : null,
    level_achieved: input.error ? null : levelAchieved(input.findings),
    summary: summarize(input.findings),
    findings: input.findings,
  };
  if (input.profile && !input.error) {
    const target = input.profile.level;
    report.gap = { target_level: target, failing: blockingRules(input.findings, target), ...(input.drift ? { drift: input.drift } : {}) };
  }
  if (input.error) report.error = input.error;
  if (input.waivers && input.waivers.length > 0) report.waivers = input.waivers;
  return report;
}

/** The report with started_at/finished_at placed after the target, where a reader looks first. */
export function stampTimes(report: Report, started: Date, finished: Date): Report {
  const { schema_version, tool, target, ...rest } = report;
  return { schema_version, tool, target, started_at: started.toISOString(), finished_at: finished.toISOString(), ...rest };
}
