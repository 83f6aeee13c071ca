import { AclRuleError, InputError } from '../errors.js';
import { BITMAP_WORDS, FUTURE_BIT, lookupRuleCommand, type AclCommand } from './commands.js';
import { aclContext, type AclContext } from './context.js';
import { cloneUser, freezeUser, newSelector, newUser, type MSelector, type MUser } from './model.js';
import type { AclProfile } from './profile.js';
import { RuleFailure } from './reasons.js';
import { sha256Hex } from './sha256.js';
import { CONFIG_LIMITS, splitArgs } from '../config/index.js';
import { KEY_READ, KEY_WRITE, type AclOptions, type AclUser, type KeyPattern } from './types.js';
import { asciiLower } from './ascii.js';

/** Everything one rule application needs. */
export type RuleContext = AclContext;

export function ruleContext(opts: AclOptions): RuleContext {
  return aclContext(opts);
}

const HEX64 = /^[0-9a-f]{64}$/;

function hasSpaces(s: string): boolean {
  // ACLStringHasSpaces: C isspace() or NUL
  return /[ \t\n\v\f\r\0]/.test(s);
}

function eq(a: string, b: string): boolean {
  return a.length === b.length && asciiLower(a) === b;
}

function logRule(u: MUser, rule: string): number {
  u.ruleLog.push(rule);
  return u.ruleLog.length - 1;
}

function setBit(s: MSelector, id: number, on: boolean, why: number): void {
  const w = id >>> 5;
  const m = 1 << (id & 31);
  if (on) s.bits[w]! |= m;
  else {
    s.bits[w]! &= ~m;
    s.allCommands = false;
  }
  s.decidedBy[id] = why;
}

/** ACLChangeSelectorPerm: the command's bit, its first-args, and a container's subcommands. */
function changePerm(s: MSelector, cmd: AclCommand, on: boolean, why: number): void {
  setBit(s, cmd.id, on, why);
  s.firstArgs.delete(cmd.id);
  if (cmd.subs) for (const sub of cmd.subs.values()) setBit(s, sub.id, on, why);
}

function setCategory(s: MSelector, ctx: RuleContext, cat: number, on: boolean, why: number): void {
  const apply = ctx.index.categoryApply[cat]!;
  for (let w = 0; w < BITMAP_WORDS; w++) {
    const m = apply[w]!;
    if (m === 0) continue;
    if (on) s.bits[w]! |= m;
    else s.bits[w]! &= ~m;
    for (let b = 0; b < 32; b++) if (m & (1 << b)) s.decidedBy[w * 32 + b] = why;
  }
  if (!on) s.allCommands = false;
  for (const id of ctx.index.categoryTouched[cat]!) s.firstArgs.delete(id);
}

function setAll(s: MSelector, on: boolean, why: number): void {
  s.bits.fill(on ? 0xffffffff : 0);
  s.allCommands = on;
  s.firstArgs.clear();
  s.commandRules = [];
  s.decidedBy.fill(why);
}

/** 7.2+: retained rules; a new rule replaces an earlier one with the same target (and a whole
 * command replaces that command's `cmd|...` rules). Appended here, superseded ones are dropped
 * once when the user is frozen (see compactRetained): filtering on every rule is quadratic. */
function retainRule(s: MSelector, body: string, allow: boolean): void {
  s.commandRules.push(`${allow ? '+' : '-'}${asciiLower(body)}`);
}

/**
 * Indexes of a selector's key patterns, channels and first-args, keyed by the array they index
 * (rules replace arrays on reset, and clones get fresh ones), so a duplicate check is one lookup
 * instead of a scan: 40,000 key patterns on one user stay linear.
 */
const keyIndexes = new WeakMap<readonly KeyPattern[], Map<string, number>>();
const stringSets = new WeakMap<readonly string[], Set<string>>();

function keyIndex(keys: readonly KeyPattern[]): Map<string, number> {
  let index = keyIndexes.get(keys);
  if (!index) {
    index = new Map();
    keys.forEach((k, i) => index!.set(k.pattern, i));
    keyIndexes.set(keys, index);
  }
  return index;
}

function stringSet(list: readonly string[], key: (s: string) => string): Set<string> {
  let set = stringSets.get(list);
  if (!set) {
    set = new Set(list.map(key));
    stringSets.set(list, set);
  }
  return set;
}

