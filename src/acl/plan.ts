import type { AclCommand } from './commands.js';
import { allowedVerdict, commandDenied, type CompiledSelector, type CompiledUser, type Matcher } from './compiled.js';
import type { AclVerdict } from './types.js';

/**
 * What evaluate has to look at for one (user, command), decided on the command's first check.
 * Most users have one selector and most commands are either out of reach or need only their keys
 * checked, so the per-check work shrinks to what the arguments can still change.
 */

/** The verdict does not depend on the arguments. */
export const FIXED = 0;
/** One selector can pass the command check, unconditionally: only its key/channel checks remain. */
export const SINGLE = 1;
/** Several selectors may pass, or one passes only for some first arguments: the full walk. */
export const GENERAL = 2;

/**
 * SINGLE with one plain key range and nothing else to check (GET, HSET, MGET, DEL...): the range
 * and one matcher for the permission it needs, so a check is a loop over argv.
 */
export interface KeyRange {
  first: number;
  /** As the key spec's lastkey: >= 0 counts from first, < 0 from the end of argv. */
  lastkey: number;
  step: number;
  allowed: Matcher;
}

export class Plan {
  constructor(
    readonly kind: number,
    /** FIXED: the verdict. SINGLE: the verdict when the key and channel checks pass. */
    readonly verdict: AclVerdict | undefined,
    /** SINGLE: the selector to check and its index. */
    readonly selector: CompiledSelector | undefined,
    readonly selectorIndex: number,
    /** SINGLE: whether its keys, its channels need checking at all. */
    readonly checkKeys: boolean,
    readonly checkChannels: boolean,
    readonly keyRange: KeyRange | undefined = undefined,
  ) {}
}

const NO_KEY: Matcher = () => false;

/** ACLSelectorCheckKey for one permission need, as a single matcher over the patterns that grant it. */
function keyMatcher(s: CompiledSelector, need: number): Matcher {
  const matchers = s.keyMatchers.filter((_, i) => (s.keyPerms[i]! & need) === need);
  if (matchers.length === 0) return NO_KEY;
  if (matchers.length === 1) return matchers[0]!;
  return (key) => {
    for (let i = 0; i < matchers.length; i++) if (matchers[i]!(key)) return true;
    return false;
  };
}

/** The KeyRange of a SINGLE plan, when the command's keys are one plain range and there is nothing else to check. */
function keyRangeOf(s: CompiledSelector, cmd: AclCommand, checkChannels: boolean): KeyRange | undefined {
  const r = cmd.rangeKeys;
  if (checkChannels || cmd.sortLike || r === undefined || r.length !== 4) return undefined;
  return { first: r[0]!, lastkey: r[1]!, step: r[2]!, allowed: keyMatcher(s, r[3]!) };
}

/** ACLSelectorCheckCmd's command half, argument-free: a set bit, allcommands or NO_AUTH. */
function passesOutright(s: CompiledSelector, cmd: AclCommand): boolean {
  const id = cmd.id;
  return s.allCommands || cmd.noAuth || (s.bits[id >>> 5]! & (1 << (id & 31))) !== 0;
}

/** Whether the selector may pass the command check for some arguments (first-arg rules included). */
function mayPass(s: CompiledSelector, cmd: AclCommand): boolean {
  return passesOutright(s, cmd) || s.firstArgs?.has(cmd.id) === true;
}

const GENERAL_PLAN = new Plan(GENERAL, undefined, undefined, 0, false, false);

export function planFor(cu: CompiledUser, cmd: AclCommand): Plan {
  const selectors = cu.selectors;
  let first = -1;
  let candidates = 0;
  for (let i = 0; i < selectors.length; i++) {
    if (!mayPass(selectors[i]!, cmd)) continue;
    if (first < 0) first = i;
    candidates++;
  }
  // Selectors that cannot pass the command fail it whatever the arguments, and a command denial
  // never displaces a key or channel denial: only the candidates matter.
  if (first < 0) return new Plan(FIXED, commandDenied(cu, cmd), undefined, 0, false, false);
  const s = selectors[first]!;
  if (!passesOutright(s, cmd)) return GENERAL_PLAN;
  const checkKeys = !s.allKeys && cmd.hasKeys;
  const checkChannels = cmd.channels !== undefined && !s.allChannels;
  const verdict = allowedVerdict(cu, first, cmd);
  // SORT's BY/GET restriction depends on the arguments.
  if (!checkKeys && !checkChannels && !cmd.sortLike) return new Plan(FIXED, verdict, undefined, 0, false, false);
  if (candidates === 1) return new Plan(SINGLE, verdict, s, first, checkKeys, checkChannels, checkKeys ? keyRangeOf(s, cmd, checkChannels) : undefined);
  return GENERAL_PLAN;
}

