/**
 * The maturity level (seed levels 1-4) a server reaches: level L needs every rule of level <= L to
 * pass, be waived or not apply. An `unknown` blocks the level (it was not proven), and so does a
 * failure above info severity.
 */
import type { Finding } from '../report/types.js';

export function levelAchieved(findings: readonly Finding[]): 0 | 1 | 2 | 3 | 4 {
  let reached: 0 | 1 | 2 | 3 | 4 = 0;
  for (const level of [1, 2, 3, 4] as const) {
    const blocking = findings.some((f) => (f.level ?? 1) <= level && (f.status === 'unknown' || (f.status === 'fail' && f.severity !== 'info')));
    if (blocking) break;
    reached = level;
  }
  return reached;
}

/** Rule ids that keep a report from reaching `target` (for the profile gap). */
export function blockingRules(findings: readonly Finding[], target: number): string[] {
  const ids = findings
    .filter((f) => (f.level ?? 1) <= target && (f.status === 'unknown' || (f.status === 'fail' && f.severity !== 'info')))
    .map((f) => f.id);
  return [...new Set(ids)];
}