function category(ctx: RuleContext, name: string): number {
  const i = ctx.index.categoryIndex.get(asciiLower(name));
  if (i === undefined) throw new RuleFailure('ENOENT');
  return i;
}

/** ACLSetSelector (7.0+) / the selector half of 6.2's ACLSetUser. */
function applySelectorRule(u: MUser, s: MSelector, op: string, ctx: RuleContext): void {
  const { profile } = ctx;
  const lower = asciiLower(op);
  if (lower === 'allkeys' || op === '~*') {
    s.allKeys = true;
    s.keys = [];
  } else if (lower === 'resetkeys') {
    s.allKeys = false;
    s.keys = [];
  } else if (lower === 'allchannels' || op === '&*') {
    s.allChannels = true;
    s.channels = [];
  } else if (lower === 'resetchannels') {
    s.allChannels = false;
    s.channels = [];
  } else if (lower === 'allcommands' || lower === '+@all') {
    setAll(s, true, logRule(u, op));
  } else if (lower === 'nocommands' || lower === '-@all') {
    setAll(s, false, logRule(u, op));
  } else if (op[0] === '~' || (op[0] === '%' && !profile.legacy)) {
    if (s.allKeys) throw new RuleFailure('EEXIST');
    let perms = 0;
    let offset = 1;
    if (op[0] === '%') {
      for (; offset < op.length; offset++) {
        const c = op[offset]!;
        if ((c === 'R' || c === 'r') && !(perms & KEY_READ)) perms |= KEY_READ;
        else if ((c === 'W' || c === 'w') && !(perms & KEY_WRITE)) perms |= KEY_WRITE;
        else if (c === '~' && (perms !== 0 || profile.percent === 'unchecked')) {
          offset++;
          break;
        } else throw new RuleFailure('EINVAL');
      }
      // Debian's backport (CVE-2024-51741) also refuses a bare '%' with no permission letter.
      if (perms === 0 && profile.percent === 'needs-flag') throw new RuleFailure('EINVAL');
    } else {
      perms = KEY_READ | KEY_WRITE;
    }
    const pattern = op.slice(offset);
    if (hasSpaces(pattern)) throw new RuleFailure('EINVAL');
    const index = keyIndex(s.keys);
    const i = index.get(pattern);
    if (i === undefined) index.set(pattern, s.keys.push({ pattern, perms }) - 1);
    else s.keys[i] = { pattern, perms: s.keys[i]!.perms | perms };
    s.allKeys = false;
  } else if (op[0] === '&') {
    if (s.allChannels) throw new RuleFailure('EISDIR');
    const pattern = op.slice(1);
    if (hasSpaces(pattern)) throw new RuleFailure('EINVAL');
    const seen = stringSet(s.channels, (c) => c);
    if (!seen.has(pattern)) {
      seen.add(pattern);
      s.channels.push(pattern);
    }
    s.allChannels = false;
  } else if (op[0] === '+' && op[1] !== '@') {
    plusCommand(u, s, op, ctx);
  } else if (op[0] === '-' && op[1] !== '@') {
    const cmd = lookupRuleCommand(ctx.index, op.slice(1));
    if (!cmd) throw new RuleFailure('ENOENT');
    changePerm(s, cmd, false, logRule(u, op));
    if (profile.describe === 'retained') retainRule(s, cmd.name, false);
  } else if ((op[0] === '+' || op[0] === '-') && op[1] === '@') {
    const cat = category(ctx, op.slice(2));
    setCategory(s, ctx, cat, op[0] === '+', logRule(u, op));
    if (profile.describe === 'retained') retainRule(s, op.slice(1), op[0] === '+');
  } else {
    throw new RuleFailure('EINVAL');
  }
}

function addFirstArg(s: MSelector, id: number, arg: string): void {
  const list = s.firstArgs.get(id) ?? [];
  const seen = stringSet(list, asciiLower);
  if (!seen.has(asciiLower(arg))) {
    seen.add(asciiLower(arg));
    list.push(arg);
  }
  s.firstArgs.set(id, list);
}

