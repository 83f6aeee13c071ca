import type { AclCommand } from './commands.js';
import type { AclContext } from './context.js';
import { compileGlob } from './glob.js';
import { COMPILED, type CompiledSlot } from './model.js';
import type { Plan } from './plan.js';
import type { AclSelector, AclUser, AclVerdict, KeyPattern } from './types.js';
import { asciiLower } from './ascii.js';

/**
 * A user's rules in the shape the hot path wants, built once per (user, context): users are
 * immutable. Kept compact on purpose: a check touches the selector's bitmap and matchers, which
 * stay in cache across checks, rather than a per-command structure.
 */

export type Matcher = (subject: string) => boolean;

export interface CompiledSelector {
  readonly source: AclSelector;
  readonly allCommands: boolean;
  readonly allKeys: boolean;
  readonly allChannels: boolean;
  readonly bits: Uint32Array;
  /** Allowed first arguments, lower-cased, by command id; undefined when there are none. */
  readonly firstArgs: ReadonlyMap<number, readonly string[]> | undefined;
  /** Per key pattern: its permission bits and its matcher (same order as source.keys). */
  readonly keyPerms: Uint8Array;
  readonly keyMatchers: readonly Matcher[];
  readonly channels: readonly string[];
  readonly channelMatchers: readonly Matcher[];
  /** "no key pattern matches (...)", built on the first denial. */
  keySummary: string | undefined;
  channelSummary: string | undefined;
}

export interface CompiledUser {
  readonly user: AclUser;
  readonly ctx: AclContext;
  readonly selectors: readonly CompiledSelector[];
  /** "This user" (7.0) or "User <name>" (7.2+), as DRYRUN words its denials. */
  readonly who: string;
  /** `${who} has no permissions to access the '`: key and channel denials are frequent. */
  readonly accessPrefix: string;
  /** Shared verdicts by command id (allowed: by selector * commands + id), built on first use. */
  readonly denied: (AclVerdict | undefined)[];
  readonly allowed: (AclVerdict | undefined)[];
  /** By command id: what a check of that command must look at, decided on its first check. */
  readonly plans: (Plan | undefined)[];
  /**
   * By command id: the verdict of a FIXED plan, copied out of it so the commonest checks touch one
   * array rather than a plan object (measurable when many users and commands are in play).
   */
  readonly fixed: (AclVerdict | undefined)[];
  /** The same user under another context (rarely more than one). */
  next: CompiledUser | undefined;
}

const compiledUsers = new WeakMap<AclUser, CompiledUser>();

export function compiledUser(user: AclUser, ctx: AclContext): CompiledUser {
  const current = (user as { [COMPILED]?: CompiledSlot })[COMPILED]?.current as CompiledUser | undefined;
  if (current !== undefined && current.ctx === ctx) return current;
  return lookup(user, ctx);
}

function lookup(user: AclUser, ctx: AclContext): CompiledUser {
  // Users made by this module carry a slot; others (built by hand) fall back to the WeakMap.
  const slot = (user as { [COMPILED]?: CompiledSlot })[COMPILED];
  const first = slot !== undefined ? (slot.current as CompiledUser | undefined) : compiledUsers.get(user);
  for (let c = first; c !== undefined; c = c.next) if (c.ctx === ctx) return c;
  const made = compileUser(user, ctx);
  made.next = first;
  if (slot !== undefined) slot.current = made;
  else compiledUsers.set(user, made);
  return made;
}

function compileSelector(s: AclSelector, globLimit: boolean): CompiledSelector {
  const firstArgs = new Map<number, string[]>();
  for (const [id, args] of s.firstArgs) firstArgs.set(id, args.map((a) => asciiLower(a)));
  return {
    source: s,
    allCommands: s.allCommands,
    allKeys: s.allKeys,
    allChannels: s.allChannels,
    bits: s.bits,
    firstArgs: firstArgs.size > 0 ? firstArgs : undefined,
    keyPerms: Uint8Array.from(s.keys, (k) => k.perms),
    keyMatchers: s.keys.map((k) => compileGlob(k.pattern, globLimit)),
    channels: s.channels,
    channelMatchers: s.channels.map((c) => compileGlob(c, globLimit)),
    keySummary: undefined,
    channelSummary: undefined,
  };
}

