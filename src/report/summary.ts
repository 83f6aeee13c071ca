/** Summary counts and the report assembly shared by audit and lint. */
import type { ServerFacts } from '../facts/types.js';
import { blockingRules, levelAchieved } from '../rules/level.js';
import type { RuleProfile } from '../rules/types.js';
import { TOOL_NAME, VERSION } from '../version.js';
import { REPORT_SCHEMA_VERSION, type Finding, type Report, type Summary } from './types.js';

/** Failures count by severity; passes, unknowns and waivers by status; not_applicable is not counted. */
export function summarize(findings: readonly Finding[]): Summary {
  const s: Summary = { critical: 0, high: 0, medium: 0, low: 0, info: 0, passed: 0, unknown: 0, waived: 0 };
  for (const f of findings) {
    if (f.status === 'fail') s[f.severity]++;
    else if (f.status === 'pass') s.passed++;
    else if (f.status === 'unknown') s.unknown++;
    else if (f.status === 'waived') s.waived++;
  }
  return s;
}

const LEVELS: Record<string, number> = { basic: 1, standard: 2, hardened: 3, compliance: 4 };

/** The report's server block: flavor, version and the tables that judged it. */
export function serverOf(facts: Pick<ServerFacts, 'flavor' | 'version' | 'tables'>): Report['server'] {
  const t = facts.tables;
  if (!t) return { flavor: facts.flavor, version: facts.version };
  return { flavor: facts.flavor, version: facts.version, tables: t.note === undefined ? { id: t.id, from: t.from } : { id: t.id, from: t.from, note: t.note } };
}

export function buildReport(facts: ServerFacts, findings: Finding[], profile: RuleProfile | null): Report {
  const report: Report = {
    schema_version: REPORT_SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: VERSION },
    target: facts.target,
    server: serverOf(facts),
    profile: profile ? { ...profile, compliance_requirements: [...profile.compliance_requirements] } : null,
    level_achieved: levelAchieved(findings),
    summary: summarize(findings),
    findings,
  };
  const target = profile ? LEVELS[profile.security_level] : undefined;
  if (target !== undefined) report.gap = { target_level: target, failing: blockingRules(findings, target) };
  return report;
}
