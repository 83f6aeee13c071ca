/**
 * One self-contained HTML file: inline CSS, no scripts, no external requests (the Content-Security-
 * Policy forbids them too); every value escaped, control characters made visible. Severity is a
 * labelled badge (the word, never colour alone) in colours that keep 4.5:1 contrast and tell
 * critical from high by hue and lightness. A fleet starts with an overview table.
 */
import type { Finding, Report, Severity } from './types.js';
import { escapeHtml } from './escape.js';
import { driftHeading, driftItems, levelText, notAuditedText, serverText, timesText } from './describe.js';
import { bySeverity, locationText } from './order.js';
import { visible } from '../text/visible.js';

const e = (s: string): string => escapeHtml(visible(s));
/** Multi-line text for <pre>: each line made safe, the line breaks kept. */
const lines = (s: string): string => s.split(/\r?\n/).map(e).join('\n');

/*
 * Badge colours, text on background (contrast ratio): critical white on #7a0019 (12.6), high white
 * on #b93800 (5.8), medium #3d2a00 on #ffd54a (12.0), low white on #1d4ed8 (6.7), info #1f2937 on
 * #e5e7eb (12.0), unknown white on #6d28d9 (7.1), waived #1f2937 on white with a border, pass white
 * on #166534 (7.1). The browser test measures them.
 */
const CSS = `:root{color-scheme:light}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:76rem;color:#1f2937;background:#fff;padding:0 1rem}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.3rem;margin:2.5rem 0 .3rem;padding-top:1rem;border-top:2px solid #d1d5db;overflow-wrap:anywhere}
h3{font-size:1.05rem;margin:1.6rem 0 .4rem}
table{border-collapse:collapse;margin:.6rem 0}td,th{border:1px solid #d1d5db;padding:.3rem .6rem;text-align:right}th{background:#f3f4f6}
td.t,th.t{text-align:left;overflow-wrap:anywhere}td.target{white-space:nowrap}
.overview{width:100%}.overview td:not(.t),.overview th:not(.t){width:1%;white-space:nowrap}.overview td.err{min-width:20em}td.zero{color:#6b7280}
.meta,.muted{color:#4b5563}.explain{background:#f3f4f6;border-radius:4px;padding:.4rem .7rem}
.badge{display:inline-block;min-width:4.6em;text-align:center;border-radius:3px;padding:.05rem .45rem;font-size:.72rem;font-weight:700;letter-spacing:.04em;text-transform:uppercase;border:1px solid transparent;vertical-align:.1em;margin:0 .15rem 0 0;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.b-critical{background:#7a0019;color:#fff;outline:2px solid #7a0019;outline-offset:1px}.b-high{background:#b93800;color:#fff}
.b-medium{background:#ffd54a;color:#3d2a00}.b-low{background:#1d4ed8;color:#fff}.b-info{background:#e5e7eb;color:#1f2937}
.b-unknown{background:#6d28d9;color:#fff}.b-waived{background:#fff;color:#1f2937;border-color:#6b7280}.b-pass{background:#166534;color:#fff}
.finding{border:1px solid #d1d5db;border-left-width:6px;border-radius:4px;padding:.5rem .8rem;margin:.7rem 0}
.s-critical{border-left-color:#7a0019}.s-high{border-left-color:#b93800}.s-medium{border-left-color:#e0a800}.s-low{border-left-color:#1d4ed8}
.s-info{border-left-color:#9ca3af}.s-unknown{border-left-color:#6d28d9}.s-waived{border-left-color:#6b7280}
.finding .head{font-weight:600}.id{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-weight:700}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .8rem;margin:.4rem 0 0}dt{font-weight:600;color:#374151}dd{margin:0;overflow-wrap:anywhere}
pre{background:#f3f4f6;padding:.4rem .6rem;margin:.3rem 0;overflow-x:auto;white-space:pre-wrap}
.level{font-size:1.5rem;font-weight:700}.error{border-left:6px solid #7a0019;background:#fdf2f2;padding:.5rem .8rem}`;

const LEVEL_EXPLAINED =
  'Level (0-4) is the highest of redsec\'s maturity levels (1 basic, 2 standard, 3 hardened, 4 compliance) whose checks all pass, are waived or do not apply; one failure above info or one unknown check keeps a server below that level.';

