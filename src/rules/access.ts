/**
 * "May user U run this command line?" Live ACL DRYRUN results win when the collector gathered them
 * (the server itself decided); otherwise the ACL engine evaluates the user's rules for the target
 * version. Evidence says which one answered.
 */
import type { ServerFacts } from '../facts/types.js';
import { probeKey } from '../facts/probes.js';
import { commandNames } from '../versions/index.js';
import { aclOptions, evaluateWithEngine } from './acl-engine.js';
import { pubsubAllChannels, type EffectiveUser } from './users.js';

export type Access =
  | { known: true; allowed: boolean; via: 'ACL DRYRUN' | 'ACL engine' | 'rename-command' | 'command table'; decidedBy?: string }
  | { known: false; why: string };

export function canRun(facts: ServerFacts, user: EffectiveUser, argv: readonly string[]): Access {
  // rename-command to "" removes the command for everyone; a rename to another name keeps it
  // reachable (ACL rules still use the original name), and so may "renamed or disabled" (to null):
  // only the empty rename decides.
  const cmd = (argv[0] ?? '').toLowerCase();
  // A command the version does not have (FCALL on 6.2) cannot be run by anyone.
  if (facts.versionId && !commandNames(facts.versionId).has(cmd)) return { known: true, allowed: false, via: 'command table', decidedBy: `${facts.versionId} has no ${cmd}` };
  if (facts.renamedCommands.known && facts.renamedCommands.value.some((r) => r.command.toLowerCase() === cmd && r.to === ''))
    return { known: true, allowed: false, via: 'rename-command' };
  if (facts.dryrun.known) {
    const answer = facts.dryrun.value[user.name]?.[probeKey(argv)];
    if (answer !== undefined) return { known: true, allowed: answer, via: 'ACL DRYRUN' };
  }
  if (!facts.versionId) return { known: false, why: 'the server version is unknown, so the ACL engine cannot evaluate the rules' };
  return evaluateWithEngine(user, argv, aclOptions(facts, facts.versionId, pubsubAllChannels(facts)));
}

export interface AccessSummary {
  allowed: string[];
  unknown: string[];
  via: Set<string>;
}

/** Evaluates several probes for one user; returns which command lines it may run. */
export function accessSummary(facts: ServerFacts, user: EffectiveUser, probes: readonly (readonly string[])[]): AccessSummary {
  const s: AccessSummary = { allowed: [], unknown: [], via: new Set() };
  for (const argv of probes) {
    const a = canRun(facts, user, argv);
    if (!a.known) s.unknown.push(`${argv.join(' ')} (${a.why})`);
    else {
      s.via.add(a.via);
      if (a.allowed) s.allowed.push(argv.join(' '));
    }
  }
  return s;
}
