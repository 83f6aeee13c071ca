/** Shared shape of the "which application users may run X" rules. */
import type { ServerFacts } from '../../facts/types.js';
import type { Remediation } from '../../report/types.js';
import type { RuleResult } from '../types.js';
import { accessSummary } from '../access.js';
import { fail, pass, unknownResult } from '../result.js';
import { effectiveUsers, isAdminUser, userFlags, type EffectiveUser, type UserFlags } from '../users.js';

export const ADMIN_HEURISTIC =
  'Users named default, admin, administrator, root or superuser (or containing "admin"), and the account the audit runs as, count as administrators; every other enabled user is treated as an application or role account.';

export const DANGEROUS_PROBES = [
  ['CONFIG', 'GET', 'x'],
  ['CONFIG', 'SET', 'dir', 'x'],
  ['FLUSHALL'],
  ['DEBUG', 'OBJECT', 'x'],
  ['SHUTDOWN'],
  ['ACL', 'SETUSER', 'x'],
  ['CLIENT', 'KILL', 'ID', '1'],
  ['MODULE', 'LOAD', 'x'],
] as const;
export const SCRIPTING_PROBES = [['EVAL', 'return 1', '0'], ['FCALL', 'f', '0'], ['FUNCTION', 'LOAD', 'x']] as const;
export const REPLICAOF_PROBES = [['REPLICAOF', 'NO', 'ONE'], ['SLAVEOF', 'NO', 'ONE']] as const;
export const KEYS_FLUSH_PROBES = [['KEYS', 'x'], ['FLUSHALL'], ['FLUSHDB']] as const;
export const MONITOR_PROBES = [['MONITOR']] as const;
export const SCRIPT_DEBUG_PROBES = [['SCRIPT', 'DEBUG', 'YES']] as const;

/** Enabled users that are not administrators by the heuristic above. */
export function appUsers(facts: ServerFacts): { known: true; value: EffectiveUser[] } | { known: false; why: string } {
  const users = effectiveUsers(facts);
  if (!users.known) return users;
  return { known: true, value: users.value.filter((u) => !isAdminUser(u.name, facts) && userFlags(facts, u).enabled) };
}

/**
 * One failing result per application user allowed any of the probes, one unknown per user whose
 * answer could not be determined, or a single pass.
 */
export function appUsersMayRun(
  facts: ServerFacts,
  probes: readonly (readonly string[])[],
  what: string,
  fix: (user: string, allowed: string[]) => Remediation,
  users?: EffectiveUser[],
): RuleResult | RuleResult[] {
  let list = users;
  if (!list) {
    const apps = appUsers(facts);
    if (!apps.known) return unknownResult(`cannot read users: ${apps.why}`);
    list = apps.value;
  }
  if (list.length === 0) return pass(`no enabled application users (${ADMIN_HEURISTIC.split(';')[0]})`);
  const results: RuleResult[] = [];
  const via = new Set<string>();
  for (const u of list) {
    const s = accessSummary(facts, u, probes);
    s.via.forEach((v) => via.add(v));
    if (s.allowed.length > 0)
      results.push(fail(`user ${u.name} may run ${s.allowed.join(', ')} (decided by ${[...s.via].join(' + ')})`, { location: u.location, subject: `user ${u.name}`, remediation: fix(u.name, s.allowed) }));
    else if (s.unknown.length > 0) results.push(unknownResult(`user ${u.name}: cannot tell whether it may run ${s.unknown.join('; ')}`, { location: u.location, subject: `user ${u.name}` }));
  }
  if (results.length > 0) return results;
  return pass(`none of ${list.length} application user(s) may run ${what} (decided by ${[...via].join(' + ') || 'no probes'})`);
}

/**
 * One failing result per application user with a given user-level flag (all commands, all keys...),
 * or a single pass saying how many were checked.
 */
export function appUsersFlagged(
  facts: ServerFacts,
  flagged: (flags: UserFlags) => boolean,
  failure: (user: EffectiveUser) => RuleResult,
  passText: (checked: number) => string,
): RuleResult | RuleResult[] {
  const apps = appUsers(facts);
  if (!apps.known) return unknownResult(`cannot read users: ${apps.why}`);
  const bad = apps.value.filter((u) => flagged(userFlags(facts, u))).map(failure);
  return bad.length > 0 ? bad : pass(passText(apps.value.length));
}
