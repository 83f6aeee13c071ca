/** Text and JSON for a rotation phase's result. The secret is never part of either. */
import { safeJson } from '../report/safe-json.js';
import { visible } from '../text/visible.js';
import type { RotateCheck, RotateResult } from './password.js';
import type { FleetRotateResult } from './fleet.js';
import type { PeerReport } from './peers.js';

const MARK = (ok: boolean | null): string => (ok === true ? 'ok  ' : ok === false ? 'FAIL' : '-   ');

/** The commands (sent, or that a dry run would send) and the checks, as a node's or a peer's report lists them. */
function commandsAndChecks(commands: readonly string[], checks: readonly RotateCheck[], applied: boolean): string[] {
  const lines: string[] = [];
  if (commands.length > 0) {
    lines.push(applied ? 'commands sent:' : 'commands it would send:');
    for (const c of commands) lines.push(`  ${visible(c)}`);
  }
  if (checks.length > 0) {
    lines.push('checks:');
    for (const c of checks) lines.push(`  [${MARK(c.ok)}] ${c.name}: ${visible(c.detail)}`);
  }
  return lines;
}

export function renderRotateText(r: RotateResult): string {
  const lines: string[] = [];
  const mode = r.phase === 'status' ? 'read-only' : r.applied ? 'applied' : 'dry run (nothing changed; --apply to run it)';
  lines.push(`rotate password ${r.phase}: user '${visible(r.user)}' on ${visible(r.target)} — ${mode}`);
  lines.push(`persistence: ${r.persistence === 'acl-save' ? 'ACL SAVE (the server uses an aclfile)' : 'CONFIG REWRITE (users live in the config file)'}`);
  lines.push(...commandsAndChecks(r.commands, r.checks, r.applied));
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

/** User names, targets and server replies reach the JSON: no raw C1/bidi character leaves (safeJson). */
export function renderRotateJson(r: RotateResult): string {
  const { secret: _secret, ...shown } = r;
  return safeJson(shown);
}

const indent = (text: string): string =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');

function peerText(p: PeerReport, applied: boolean): string {
  const lines: string[] = [`${p.role} ${visible(p.target)}`, ...commandsAndChecks(p.commands, p.checks, applied)];
  for (const n of p.notes) lines.push(`note: ${visible(n)}`);
  return lines.join('\n');
}

/** A fleet's phase: each node's report as for one target, then each replica and sentinel. */
export function renderFleetText(r: FleetRotateResult): string {
  const mode = r.phase === 'status' ? 'read-only' : r.applied ? 'applied' : 'dry run (nothing changed; --apply to run it)';
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  const replicas = r.peers.filter((p) => p.role === 'replica').length;
  const sentinels = r.peers.filter((p) => p.role === 'sentinel').length;
  const parts = [count(r.nodes.length || (r.verified?.length ?? 0), 'node'), ...(replicas > 0 ? [count(replicas, 'replica')] : []), ...(sentinels > 0 ? [count(sentinels, 'sentinel')] : [])];
  const out: string[] = [`rotate password ${r.phase} (fleet): user '${visible(r.user)}' on ${parts.join(', ')} — ${mode}`];
  if (r.verified !== undefined && r.verified.length > 0) {
    out.push('verified on every node before anything is removed:');
    for (const v of r.verified) {
      out.push(`  node ${visible(v.target)}`);
      for (const c of v.checks) out.push(`    [${MARK(c.ok)}] ${c.name}: ${visible(c.detail)}`);
    }
  }
  for (const n of r.nodes) out.push(`node ${visible(n.target)}`, indent(renderRotateText(n)));
  for (const p of r.peers) out.push(indent(peerText(p, r.applied)).replace(/^ {2}/, ''));
  for (const n of r.notes) out.push(`note: ${visible(n)}`);
  out.push(r.ok ? 'result: ok' : r.failure === 'target' ? 'result: STOPPED, a target failed (nothing further was changed)' : 'result: VERIFICATION FAILED (nothing further was changed)');
  return `${out.join('\n')}\n`;
}

export function renderFleetJson(r: FleetRotateResult): string {
  const { secret: _secret, ...shown } = r;
  return safeJson(shown);
}
