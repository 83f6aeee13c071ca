/**
 * Sentences every human-readable format shares (text, markdown, HTML, JUnit), so they say the same
 * thing: the server line, when the scan ran, why a target was not audited, the drift from the
 * profile's plan. Plain strings: each renderer escapes them for its own syntax.
 */
import type { Report } from './types.js';

const SOURCE: Record<NonNullable<Report['server']['assumed']>['source'], string> = {
  flag: 'from --redis-version',
  profile: "from the profile's redis_version",
  file: 'inferred from the file',
  default: 'the default; set --redis-version',
};

/** "redis 7.0.15", or for lint "redis 7.2 assumed (the default; set --redis-version)". */
export function serverText(r: Report): string {
  const a = r.server.assumed;
  if (r.server.version === null && a) return `${r.server.flavor} ${a.version.replace(/^valkey-/, '')} assumed (${SOURCE[a.source]})`;
  if (a && r.server.version !== null) return `${r.server.flavor} ${r.server.version} (${SOURCE[a.source]})`;
  return `${r.server.flavor} ${r.server.version ?? '(version unknown)'}`;
}

/** "started 2026-01-02T03:04:05.000Z, finished ... (1.2 s)", or '' for reports without times. */
export function timesText(r: Report): string {
  if (r.started_at === undefined) return '';
  const end = r.finished_at;
  const ms = end !== undefined ? Date.parse(end) - Date.parse(r.started_at) : NaN;
  return `started ${r.started_at}${end !== undefined ? `, finished ${end}` : ''}${Number.isFinite(ms) && ms >= 0 ? ` (${(ms / 1000).toFixed(1)} s)` : ''}`;
}

/** "not audited: CONNREFUSED: connection refused", with the code once even in older reports. */
export function notAuditedText(r: Report): string | null {
  if (!r.error) return null;
  const { code, message } = r.error;
  return `not audited: ${code}: ${message.startsWith(`${code}: `) ? message.slice(code.length + 2) : message}`;
}

export function levelText(r: Report): string {
  return r.level_achieved === null ? 'not measured' : `${r.level_achieved}/4`;
}

export type DriftItem = NonNullable<NonNullable<Report['gap']>['drift']>[number];

export function driftItems(r: Report): DriftItem[] {
  return r.gap?.drift ?? [];
}

export function driftHeading(r: Report): string {
  const p = r.profile;
  return `differs from the ${p ? `${p.security_level} ` : ''}profile's plan (${driftItems(r).length})`;
}

export function driftText(d: DriftItem): string {
  return `${d.directive}: expected ${d.expected}, actual ${d.actual}`;
}
