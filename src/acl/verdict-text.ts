/**
 * One verdict as text, for `acl check` and MCP's acl_check: the first line is what happens when the
 * command runs; where ACL DRYRUN answers differently, a note says so.
 */
import { visible } from '../text/visible.js';
import type { AclVerdict } from './types.js';

interface VerdictLike {
  allowed: boolean;
  denial?: AclVerdict['denial'] | undefined;
  command: string;
  decidedBy: string;
  message: string;
  selector?: number | undefined;
  basis: AclVerdict['basis'];
  dryrun?: AclVerdict['dryrun'] | undefined;
}

export function renderVerdict(v: VerdictLike, context?: string): string {
  const head = v.allowed
    ? `allowed: ${visible(v.command)}`
    : v.denial === 'run'
      ? `denied when run: ${visible(v.message)}`
      : `denied (${v.denial ?? 'command'}): ${visible(v.message)}`;
  const by = `decided by: ${visible(v.decidedBy)}${v.selector ? ` (selector ${v.selector})` : ''}`;
  const lines = [head, context ? `${context}; ${by}` : by];
  if (v.basis === 'run' && v.dryrun) {
    const answer = v.dryrun.allowed ? 'OK (allowed)' : visible(v.dryrun.message);
    lines.push(`note: ACL DRYRUN answers ${answer}: it checks the ACL rules only, not what the command does when it runs`);
  }
  return lines.join('\n');
}
