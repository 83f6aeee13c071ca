/**
 * Dangerous command use: INFO commandstats calls of DANGEROUS_COMMANDS that rose since the
 * previous poll, with the users whose rules let them run the command (ACL LIST read by redsec's
 * ACL engine), so the event says who could have done it. The first poll only learns the counts.
 * A routine command (EVAL, KEYS ...) is reported only when a poll sees it for the first time.
 */
import { allowsCommand, parseAclUser } from '../../acl/index.js';
import type { UserFacts } from '../../facts/types.js';
import type { VersionId } from '../../versions/index.js';
import { DANGEROUS_COMMANDS } from '../dangerous.js';
import { commandStats } from '../snapshot.js';
import type { WatchEvent } from '../event.js';
import { makeEvent, someOf, type DetectInput, type DetectOutput } from './context.js';

/** At most this many users are judged per command (ACL LIST can be long). */
const MAX_USERS = 256;

/** Enabled users whose rules allow `command` (undefined when the rules cannot be read). */
export function usersWhoMayRun(users: readonly UserFacts[], command: string, version: VersionId | null): string[] | undefined {
  if (!version) return undefined;
  const out: string[] = [];
  try {
    for (const u of users.slice(0, MAX_USERS)) {
      if (!/(^| )on( |$)/.test(u.rules)) continue;
      const parsed = parseAclUser(u.name, u.rules, { version });
      if (allowsCommand(parsed, command, { version })) out.push(u.name);
    }
  } catch {
    return undefined;
  }
  return out;
}

export function detectCommands({ prev, snap }: DetectInput): DetectOutput {
  const stats = commandStats(snap);
  if (!stats) return { state: {}, events: [] };
  const calls: Record<string, number> = {};
  for (const d of DANGEROUS_COMMANDS) {
    const s = stats[d.command];
    if (s) calls[d.command] = s.calls;
  }
  const events: WatchEvent[] = [];
  if (prev.commandCalls) {
    for (const d of DANGEROUS_COMMANDS) {
      const now = calls[d.command];
      if (now === undefined) continue;
      // A counter that went down (restart, CONFIG RESETSTAT) starts again from zero.
      const before = prev.commandCalls[d.command] ?? 0;
      const rise = now >= before ? now - before : now;
      if (rise <= 0) continue;
      if (d.routine && before > 0) continue;
      const who = snap.users.known ? usersWhoMayRun(snap.users.value, d.command, snap.versionId) : undefined;
      const name = d.command.replace('|', ' ').toUpperCase();
      const first = d.routine ? ' (first use seen; later use of this routine command is not reported again)' : '';
      events.push(
        makeEvent(snap, 'dangerous-command', d.severity, `${name} ran ${rise} time(s) since the last poll${first}: ${d.why}${who ? `; users who may run it: ${who.length ? someOf(who) : 'none enabled'}` : ''}`, {
          command: d.command,
          calls: rise,
          first_use: d.routine === true,
          users_allowed: who ? someOf(who, 20) : null,
        }),
      );
    }
  }
  return { state: { commandCalls: calls }, events };
}