function compileUser(user: AclUser, ctx: AclContext): CompiledUser {
  const selectors = user.selectors.map((s) => compileSelector(s, ctx.profile.globLimit));
  const who = ctx.profile.wording === '7.2' ? `User ${user.name}` : 'This user';
  const n = ctx.index.byId.length;
  const denied = new Array<AclVerdict | undefined>(n).fill(undefined);
  const allowed = new Array<AclVerdict | undefined>(n * selectors.length).fill(undefined);
  const accessPrefix = `${who} has no permissions to access the '`;
  const plans = new Array<Plan | undefined>(n).fill(undefined);
  const fixed = new Array<AclVerdict | undefined>(n).fill(undefined);
  // The fields a check reads first, for locality.
  return { ctx, fixed, plans, selectors, accessPrefix, user, who, denied, allowed, next: undefined };
}

/** The rule that last set or cleared the command's bit in the selector. */
export function ruleText(user: AclUser, s: AclSelector, cmd: AclCommand): string {
  const i = s.decidedBy[cmd.id] ?? -1;
  return i >= 0 ? (user.ruleLog[i] ?? 'unknown') : 'default (new users have no command permissions)';
}

/** The verdict when selector i allows the command (before any SORT restriction). */
export function allowedVerdict(cu: CompiledUser, i: number, cmd: AclCommand): AclVerdict {
  const at = i * cu.denied.length + cmd.id;
  return cu.allowed[at] ?? (cu.allowed[at] = makeAllowed(cu, i, cmd));
}

function makeAllowed(cu: CompiledUser, i: number, cmd: AclCommand): AclVerdict {
  const s = cu.selectors[i]!;
  const bitSet = s.allCommands || (s.bits[cmd.id >>> 5]! & (1 << (cmd.id & 31))) !== 0;
  const decidedBy = cmd.noAuth && !bitSet ? `${cmd.name} needs no authentication (NO_AUTH)` : ruleText(cu.user, s.source, cmd);
  return Object.freeze({ allowed: true, command: cmd.name, decidedBy, selector: i, message: 'OK', basis: 'acl' });
}

/** The command denial as DRYRUN reports it (the deciding rule is the root selector's). */
export function commandDenied(cu: CompiledUser, cmd: AclCommand): AclVerdict {
  return cu.denied[cmd.id] ?? (cu.denied[cmd.id] = makeDenied(cu, cmd));
}

function makeDenied(cu: CompiledUser, cmd: AclCommand): AclVerdict {
  return Object.freeze({
    allowed: false,
    denial: 'command',
    command: cmd.name,
    decidedBy: ruleText(cu.user, cu.selectors[0]!.source, cmd),
    selector: 0,
    message: `${cu.who} has no permissions to run the '${cmd.name}' command`,
    basis: 'acl',
  });
}

function keyPatternText(k: KeyPattern): string {
  return `${k.perms === 3 ? '' : k.perms === 1 ? '%R' : k.perms === 2 ? '%W' : '%'}~${k.pattern}`;
}

/** "no key pattern matches (~a* %R~b)": built once per selector, denials are frequent. */
export function patternSummary(s: CompiledSelector, kind: 'key' | 'channel'): string {
  const known = kind === 'key' ? s.keySummary : s.channelSummary;
  if (known !== undefined) return known;
  const patterns = kind === 'key' ? s.source.keys.map(keyPatternText) : s.channels.map((c) => `&${c}`);
  const text = patterns.length > 0 ? `no ${kind} pattern matches (${patterns.join(' ')})` : `no ${kind} patterns`;
  if (kind === 'key') s.keySummary = text;
  else s.channelSummary = text;
  return text;
}
