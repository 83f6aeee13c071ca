/** Plain-text report for terminals: failures grouped by severity, then unknowns; colour only when asked. */
import type { Finding, Report, Severity } from './types.js';
import { visible as v, visibleLines } from './escape.js';
import { driftHeading, driftItems, driftText, levelText, notAuditedText, serverText, timesText } from './describe.js';
import { bySeverity, locationText } from './order.js';

export interface TextOptions {
  color: boolean;
  /** Also list passing and not-applicable checks. */
  verbose?: boolean;
}

const COLORS: Record<Severity | 'unknown' | 'pass' | 'dim' | 'bold', string> = {
  critical: '\u001b[1;31m',
  high: '\u001b[31m',
  medium: '\u001b[33m',
  low: '\u001b[36m',
  info: '\u001b[37m',
  unknown: '\u001b[35m',
  pass: '\u001b[32m',
  dim: '\u001b[2m',
  bold: '\u001b[1m',
};

/** Colour per line: the reset always comes before a newline, so a cut or paged output never bleeds colour. */
function paint(opts: TextOptions, style: keyof typeof COLORS, s: string): string {
  return opts.color ? s.split('\n').map((l) => `${COLORS[style]}${l}\u001b[0m`).join('\n') : s;
}

function findingLines(f: Finding, opts: TextOptions): string[] {
  const loc = locationText(f);
  const lines = [`  ${paint(opts, 'bold', v(f.id))}  ${v(f.title)}${loc ? `  ${paint(opts, 'dim', v(loc))}` : ''}`];
  lines.push(`      ${v(f.evidence)}`);
  if (f.status === 'fail' || f.status === 'unknown') {
    lines.push(`      fix: ${v(f.remediation.text)}`);
    if (f.remediation.config) lines.push(...visibleLines(f.remediation.config).split('\n').map((l) => `        ${l}`));
    if (f.remediation.command) lines.push(...visibleLines(f.remediation.command).split('\n').map((l) => `        $ ${l}`));
  }
  if (f.waiver) lines.push(`      waived until ${v(f.waiver.expires)}: ${v(f.waiver.reason)}`);
  return lines;
}

function renderOne(r: Report, opts: TextOptions): string {
  const out: string[] = [];
  out.push(paint(opts, 'bold', `redsec ${v(r.tool.version)}: ${v(r.target)}`));
  out.push(`server: ${v(serverText(r))}`);
  if (r.server.tables?.note) out.push(paint(opts, 'dim', `note: ${v(r.server.tables.note)}`));
  const times = timesText(r);
  if (times) out.push(paint(opts, 'dim', v(times)));
  const notAudited = notAuditedText(r);
  if (notAudited !== null) {
    out.push(paint(opts, 'critical', v(notAudited)));
    return out.join('\n');
  }
  const s = r.summary;
  out.push(
    `level reached: ${levelText(r)}${r.profile ? `  profile: ${v(r.profile.security_level)}, ${v(r.profile.network_exposure)}${r.profile.compliance_requirements.length ? `, ${v(r.profile.compliance_requirements.join('+'))}` : ''}` : ''}`,
  );
  out.push(`failed: ${s.critical} critical, ${s.high} high, ${s.medium} medium, ${s.low} low, ${s.info} info; ${s.passed} passed, ${s.unknown} unknown, ${s.waived} waived`);
  if (r.gap && r.gap.failing.length > 0) out.push(`to reach level ${r.gap.target_level}: ${v(r.gap.failing.join(', '))}`);
  const drift = driftItems(r);
  if (drift.length > 0) {
    out.push('', paint(opts, 'medium', v(`DRIFT: ${driftHeading(r)}`)));
    for (const d of drift) out.push(`  ${v(driftText(d))}`);
  }
  for (const w of (r.waivers ?? []).filter((x) => x.state !== 'applied'))
    out.push(paint(opts, 'dim', `waiver ${v(w.id)} ${w.state}${w.state === 'expired' ? ` on ${v(w.expires)}` : ''}: ${v(w.reason)}`));
  for (const g of bySeverity(r.findings, 'fail')) {
    out.push('', paint(opts, g.severity, `${g.severity.toUpperCase()} (${g.findings.length})`));
    for (const f of g.findings) out.push(...findingLines(f, opts));
  }
  const unknown = r.findings.filter((f) => f.status === 'unknown');
  if (unknown.length > 0) {
    out.push('', paint(opts, 'unknown', `UNKNOWN: could not be verified (${unknown.length})`));
    for (const f of unknown) out.push(...findingLines(f, opts));
  }
  const waived = r.findings.filter((f) => f.status === 'waived');
  if (waived.length > 0) {
    out.push('', `WAIVED (${waived.length})`);
    for (const f of waived) out.push(...findingLines(f, opts));
  }
  if (opts.verbose) {
    const passed = r.findings.filter((f) => f.status === 'pass' || f.status === 'not_applicable');
    out.push('', paint(opts, 'pass', `PASSED / NOT APPLICABLE (${passed.length})`));
    for (const f of passed) out.push(`  ${f.status === 'pass' ? 'pass' : 'n/a '}  ${v(f.id)}  ${v(f.evidence)}`);
  }
  return out.join('\n');
}

export function renderText(reports: Report | Report[], opts: TextOptions): string {
  const list = Array.isArray(reports) ? reports : [reports];
  return `${list.map((r) => renderOne(r, opts)).join('\n\n')}\n`;
}