const COUNTED: readonly (Severity | 'unknown')[] = ['critical', 'high', 'medium', 'low', 'info', 'unknown'];

function badge(kind: Severity | 'unknown' | 'waived' | 'pass'): string {
  return `<span class="badge b-${kind}">${kind}</span>`;
}

function kindOf(f: Finding): Severity | 'unknown' | 'waived' | 'pass' {
  if (f.status === 'unknown' || f.status === 'waived') return f.status;
  return f.status === 'pass' || f.status === 'not_applicable' ? 'pass' : f.severity;
}

function finding(f: Finding): string {
  const kind = kindOf(f);
  const loc = locationText(f);
  const fix = [
    e(f.remediation.text),
    f.remediation.config ? `<pre>${lines(f.remediation.config)}</pre>` : '',
    f.remediation.command ? `<pre>$ ${lines(f.remediation.command)}</pre>` : '',
  ].join('');
  return [
    `<article class="finding s-${kind}">`,
    `<div class="head">${badge(kind)}${f.status === 'waived' ? ` ${badge(f.severity)}` : ''} <span class="id">${e(f.id)}</span> ${e(f.title)}</div>`,
    '<dl>',
    `<dt>Evidence</dt><dd>${e(f.evidence)}</dd>`,
    loc ? `<dt>Location</dt><dd>${e(loc)}</dd>` : '',
    f.waiver ? `<dt>Waiver</dt><dd>${f.waiver.expired ? 'expired on' : 'until'} ${e(f.waiver.expires)}: ${e(f.waiver.reason)}</dd>` : '',
    `<dt>Fix</dt><dd>${fix}</dd>`,
    f.compliance.length > 0 ? `<dt>Compliance</dt><dd>${e(f.compliance.join(' · '))}</dd>` : '',
    '</dl></article>',
  ].join('');
}

function anchor(i: number): string {
  return `target-${i + 1}`;
}

function errorText(r: Report): string {
  return notAuditedText(r) ?? '';
}

function countsTable(r: Report): string {
  const s = r.summary;
  const cells: [string, number][] = [...COUNTED.map((k): [string, number] => [badge(k), s[k]]), [badge('waived'), s.waived], [badge('pass'), s.passed]];
  return [
    '<table><caption class="muted" style="text-align:left">Checks by result</caption><tr>',
    ...cells.map(([h]) => `<th scope="col">${h}</th>`),
    '</tr><tr>',
    ...cells.map(([, n]) => `<td${n === 0 ? ' class="zero"' : ''}>${n}</td>`),
    '</tr></table>',
  ].join('');
}

function overview(list: readonly Report[]): string {
  const head = ['<th scope="col" class="t">Target</th>', '<th scope="col">Level</th>', ...COUNTED.map((k) => `<th scope="col">${badge(k)}</th>`), '<th scope="col" class="t">Error</th>'];
  const rows = list.map((r, i) => {
    const counts = COUNTED.map((k) => (r.error ? '<td class="zero">-</td>' : `<td${r.summary[k] === 0 ? ' class="zero"' : ''}>${r.summary[k]}</td>`));
    return `<tr><td class="t target"><a href="#${anchor(i)}">${e(r.target)}</a></td><td>${e(levelText(r))}</td>${counts.join('')}<td class="t err">${e(errorText(r))}</td></tr>`;
  });
  const failing = list.filter((r) => !r.error && COUNTED.some((k) => r.summary[k] > 0)).length;
  const errors = list.filter((r) => r.error).length;
  return [
    '<section aria-labelledby="overview"><h2 id="overview">Overview</h2>',
    `<p class="meta">${list.length} targets: ${errors} not audited, ${failing} with failed or unknown checks. Columns count failed checks by severity, and checks that could not be verified.</p>`,
    `<table class="overview"><tr>${head.join('')}</tr>`,
    ...rows,
    '</table></section>',
  ].join('\n');
}