function plusCommand(u: MUser, s: MSelector, op: string, ctx: RuleContext): void {
  const { profile, index } = ctx;
  const body = op.slice(1);
  if (profile.legacy) {
    // 6.2 splits at the first '|' and treats the rest as a first argument.
    const bar = body.indexOf('|');
    if (bar < 0) {
      const cmd = index.byName.get(asciiLower(body));
      if (!cmd) throw new RuleFailure('ENOENT');
      changePerm(s, cmd, true, logRule(u, op));
      return;
    }
    const cmd = index.byName.get(asciiLower(body.slice(0, bar)));
    if (!cmd) throw new RuleFailure('ENOENT');
    const sub = body.slice(bar + 1);
    if (sub.length === 0) throw new RuleFailure('EINVAL');
    if (!(s.bits[cmd.id >>> 5]! & (1 << (cmd.id & 31)))) {
      addFirstArg(s, cmd.id, sub);
      s.decidedBy[cmd.id] = logRule(u, op);
    }
    return;
  }
  const bar = body.lastIndexOf('|');
  if (bar < 0) {
    const cmd = lookupRuleCommand(index, body);
    if (!cmd) throw new RuleFailure('ENOENT');
    changePerm(s, cmd, true, logRule(u, op));
    if (profile.describe === 'retained') retainRule(s, cmd.name, true);
    return;
  }
  const cmd = lookupRuleCommand(index, body.slice(0, bar));
  if (!cmd) throw new RuleFailure('ENOENT');
  if (cmd.parent) throw new RuleFailure('ECHILD');
  const sub = body.slice(bar + 1);
  if (sub.length === 0) throw new RuleFailure('EINVAL');
  if (cmd.subs) {
    const target = lookupRuleCommand(index, body);
    if (!target) throw new RuleFailure('ENOENT');
    changePerm(s, target, true, logRule(u, op));
  } else {
    addFirstArg(s, cmd.id, sub);
    s.decidedBy[cmd.id] = logRule(u, op);
  }
  if (profile.describe === 'retained') retainRule(s, body, true);
}

/** ACLSetUser: one (already merged) rule applied to the user in place. */
export function applyUserRule(u: MUser, op: string, ctx: RuleContext): void {
  const { profile } = ctx;
  if (op.length === 0) return;
  const lower = asciiLower(op);
  if (lower === 'on') {
    u.flagOn = true;
    u.flagOff = false;
  } else if (lower === 'off') {
    u.flagOff = true;
    u.flagOn = false;
  } else if (lower === 'skip-sanitize-payload') {
    u.skipSanitize = true;
    u.sanitize = false;
  } else if (lower === 'sanitize-payload') {
    u.skipSanitize = false;
    u.sanitize = true;
  } else if (lower === 'nopass') {
    u.nopass = true;
    u.passwords = [];
  } else if (lower === 'resetpass') {
    u.nopass = false;
    u.passwords = [];
  } else if (op[0] === '>' || op[0] === '#') {
    let hash: string;
    if (op[0] === '>') hash = sha256Hex(op.slice(1));
    else {
      hash = op.slice(1);
      if (!HEX64.test(hash)) throw new RuleFailure('EBADMSG');
    }
    if (!u.passwords.includes(hash)) u.passwords.push(hash);
    u.nopass = false;
  } else if (op[0] === '<' || op[0] === '!') {
    let hash: string;
    if (op[0] === '<') hash = sha256Hex(op.slice(1));
    else {
      hash = op.slice(1);
      if (!HEX64.test(hash)) throw new RuleFailure('EBADMSG');
    }
    const i = u.passwords.indexOf(hash);
    if (i < 0) throw new RuleFailure('ENODEV');
    u.passwords.splice(i, 1);
  } else if (!profile.legacy && op[0] === '(' && op[op.length - 1] === ')') {
    const s = newSelector(false, profile);
    // sdssplitargs failing (unbalanced quotes) yields no rules at all: an empty selector.
    for (const inner of splitArgs(op.slice(1, -1)) ?? []) applySelectorRule(u, s, inner, ctx);
    u.selectors.push(s);
  } else if (!profile.legacy && lower === 'clearselectors') {
    u.selectors = u.selectors.slice(0, 1);
  } else if (lower === 'reset') {
    u.nopass = false;
    u.passwords = [];
    const root = u.selectors[0]!;
    root.allKeys = false;
    root.keys = [];
    root.allChannels = profile.pubsubDefault === 'allchannels';
    root.channels = [];
    u.flagOff = true;
    u.flagOn = false;
    u.skipSanitize = false;
    u.sanitize = true;
    if (!profile.legacy) u.selectors = [root];
    setAll(root, false, logRule(u, op));
  } else {
    applySelectorRule(u, u.selectors[0]!, op, ctx);
  }
}

