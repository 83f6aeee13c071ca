import { SEVERITIES, type Finding, type Severity } from '../report/types.js';

const rank = (s: Severity): number => SEVERITIES.length - SEVERITIES.indexOf(s);

/** True when some finding fails at or above the threshold (`--fail-on`). */
export function failsAt(findings: Finding[], threshold: Severity): boolean {
  return findings.some((f) => f.status === 'fail' && rank(f.severity) >= rank(threshold));
}

export function isSeverity(s: string): s is Severity {
  return (SEVERITIES as readonly string[]).includes(s);
}