function section(r: Report, i: number): string {
  const out: string[] = [`<section aria-labelledby="${anchor(i)}"><h2 id="${anchor(i)}">${e(r.target)}</h2>`];
  const profile = r.profile
    ? ` · profile ${e(r.profile.security_level)}, ${e(r.profile.network_exposure)}${r.profile.compliance_requirements.length ? `, ${e(r.profile.compliance_requirements.join(', '))}` : ''}`
    : '';
  out.push(`<p class="meta">${e(serverText(r))}${profile}</p>`);
  if (r.server.tables?.note) out.push(`<p class="meta">${e(r.server.tables.note)}</p>`);
  const times = timesText(r);
  if (times) out.push(`<p class="meta">Scan ${e(times)}</p>`);
  if (r.error) {
    out.push(`<p class="error"><strong>${e(errorText(r))}</strong></p></section>`);
    return out.join('\n');
  }
  out.push(`<p>Level reached: <span class="level">${e(levelText(r))}</span>${r.gap && r.gap.failing.length > 0 ? ` · to reach level ${r.gap.target_level}: <span class="id">${e(r.gap.failing.join(', '))}</span>` : ''}</p>`);
  out.push(countsTable(r));
  const drift = driftItems(r);
  if (drift.length > 0) {
    out.push(`<h3>Drift: ${e(driftHeading(r))}</h3>`, '<table><tr><th scope="col" class="t">Directive</th><th scope="col" class="t">Expected</th><th scope="col" class="t">Actual</th></tr>');
    for (const d of drift) out.push(`<tr><td class="t id">${e(d.directive)}</td><td class="t">${e(d.expected)}</td><td class="t">${e(d.actual)}</td></tr>`);
    out.push('</table>');
  }
  for (const w of (r.waivers ?? []).filter((x) => x.state !== 'applied'))
    out.push(`<p class="muted">Waiver ${e(w.id)} ${e(w.state)} (expires ${e(w.expires)}): ${e(w.reason)}</p>`);
  for (const g of bySeverity(r.findings, 'fail')) out.push(`<h3>${badge(g.severity)} Failed: ${g.severity} (${g.findings.length})</h3>`, ...g.findings.map(finding));
  const unknown = r.findings.filter((f) => f.status === 'unknown');
  if (unknown.length > 0) out.push(`<h3>${badge('unknown')} Could not be verified (${unknown.length})</h3>`, ...unknown.map(finding));
  const waived = r.findings.filter((f) => f.status === 'waived');
  if (waived.length > 0) out.push(`<h3>${badge('waived')} Waived (${waived.length})</h3>`, ...waived.map(finding));
  const passed = r.findings.filter((f) => f.status === 'pass');
  if (passed.length > 0) {
    out.push(`<details><summary>Passed (${passed.length})</summary><table><tr><th scope="col" class="t">Check</th><th scope="col" class="t">Evidence</th></tr>`);
    for (const f of passed) out.push(`<tr><td class="t id">${e(f.id)}</td><td class="t">${e(f.evidence)}</td></tr>`);
    out.push('</table></details>');
  }
  out.push('</section>');
  return out.join('\n');
}

/** When the whole report was scanned: from the first start to the last end, as <time> elements. */
function scanned(list: readonly Report[]): string {
  const starts = list.map((r) => r.started_at).filter((t): t is string => t !== undefined).sort();
  const ends = list.map((r) => r.finished_at).filter((t): t is string => t !== undefined).sort();
  const first = starts[0];
  const last = ends.at(-1);
  if (first === undefined) return '';
  const shown = (t: string) => t.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC');
  const time = (t: string) => `<time datetime="${e(t)}">${e(shown(t))}</time>`;
  return ` · scanned ${time(first)}${last !== undefined ? ` to ${time(last)}` : ''}`;
}

export function renderHtml(reports: Report | Report[]): string {
  const list = Array.isArray(reports) ? reports : [reports];
  const fleet = list.length !== 1;
  const title = !fleet && list[0] ? `redsec report: ${list[0].target}` : `redsec report: ${list.length} targets`;
  const tool = list[0]?.tool ?? { name: 'redsec', version: '' };
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${e(title)}</title><style>${CSS}</style></head>
<body>
<header><h1>${e(title)}</h1>
<p class="meta">${e(`${tool.name} ${tool.version}`)}${scanned(list)}</p>
<p class="explain">${e(LEVEL_EXPLAINED)}</p></header>
<main>
${fleet ? overview(list) : ''}
${list.map(section).join('\n')}
</main>
</body></html>
`;
}