const MAX_RULES_PER_USER = CONFIG_LIMITS.maxRulesPerUser;

/** The refusal past MAX_RULES_PER_USER, or undefined. */
export function tooManyRules(count: number): string | undefined {
  return count > MAX_RULES_PER_USER ? `more than ${MAX_RULES_PER_USER} rules for one user (redsec's limit; see SECURITY.md)` : undefined;
}

/** ACLMergeSelectorArguments: join `(`...`)` tokens; returns the start token on an unclosed selector. */
export function mergeSelectorArgs(tokens: readonly string[], profile: AclProfile): { merged: string[] } | { unclosed: string } {
  if (profile.legacy) return { merged: [...tokens] };
  const merged: string[] = [];
  let open: string | undefined;
  let openStart = '';
  for (const op of tokens) {
    const startsSelector = op[0] === '(' && op[op.length - 1] !== ')';
    if (startsSelector && (open === undefined || profile.nestedParenRestarts)) {
      open = op;
      openStart = op;
      continue;
    }
    if (open !== undefined) {
      open += ` ${op}`;
      if (op.length > 0 && op[op.length - 1] === ')') {
        merged.push(open);
        open = undefined;
      }
      continue;
    }
    merged.push(op);
  }
  if (open !== undefined) return { unclosed: openStart };
  return { merged };
}

function toList(rules: string | readonly string[]): string[] {
  if (typeof rules !== 'string') return [...rules];
  // A single string is a space-separated rule list, as typed on a command line.
  return rules.split(' ').filter((r) => r.length > 0);
}

/** Like ACL SETUSER on a copy: all rules or none; errors carry Redis's reason text. */
export function applyRulesTo(user: MUser, rules: string | readonly string[], ctx: RuleContext): MUser {
  const list = toList(rules);
  const tooMany = tooManyRules(list.length);
  if (tooMany !== undefined) throw new InputError(tooMany, 'acl');
  const m = mergeSelectorArgs(list, ctx.profile);
  if ('unclosed' in m) throw new AclRuleError(m.unclosed, `Unmatched parenthesis in acl selector starting at '${m.unclosed}'.`);
  const u = cloneUser(user);
  for (const op of m.merged) {
    try {
      applyUserRule(u, op, ctx);
    } catch (e) {
      if (e instanceof RuleFailure) throw new AclRuleError(redactRule(op), e.message);
      throw e;
    }
  }
  return u;
}

/** Passwords never leave the engine: `>secret` is shown as `>***`. */
export function redactRule(op: string): string {
  return op[0] === '>' || op[0] === '<' ? `${op[0]}***` : op;
}

export function parseAclUser(name: string, rules: string | readonly string[], opts: AclOptions): AclUser {
  if (/[ \t\n\v\f\r\0]/.test(name)) throw new InputError("Usernames can't contain spaces or null characters", 'user');
  const ctx = ruleContext(opts);
  return freezeUser(applyRulesTo(newUser(name, ctx.profile), rules, ctx));
}

export function applyAclRules(user: AclUser, rules: string | readonly string[], opts: AclOptions): AclUser {
  const ctx = ruleContext(opts);
  return freezeUser(applyRulesTo(cloneUser(user), rules, ctx));
}

/** The built-in default user: `on nopass ~* &* +@all` (plus sanitize-payload on 7.2+). */
export function defaultUser(opts: AclOptions): AclUser {
  return parseAclUser('default', ['+@all', '~*', '&*', 'on', 'nopass'], opts);
}

export function isCommandBitSet(bits: Uint32Array, id: number): boolean {
  return (bits[id >>> 5]! & (1 << (id & 31))) !== 0;
}

export function canRunFutureCommands(bits: Uint32Array): boolean {
  return isCommandBitSet(bits, FUTURE_BIT);
}
