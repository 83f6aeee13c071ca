import { visible } from '../text/visible.js';
import { commandIndex, type AclCommand } from './commands.js';
import { isCommandBitSet } from './rules.js';
import { KEY_READ, type AclExplanation, type AclOptions, type AclUser, type CategoryAccess } from './types.js';

function runnable(user: AclUser, cmd: AclCommand): boolean {
  return user.selectors.some((s) => s.allCommands || cmd.noAuth || isCommandBitSet(s.bits, cmd.id) || s.firstArgs.has(cmd.id));
}

/** Commands whose availability makes a grant risky, with why. */
const RISKY_COMMANDS: [string, string][] = [
  ['config|set', 'CONFIG SET can rewrite dir/dbfilename and other settings'],
  ['config|get', 'CONFIG GET reveals the configuration'],
  ['config', 'CONFIG (6.2: the whole command)'],
  ['module|load', 'MODULE LOAD loads native code'],
  ['module', 'MODULE (6.2: the whole command)'],
  ['replicaof', 'REPLICAOF can attach the server to a rogue master'],
  ['slaveof', 'SLAVEOF can attach the server to a rogue master'],
  ['keys', 'KEYS scans the whole keyspace and blocks the server'],
  ['flushall', 'FLUSHALL deletes every key'],
  ['flushdb', 'FLUSHDB deletes every key of a database'],
  ['monitor', 'MONITOR shows every command of every client'],
  ['debug', 'DEBUG can crash or stall the server'],
  ['eval', 'EVAL runs Lua scripts (several Lua CVEs)'],
  ['acl|setuser', 'ACL SETUSER can grant itself anything'],
  ['acl', 'ACL (6.2: the whole command)'],
];

const RISKY_CATEGORIES: [string, string][] = [
  ['dangerous', '@dangerous commands can disrupt or take over the server'],
  ['admin', '@admin commands administer the server'],
  ['scripting', '@scripting runs Lua code on the server'],
];

/** What a user can and cannot do, by category, with the risky grants named. */
export function explainUser(user: AclUser, opts: AclOptions): AclExplanation {
  const index = commandIndex(opts.version);
  const allowed = index.byId.filter((c) => !c.subs && runnable(user, c));
  const categories: Record<string, CategoryAccess> = {};
  index.categories.forEach((cat, i) => {
    const members = index.byId.filter((c) => !c.subs && c.catMask & (1 << i));
    const n = members.filter((c) => runnable(user, c)).length;
    categories[cat] = n === 0 ? 'denied' : n === members.length ? 'allowed' : 'partial';
  });
  const risks: { grant: string; detail: string }[] = [];
  for (const [cat, why] of RISKY_CATEGORIES) {
    const access = categories[cat];
    if (access === 'allowed') risks.push({ grant: `@${cat}`, detail: why });
    else if (access === 'partial') risks.push({ grant: `@${cat} (partly)`, detail: why });
  }
  for (const [name, why] of RISKY_COMMANDS) {
    const cmd = index.byName.get(name);
    if (cmd && !cmd.subs && runnable(user, cmd)) risks.push({ grant: name.toUpperCase().replace('|', ' '), detail: why });
  }
  const allKeys = user.selectors.some((s) => s.allKeys || s.keys.some((k) => k.pattern === '*' && k.perms === 3));
  const allChannels = user.selectors.some((s) => s.allChannels || s.channels.includes('*'));
  if (allKeys) risks.push({ grant: 'all keys', detail: 'allkeys/~*: no key restriction' });
  if (allChannels) risks.push({ grant: 'all channels', detail: 'allchannels/&*: no Pub/Sub restriction' });
  if (user.flagOn && user.nopass) risks.push({ grant: 'nopass', detail: 'the user can log in with any password' });
  const keyPatterns = user.selectors.flatMap((s) =>
    s.allKeys ? ['~*'] : s.keys.map((k) => `${k.perms === 3 ? '' : k.perms === 1 ? '%R' : k.perms === 2 ? '%W' : '%'}~${k.pattern}`),
  );
  const refusedWhenRun: { command: string; detail: string }[] = [];
  for (const name of ['sort', 'sort_ro']) {
    const cmd = index.byName.get(name);
    if (!cmd?.sortLike || !runnable(user, cmd)) continue;
    // Full read access in a selector that also allows the command (ACLUserCheckCmdWithUnrestrictedKeyAccess).
    const full = user.selectors.some(
      (s) => (s.allCommands || isCommandBitSet(s.bits, cmd.id)) && (s.allKeys || s.keys.some((k) => k.pattern === '*' && k.perms & KEY_READ)),
    );
    if (!full) {
      refusedWhenRun.push({
        command: `${name.toUpperCase()} ... GET / BY <pattern with *>`,
        detail: 'refused when run (ACL DRYRUN says OK): needs read access to every key (~*, %R~* or allkeys) in a selector that allows the command',
      });
    }
  }
  return {
    user: user.name,
    enabled: user.flagOn,
    passwordless: user.nopass,
    categories,
    risks,
    allKeys,
    allChannels,
    keyPatterns: [...new Set(keyPatterns)],
    channelPatterns: [...new Set(user.selectors.flatMap((s) => (s.allChannels ? ['&*'] : s.channels.map((c) => `&${c}`))))],
    selectors: user.selectors.length,
    allowedCommands: allowed.map((c) => c.name).sort(),
    refusedWhenRun,
  };
}

export function renderExplanation(e: AclExplanation): string {
  const lines = [`user ${e.user}: ${e.enabled ? 'on' : 'off'}${e.passwordless ? ', nopass' : ''}, ${e.selectors} selector(s)`];
  lines.push(`keys: ${e.allKeys ? 'all' : e.keyPatterns.join(' ') || 'none'}`);
  lines.push(`channels: ${e.allChannels ? 'all' : e.channelPatterns.join(' ') || 'none'}`);
  const by = (a: string) => Object.entries(e.categories).filter(([, v]) => v === a).map(([k]) => `@${k}`);
  lines.push(`allowed categories: ${by('allowed').join(' ') || 'none'}`);
  lines.push(`partly allowed: ${by('partial').join(' ') || 'none'}`);
  lines.push(`denied categories: ${by('denied').join(' ') || 'none'}`);
  lines.push(`commands allowed: ${e.allowedCommands.length}`);
  for (const r of e.refusedWhenRun) lines.push(`refused when run: ${r.command}: ${r.detail}`);
  if (e.risks.length === 0) lines.push('risky grants: none');
  else {
    lines.push('risky grants:');
    for (const r of e.risks) lines.push(`  - ${r.grant}: ${r.detail}`);
  }
  // User names and patterns come from ACL files or MCP requests: shown with visible escapes.
  return lines.map(visible).join('\n');
}
