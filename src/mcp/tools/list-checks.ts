/** list_checks: the rule catalog with IDs, severities, levels and compliance references. */
import type { z } from 'zod';
import { RULES } from '../../rules/index.js';
import type { CheckSchema, ListChecksInputSchema } from '../schemas.js';

type Check = z.infer<typeof CheckSchema>;

export function listChecks(filter: z.infer<typeof ListChecksInputSchema>): { count: number; checks: Check[] } {
  const needle = filter.compliance?.toLowerCase();
  const checks = RULES.filter(
    (r) =>
      (filter.severity === undefined || r.severity === filter.severity) &&
      (filter.level === undefined || r.level === filter.level) &&
      (needle === undefined || r.compliance.some((c) => c.toLowerCase().includes(needle))),
  ).map((r) => ({
    id: r.id,
    title: r.title,
    severity: r.severity,
    raised_for_exposure: r.raiseForExposure === true,
    level: r.level,
    modes: [...r.modes],
    compliance: [...r.compliance],
    rationale: r.rationale,
    remediation: { ...r.remediation },
  }));
  return { count: checks.length, checks };
}

export function renderChecksText(result: { count: number; checks: Check[] }): string {
  const lines = [`${result.count} checks`];
  for (const c of result.checks) {
    lines.push(`${c.id}  [${c.severity}${c.raised_for_exposure ? '↑' : ''}, level ${c.level}, ${c.modes.join('+')}]  ${c.title}${c.compliance.length ? `  (${c.compliance.join('; ')})` : ''}`);
  }
  return lines.join('\n');
}
