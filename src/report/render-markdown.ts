/** Markdown report (pull-request comments, wikis): summary table, then findings with remediation. */
import type { Finding, Report } from './types.js';
import { escapeMarkdown, markdownFence } from './escape.js';
import { driftHeading, driftItems, levelText, notAuditedText, serverText, timesText } from './describe.js';
import { bySeverity, locationText } from './order.js';

function findingBlock(f: Finding): string {
  const loc = locationText(f);
  const parts = [`#### ${escapeMarkdown(f.id)}: ${escapeMarkdown(f.title)}`, '', `- **Evidence:** ${escapeMarkdown(f.evidence)}`];
  if (loc) parts.push(`- **Location:** ${escapeMarkdown(loc)}`);
  if (f.compliance.length > 0) parts.push(`- **Compliance:** ${f.compliance.map(escapeMarkdown).join(', ')}`);
  if (f.waiver) parts.push(`- **Waived** until ${escapeMarkdown(f.waiver.expires)}: ${escapeMarkdown(f.waiver.reason)}`);
  parts.push(`- **Fix:** ${escapeMarkdown(f.remediation.text)}`);
  if (f.remediation.config) parts.push('', markdownFence(f.remediation.config, 'conf'));
  if (f.remediation.command) parts.push('', markdownFence(f.remediation.command, 'sh'));
  return parts.join('\n');
}

function renderOne(r: Report): string {
  const out: string[] = [`## redsec report: ${escapeMarkdown(r.target)}`, ''];
  out.push(`Server: ${escapeMarkdown(serverText(r))} · level reached: **${levelText(r)}**`);
  if (r.server.tables?.note) out.push(`Note: ${escapeMarkdown(r.server.tables.note)}`);
  const times = timesText(r);
  if (times) out.push('', `Scan ${escapeMarkdown(times)}`);
  if (r.profile) out.push(`Profile: ${escapeMarkdown(`${r.profile.security_level}, ${r.profile.network_exposure}${r.profile.compliance_requirements.length ? `, ${r.profile.compliance_requirements.join(', ')}` : ''}`)}`);
  const notAudited = notAuditedText(r);
  if (notAudited !== null) {
    out.push('', `**${escapeMarkdown(notAudited)}**`);
    return out.join('\n');
  }
  const s = r.summary;
  out.push('', '| critical | high | medium | low | info | passed | unknown | waived |', '|---|---|---|---|---|---|---|---|');
  out.push(`| ${s.critical} | ${s.high} | ${s.medium} | ${s.low} | ${s.info} | ${s.passed} | ${s.unknown} | ${s.waived} |`);
  if (r.gap && r.gap.failing.length > 0) out.push('', `To reach level ${r.gap.target_level}: ${r.gap.failing.map(escapeMarkdown).join(', ')}`);
  const drift = driftItems(r);
  if (drift.length > 0) {
    out.push('', `### Drift: ${escapeMarkdown(driftHeading(r))}`, '', '| directive | expected | actual |', '|---|---|---|');
    for (const d of drift) out.push(`| ${escapeMarkdown(d.directive)} | ${escapeMarkdown(d.expected)} | ${escapeMarkdown(d.actual)} |`);
  }
  const idle = (r.waivers ?? []).filter((x) => x.state !== 'applied');
  if (idle.length > 0) out.push('', ...idle.map((w) => `- Waiver ${escapeMarkdown(w.id)} ${escapeMarkdown(w.state)} (expires ${escapeMarkdown(w.expires)}): ${escapeMarkdown(w.reason)}`));
  for (const g of bySeverity(r.findings, 'fail')) {
    out.push('', `### ${g.severity} (${g.findings.length})`);
    for (const f of g.findings) out.push('', findingBlock(f));
  }
  const unknown = r.findings.filter((f) => f.status === 'unknown');
  if (unknown.length > 0) {
    out.push('', `### could not be verified (${unknown.length})`);
    for (const f of unknown) out.push('', findingBlock(f));
  }
  const waived = r.findings.filter((f) => f.status === 'waived');
  if (waived.length > 0) {
    out.push('', `### waived (${waived.length})`);
    for (const f of waived) out.push('', findingBlock(f));
  }
  const passed = r.findings.filter((f) => f.status === 'pass');
  if (passed.length > 0) {
    out.push('', `<details><summary>passed (${passed.length})</summary>`, '', '| check | evidence |', '|---|---|');
    for (const f of passed) out.push(`| ${escapeMarkdown(f.id)} | ${escapeMarkdown(f.evidence)} |`);
    out.push('', '</details>');
  }
  return out.join('\n');
}

export function renderMarkdown(reports: Report | Report[]): string {
  const list = Array.isArray(reports) ? reports : [reports];
  return `${list.map(renderOne).join('\n\n---\n\n')}\n`;
}
