import { InputError } from '../errors.js';
import { BITMAP_WORDS, commandIndex, type AclCommand, type CommandIndex } from './commands.js';
import { aclProfile, type AclProfile } from './profile.js';
import { canRunFutureCommands, isCommandBitSet } from './rules.js';
import type { AclOptions, AclSelector, AclUser, KeyPattern } from './types.js';

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

function countOn(bits: Uint32Array, members: Uint32Array): { on: number; total: number } {
  let on = 0;
  let total = 0;
  for (let w = 0; w < BITMAP_WORDS; w++) {
    on += popcount(bits[w]! & members[w]!);
    total += popcount(members[w]!);
  }
  return { on, total };
}

function applyCategory(bits: Uint32Array, index: CommandIndex, cat: number, on: boolean): void {
  const apply = index.categoryApply[cat]!;
  for (let w = 0; w < BITMAP_WORDS; w++) {
    if (on) bits[w]! |= apply[w]!;
    else bits[w]! &= ~apply[w]!;
  }
}

function setCmd(bits: Uint32Array, cmd: AclCommand, on: boolean): void {
  const targets = [cmd, ...(cmd.subs?.values() ?? [])];
  for (const c of targets) {
    if (on) bits[c.id >>> 5]! |= 1 << (c.id & 31);
    else bits[c.id >>> 5]! &= ~(1 << (c.id & 31));
  }
}

/**
 * ACLDescribeSelectorCommandRules of 6.2/7.0: start from +@all or -@all, greedily apply the
 * category that fits best, then list single commands whose bit still differs. The single-command
 * part follows the server's hash order, which is not stable; we use table order.
 */
function recomputedCommandRules(s: AclSelector, index: CommandIndex, legacy: boolean): string {
  const additive = !canRunFutureCommands(s.bits);
  const rules: string[] = [additive ? '-@all' : '+@all'];
  const fake = new Uint32Array(BITMAP_WORDS).fill(additive ? 0 : 0xffffffff);
  const temp = s.bits.slice();
  const applied = new Array<boolean>(index.categories.length).fill(false);
  for (;;) {
    let best = -1;
    let minDiff = Number.MAX_SAFE_INTEGER;
    let maxSame = 0;
    for (let c = 0; c < index.categories.length; c++) {
      if (applied[c]) continue;
      const { on, total } = countOn(temp, index.categoryMembers[c]!);
      const off = total - on;
      const diff = additive ? off : on;
      const same = additive ? on : off;
      if (same > diff && (diff < minDiff || (diff === minDiff && same > maxSame))) {
        best = c;
        minDiff = diff;
        maxSame = same;
      }
    }
    if (best === -1) break;
    applyCategory(fake, index, best, additive);
    applyCategory(temp, index, best, !additive);
    rules.push(`${additive ? '+' : '-'}@${index.categories[best]}`);
    applied[best] = true;
  }
  const visit = (cmd: AclCommand): void => {
    const userBit = isCommandBitSet(s.bits, cmd.id);
    if (userBit !== isCommandBitSet(fake, cmd.id)) {
      rules.push(`${userBit ? '+' : '-'}${cmd.name}`);
      // 6.2 flips just the bit; 7.0 flips a container with its subcommands.
      if (legacy) setCmd(fake, { ...cmd, subs: undefined }, userBit);
      else setCmd(fake, cmd, userBit);
    }
    for (const sub of cmd.subs?.values() ?? []) visit(sub);
    const firstArgs = s.firstArgs.get(cmd.id);
    if (!userBit && firstArgs) for (const a of firstArgs) rules.push(`+${cmd.name}|${a}`);
  };
  for (const cmd of index.top) visit(cmd);
  return rules.join(' ');
}

function patternText(k: KeyPattern, profile: AclProfile): string {
  if (k.perms === 3) return `~${k.pattern}`;
  if (k.perms === 1) return `%R~${k.pattern}`;
  if (k.perms === 2) return `%W~${k.pattern}`;
  throw new InputError(
    `describing a key pattern without R/W permission ('%~${k.pattern}') crashes Redis ${profile.version} ("Invalid key pattern flag detected"); see CVE-2024-31227/CVE-2024-51741`,
    'acl',
  );
}

export function describeSelector(s: AclSelector, opts: AclOptions): string {
  const profile = aclProfile(opts);
  const index = commandIndex(opts.version);
  const parts: string[] = [];
  if (s.allKeys) parts.push('~*');
  else for (const k of s.keys) parts.push(patternText(k, profile));
  if (s.allChannels) parts.push('&*');
  else {
    parts.push('resetchannels');
    for (const c of s.channels) parts.push(`&${c}`);
  }
  if (profile.describe === 'retained') {
    parts.push(canRunFutureCommands(s.bits) ? '+@all' : '-@all', ...s.commandRules);
  } else {
    parts.push(recomputedCommandRules(s, index, profile.legacy));
  }
  return parts.join(' ');
}

/** The user's description as ACL GETUSER/ACL LIST print it (without the leading `user <name>`). */
export function describeRules(user: AclUser, opts: AclOptions): string {
  const parts: string[] = [];
  if (user.flagOn) parts.push('on');
  if (user.flagOff) parts.push('off');
  if (user.nopass) parts.push('nopass');
  if (user.skipSanitize) parts.push('skip-sanitize-payload');
  if (user.sanitize) parts.push('sanitize-payload');
  for (const p of user.passwords) parts.push(`#${p}`);
  let out = parts.join(' ');
  user.selectors.forEach((s, i) => {
    const d = describeSelector(s, opts);
    if (i === 0) out = out ? `${out} ${d}` : d;
    else out += ` (${d})`;
  });
  return out;
}

/** Exactly the ACL LIST line for the user on that version. */
export function describeUser(user: AclUser, opts: AclOptions): string {
  return `user ${user.name} ${describeRules(user, opts)}`;
}
