/** Presentation order shared by the human-readable renderers. */
import { SEVERITIES, type Finding, type Severity } from './types.js';

export const STATUS_ORDER = ['fail', 'unknown', 'waived', 'pass', 'not_applicable'] as const;

export function bySeverity(findings: readonly Finding[], status: Finding['status']): { severity: Severity; findings: Finding[] }[] {
  return SEVERITIES.map((severity) => ({ severity, findings: findings.filter((f) => f.status === status && f.severity === severity) })).filter(
    (g) => g.findings.length > 0,
  );
}

export function locationText(f: Finding): string {
  return f.location ? `${f.location.file}:${f.location.line}` : '';
}
