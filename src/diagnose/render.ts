/**
 * Text and JSON renderings of a diagnosis: pure functions returning strings. The text holds what
 * servers said (error lines, ACL LOG user names and keys) and what the caller gave (the command):
 * every line is passed through visible(), so a control character or a newline inside a value is
 * shown as an escape and can never start a line of its own or reach the terminal.
 */
import { visible } from '../text/index.js';
import type { Diagnosis, Problem } from './schema.js';

export function renderDiagnosisJson(d: Diagnosis): string {
  return `${JSON.stringify(d, null, 2)}\n`;
}

export function renderDiagnosisText(d: Diagnosis): string {
  const lines: string[] = [];
  lines.push(d.ok ? `OK: ${d.target} works${d.command ? ` (${commandLine(d)})` : ''}` : `${d.code} ${d.problem?.name ?? ''}: ${d.problem?.summary ?? ''}`.trim());
  lines.push('');
  lines.push('Steps:');
  for (const s of d.steps) lines.push(`  [${s.status}] ${s.step}: ${s.detail}`);
  if (d.problem) lines.push('', ...renderProblem(d.problem));
  for (const note of d.notes) lines.push('', ...renderProblem(note));
  if (d.aclLog?.length) {
    lines.push('', 'Recent ACL LOG denials (grouped by user, reason, object):');
    for (const g of d.aclLog) {
      const fix = g.fix ? ` -> fix: ${g.fix}${g.verified ? ' (verified with the ACL engine)' : ' (not verified)'}` : '';
      lines.push(`  user '${g.user}' ${g.reason} '${g.object}' x${g.count}, last ${Math.round(g.lastSeenSeconds)}s ago (${g.context})${fix}`);
    }
  }
  return `${lines.map(visible).join('\n')}\n`;
}

function commandLine(d: Diagnosis): string {
  const c = d.command;
  if (!c) return '';
  const verdict = c.allowed === null ? 'not verified' : c.allowed ? 'allowed' : 'denied';
  return `${c.argv.join(' ')}: ${verdict} (${c.method}; ${c.detail})`;
}

function renderProblem(p: Problem): string[] {
  const out = [`${p.code} ${p.name} [${p.kind}]: ${p.summary}`, `Cause: ${p.cause}`];
  if (p.evidence.length) {
    out.push('Evidence:');
    for (const e of p.evidence) out.push(`  - ${e}`);
  }
  if (p.fixes.length) {
    out.push('Fix (in order of preference):');
    p.fixes.forEach((f, i) => {
      out.push(`  ${i + 1}. ${f.text}`);
      for (const c of f.commands) out.push(`       ${c}`);
    });
  }
  return out;
}
