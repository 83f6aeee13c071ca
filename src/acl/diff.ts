import { visible } from '../text/visible.js';
import { explainUser } from './explain.js';
import type { AclDiff, AclOptions, AclUser } from './types.js';

function minus(a: readonly string[], b: readonly string[]): string[] {
  const s = new Set(b);
  return a.filter((x) => !s.has(x));
}

/** What changes in effective permissions from `before` to `after`. */
export function diffUsers(before: AclUser, after: AclUser, opts: AclOptions): AclDiff {
  const a = explainUser(before, opts);
  const b = explainUser(after, opts);
  const flags: AclDiff['flagsChanged'] = [];
  const flag = (name: string, x: boolean, y: boolean) => {
    if (x !== y) flags.push({ flag: name, before: x, after: y });
  };
  flag('on', before.flagOn, after.flagOn);
  flag('nopass', before.nopass, after.nopass);
  flag('skip-sanitize-payload', before.skipSanitize, after.skipSanitize);
  flag('allkeys', a.allKeys, b.allKeys);
  flag('allchannels', a.allChannels, b.allChannels);
  const d: AclDiff = {
    user: after.name,
    commandsGained: minus(b.allowedCommands, a.allowedCommands),
    commandsLost: minus(a.allowedCommands, b.allowedCommands),
    keyPatternsAdded: minus(b.keyPatterns, a.keyPatterns),
    keyPatternsRemoved: minus(a.keyPatterns, b.keyPatterns),
    channelPatternsAdded: minus(b.channelPatterns, a.channelPatterns),
    channelPatternsRemoved: minus(a.channelPatterns, b.channelPatterns),
    flagsChanged: flags,
    passwordsChanged: before.passwords.join() !== after.passwords.join(),
    unchanged: false,
  };
  d.unchanged =
    d.commandsGained.length + d.commandsLost.length + d.keyPatternsAdded.length + d.keyPatternsRemoved.length +
      d.channelPatternsAdded.length + d.channelPatternsRemoved.length + flags.length === 0 && !d.passwordsChanged;
  return d;
}

export function renderDiff(d: AclDiff): string {
  if (d.unchanged) return visible(`user ${d.user}: no change in effective permissions`);
  const lines = [`user ${d.user}:`];
  const list = (label: string, xs: string[]) => {
    if (xs.length) lines.push(`  ${label} (${xs.length}): ${xs.join(' ')}`);
  };
  list('+ commands', d.commandsGained);
  list('- commands', d.commandsLost);
  list('+ key patterns', d.keyPatternsAdded);
  list('- key patterns', d.keyPatternsRemoved);
  list('+ channel patterns', d.channelPatternsAdded);
  list('- channel patterns', d.channelPatternsRemoved);
  for (const f of d.flagsChanged) lines.push(`  flag ${f.flag}: ${f.before} -> ${f.after}`);
  if (d.passwordsChanged) lines.push('  passwords changed');
  // User names and patterns come from ACL files (a pull request's): shown with visible escapes.
  return lines.map(visible).join('\n');
}
