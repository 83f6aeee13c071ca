import type { AclCommand } from './commands.js';
import { allowedVerdict, commandDenied, type CompiledSelector, type CompiledUser } from './compiled.js';
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
  ) {}
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
  if (candidates === 1) return new Plan(SINGLE, verdict, s, first, checkKeys, checkChannels);
  return GENERAL_PLAN;
}

