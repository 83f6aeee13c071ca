/** Text and JSON for a CA rotation phase's result. No key material is ever part of either. */
import { safeJson } from '../report/safe-json.js';
import { visible } from '../text/visible.js';
import type { CaRotateResult } from './ca.js';

const MARK = (ok: boolean | null): string => (ok === true ? 'ok  ' : ok === false ? 'FAIL' : '-   ');

export function renderCaRotateText(r: CaRotateResult): string {
  const lines: string[] = [];
  const mode = r.phase === 'status' ? 'read-only' : r.applied ? 'applied' : 'dry run (nothing changed; --apply to run it)';
  lines.push(`rotate ca ${r.phase}: ${visible(r.target)} — ${mode}`);
  if (r.rotation !== undefined) lines.push(`rotation phase: ${r.rotation}`);
  if (r.server) {
    const trusts = r.server.trusts_old && r.server.trusts_new ? 'old and new CA' : r.server.trusts_old ? 'old CA only' : r.server.trusts_new ? 'new CA only' : 'neither CA';
    lines.push(`server: serves a certificate from ${r.server.serves === 'other' ? 'neither CA' : `the ${r.server.serves} CA`}; trusts ${trusts} (tls-ca-cert-file ${visible(r.server.ca_file)})`);
  }
  if (r.files.length > 0) {
    lines.push(r.applied ? 'files:' : 'files it would write:');
    for (const f of r.files) lines.push(`  ${visible(f.path)} (${f.mode}): ${visible(f.what)}`);
  }
  if (r.commands.length > 0) {
    lines.push(r.applied ? 'commands sent:' : 'commands it would send:');
    for (const c of r.commands) lines.push(`  ${visible(c)}`);
  }
  if (r.checks.length > 0) {
    lines.push('checks:');
    for (const c of r.checks) lines.push(`  [${MARK(c.ok)}] ${c.name}: ${visible(c.detail)}`);
  }
  for (const n of r.notes) lines.push(`note: ${visible(n)}`);
  lines.push(r.ok ? 'result: ok' : 'result: VERIFICATION FAILED (nothing further was changed)');
  return `${lines.join('\n')}\n`;
}

/** Paths, certificate subjects and server replies reach the JSON: no raw C1/bidi character leaves. */
export function renderCaRotateJson(r: CaRotateResult): string {
  return safeJson(r);
}
