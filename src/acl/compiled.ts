import type { AclCommand } from './commands.js';
import type { AclContext } from './context.js';
import { compileGlob } from './glob.js';
import { commandHasKeys } from './keys.js';
import { isCommandBitSet } from './rules.js';
import type { AclSelector, AclUser, AclVerdict, KeyPattern } from './types.js';

/**
 * A user's rules in the shape the hot path wants. Users are immutable, so everything that does
 * not depend on a command line's arguments is worked out once per (user, context) and kept:
 * per selector the key and channel matchers, per command id what each selector's command check
 * says and the verdicts that can be shared (frozen, so sharing them is safe).
 */

export type Matcher = (subject: string) => boolean;

export interface CompiledSelector {
  readonly source: AclSelector;
  /** Per key pattern: its permission bits and its matcher (same order as source.keys). */
  readonly keyPerms: Uint8Array;
  readonly keyMatchers: readonly Matcher[];
  readonly channels: readonly string[];
  readonly channelMatchers: readonly Matcher[];
  /** "no key pattern matches (...)", built on the first denial. */
  keySummary: string | undefined;
  channelSummary: string | undefined;
}

/** What a selector's command check says before the arguments are looked at. */
export const ACCESS_DENIED = 0;
export const ACCESS_GRANTED = 1;
/** Only with an allowed first argument (`+select|0`). */
export const ACCESS_FIRST_ARG = 2;

export interface CommandPlan {
  /** Per selector: ACCESS_*. */
  readonly access: Uint8Array;
  /** Per selector: lower-cased allowed first arguments (ACCESS_FIRST_ARG only). */
  readonly firstArgs: readonly (readonly string[] | undefined)[];
  /** Per selector: 1 when the command's keys must be matched against its patterns. */
  readonly checkKeys: Uint8Array;
  /** Per selector: 1 when the command's channels must be matched against its patterns. */
  readonly checkChannels: Uint8Array;
  /** No selector can pass the command check, whatever the arguments. */
  readonly deniedOutright: boolean;
  /** The command denial as DRYRUN reports it (decided by the root selector). */
  readonly commandDenied: AclVerdict;
  /** Per selector: the verdict when that selector allows (undefined where it never can). */
  readonly allowed: readonly (AclVerdict | undefined)[];
  /** SORT/SORT_RO on 7.0+: an allowed verdict may carry a BY/GET restriction. */
  readonly sortChecks: boolean;
}

export interface CompiledUser {
  readonly user: AclUser;
  readonly ctx: AclContext;
  readonly selectors: readonly CompiledSelector[];
  /** By command id, built on first use. */
  readonly plans: (CommandPlan | undefined)[];
  /** The same user under another context (rarely more than one). */
  next: CompiledUser | undefined;
}

const compiledUsers = new WeakMap<AclUser, CompiledUser>();

export function compiledUser(user: AclUser, ctx: AclContext): CompiledUser {
  const first = compiledUsers.get(user);
  for (let c = first; c !== undefined; c = c.next) if (c.ctx === ctx) return c;
  const made = compileUser(user, ctx);
  made.next = first;
  compiledUsers.set(user, made);
  return made;
}

function compileUser(user: AclUser, ctx: AclContext): CompiledUser {
  const globLimit = ctx.profile.globLimit;
  const selectors = user.selectors.map(
    (s): CompiledSelector => ({
      source: s,
      keyPerms: Uint8Array.from(s.keys, (k) => k.perms),
      keyMatchers: s.keys.map((k) => compileGlob(k.pattern, globLimit)),
      channels: s.channels,
      channelMatchers: s.channels.map((c) => compileGlob(c, globLimit)),
      keySummary: undefined,
      channelSummary: undefined,
    }),
  );
  const plans = new Array<CommandPlan | undefined>(ctx.index.byId.length).fill(undefined);
  return { user, ctx, selectors, plans, next: undefined };
}

function ruleText(user: AclUser, s: AclSelector, cmd: AclCommand): string {
  const i = s.decidedBy[cmd.id] ?? -1;
  return i >= 0 ? (user.ruleLog[i] ?? 'unknown') : 'default (new users have no command permissions)';
}

export function commandPlan(cu: CompiledUser, cmd: AclCommand): CommandPlan {
  return cu.plans[cmd.id] ?? (cu.plans[cmd.id] = buildPlan(cu, cmd));
}

function buildPlan(cu: CompiledUser, cmd: AclCommand): CommandPlan {
  const { user, ctx } = cu;
  const n = user.selectors.length;
  const access = new Uint8Array(n);
  const firstArgs: (readonly string[] | undefined)[] = [];
  const checkKeys = new Uint8Array(n);
  const checkChannels = new Uint8Array(n);
  const allowed: (AclVerdict | undefined)[] = [];
  const hasKeys = commandHasKeys(cmd, ctx.profile.legacy);
  let deniedOutright = true;
  for (let i = 0; i < n; i++) {
    const s = user.selectors[i]!;
    const bitSet = s.allCommands || isCommandBitSet(s.bits, cmd.id);
    const args = s.firstArgs.get(cmd.id);
    access[i] = bitSet || cmd.noAuth ? ACCESS_GRANTED : args ? ACCESS_FIRST_ARG : ACCESS_DENIED;
    firstArgs.push(access[i] === ACCESS_FIRST_ARG ? args!.map((a) => a.toLowerCase()) : undefined);
    checkKeys[i] = !s.allKeys && hasKeys ? 1 : 0;
    checkChannels[i] = cmd.channels && !s.allChannels ? 1 : 0;
    if (access[i] === ACCESS_DENIED) {
      allowed.push(undefined);
      continue;
    }
    deniedOutright = false;
    const decidedBy = cmd.noAuth && !bitSet ? `${cmd.name} needs no authentication (NO_AUTH)` : ruleText(user, s, cmd);
    allowed.push(Object.freeze({ allowed: true, command: cmd.name, decidedBy, selector: i, message: 'OK' }));
  }
  const who = ctx.profile.wording === '7.2' ? `User ${user.name}` : 'This user';
  const commandDenied: AclVerdict = Object.freeze({
    allowed: false,
    denial: 'command',
    command: cmd.name,
    decidedBy: ruleText(user, user.selectors[0]!, cmd),
    selector: 0,
    message: `${who} has no permissions to run the '${cmd.name}' command`,
  });
  const sortChecks = !ctx.profile.legacy && (cmd.name === 'sort' || cmd.name === 'sort_ro');
  return { access, firstArgs, checkKeys, checkChannels, deniedOutright, commandDenied, allowed, sortChecks };
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
