/** Text and JSON for `redsec rotate tls` (rotation and --check). */
import { visible } from '../text/visible.js';
import { safeJson } from '../report/safe-json.js';
import type { TlsRotateResult } from './tls.js';

const MARK = (ok: boolean | null): string => (ok === true ? 'ok  ' : ok === false ? 'FAIL' : '-   ');

function days(n: number): string {
  return n < 0 ? `EXPIRED ${-n} day(s) ago` : `${n} day(s) left`;
}

export function renderTlsRotateText(r: TlsRotateResult): string {
  const lines: string[] = [];
  const mode = r.mode === 'check' ? 'check (read-only)' : r.applied ? 'applied' : 'dry run (nothing changed; --apply to run it)';
  lines.push(`rotate tls on ${visible(r.target)} — ${mode}`);
  if (r.certificates.length > 0) {
    lines.push('certificates:');
    for (const c of r.certificates) {
      const due = c.due && r.window_days !== undefined ? `  DUE (within ${r.window_days} days)` : '';
      lines.push(`  ${visible(c.name)}: ${c.subject}, serial ${c.serial}, expires ${c.not_after} (${days(c.days_left)})${due}${c.file !== undefined ? `  ${visible(c.file)}` : ''}`);
    }
  }
  if (r.files.length > 0) {
    lines.push(r.applied ? 'files written:' : 'files it would write:');
    for (const f of r.files) lines.push(`  ${visible(f.path)} (mode ${f.mode})`);
  }
  if (r.commands.length > 0) {
    lines.push(r.applied ? 'commands sent:' : 'commands it would send:');
    for (const c of r.commands) lines.push(`  ${visible(c)}`);
  }
  if (r.checks.length > 0) {
    lines.push('checks:');
    for (const c of r.checks) lines.push(`  [${MARK(c.ok)}] ${visible(c.name)}: ${visible(c.detail)}`);
  }
  if (r.deploy.length > 0) {
    lines.push('deploy the renewed client certificates:');
    for (const d of r.deploy) lines.push(`  ${visible(d)}`);
  }
  for (const n of r.notes) lines.push(`note: ${visible(n)}`);
  if (r.restart_needed) lines.push('result: RESTART NEEDED (this server cannot reload its certificate; nothing was changed)');
  else if (r.mode === 'check') lines.push(r.ok ? 'result: ok (nothing due)' : 'result: DUE (renew: redsec rotate tls ... --apply)');
  else lines.push(r.ok ? 'result: ok' : r.failure === 'target' ? 'result: STOPPED, the server refused the change (the old certificate stays in service)' : 'result: VERIFICATION FAILED (nothing further was changed)');
  return `${lines.join('\n')}\n`;
}

export function renderTlsRotateJson(r: TlsRotateResult): string {
  // Paths and subjects come from the server and from files: no raw C1 or bidi character either.
  return safeJson(r);
}
