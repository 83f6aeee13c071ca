/** Text and JSON for a rotation phase's result. The secret is never part of either. */
import { visible } from '../text/visible.js';
import type { RotateResult } from './password.js';

const MARK = (ok: boolean | null): string => (ok === true ? 'ok  ' : ok === false ? 'FAIL' : '-   ');

export function renderRotateText(r: RotateResult): string {
  const lines: string[] = [];
  const mode = r.phase === 'status' ? 'read-only' : r.applied ? 'applied' : 'dry run (nothing changed; --apply to run it)';
  lines.push(`rotate password ${r.phase}: user '${visible(r.user)}' on ${visible(r.target)} — ${mode}`);
  lines.push(`persistence: ${r.persistence === 'acl-save' ? 'ACL SAVE (the server uses an aclfile)' : 'CONFIG REWRITE (users live in the config file)'}`);
  if (r.commands.length > 0) {
    lines.push(r.applied ? 'commands sent:' : 'commands it would send:');
    for (const c of r.commands) lines.push(`  ${visible(c)}`);
  }
  if (r.checks.length > 0) {
    lines.push('checks:');
    for (const c of r.checks) lines.push(`  [${MARK(c.ok)}] ${c.name}: ${visible(c.detail)}`);
  }
  if (r.connections !== undefined) {
    lines.push(`connections of '${visible(r.user)}': ${r.connections.length}`);
    for (const c of r.connections) {
      const flag = c.before_begin ? 'older than begin: on an OLD password' : 'newer than begin (or no begin): old or new, cannot tell';
      lines.push(`  id=${visible(c.id)} addr=${c.addr} age=${c.age_s}s idle=${c.idle_s}s  ${flag}`);
    }
  }
  for (const n of r.notes) lines.push(`note: ${visible(n)}`);
  lines.push(r.ok ? 'result: ok' : 'result: VERIFICATION FAILED (nothing further was changed)');
  return `${lines.join('\n')}\n`;
}

export function renderRotateJson(r: RotateResult): string {
  const { secret: _secret, ...shown } = r;
  return `${JSON.stringify(shown, null, 2)}\n`;
}
