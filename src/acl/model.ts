import { BITMAP_WORDS } from './commands.js';
import type { AclProfile } from './profile.js';
import type { AclSelector, AclUser, KeyPattern } from './types.js';

/** Mutable twins of the public types; rules mutate a private copy, callers only see frozen results. */
export interface MSelector {
  root: boolean;
  allCommands: boolean;
  allKeys: boolean;
  allChannels: boolean;
  bits: Uint32Array;
  firstArgs: Map<number, string[]>;
  keys: KeyPattern[];
  channels: string[];
  commandRules: string[];
  decidedBy: Int32Array;
}

export interface MUser {
  name: string;
  flagOn: boolean;
  flagOff: boolean;
  nopass: boolean;
  skipSanitize: boolean;
  sanitize: boolean;
  passwords: string[];
  selectors: MSelector[];
  ruleLog: string[];
}

export function newSelector(root: boolean, profile: AclProfile): MSelector {
  return {
    root,
    allCommands: false,
    allKeys: false,
    allChannels: profile.pubsubDefault === 'allchannels',
    bits: new Uint32Array(BITMAP_WORDS),
    firstArgs: new Map(),
    keys: [],
    channels: [],
    commandRules: [],
    decidedBy: new Int32Array(BITMAP_WORDS * 32).fill(-1),
  };
}

export function newUser(name: string, profile: AclProfile): MUser {
  return {
    name,
    flagOn: false,
    flagOff: true,
    nopass: false,
    skipSanitize: false,
    sanitize: profile.newUserSanitize,
    passwords: [],
    selectors: [newSelector(true, profile)],
    ruleLog: [],
  };
}

export function cloneSelector(s: AclSelector | MSelector): MSelector {
  return {
    root: s.root,
    allCommands: s.allCommands,
    allKeys: s.allKeys,
    allChannels: s.allChannels,
    bits: s.bits.slice(),
    firstArgs: new Map([...s.firstArgs].map(([k, v]) => [k, [...v]])),
    keys: s.keys.map((k) => ({ ...k })),
    channels: [...s.channels],
    commandRules: [...s.commandRules],
    decidedBy: s.decidedBy.slice(),
  };
}

export function cloneUser(u: AclUser | MUser): MUser {
  return {
    name: u.name,
    flagOn: u.flagOn,
    flagOff: u.flagOff,
    nopass: u.nopass,
    skipSanitize: u.skipSanitize,
    sanitize: u.sanitize,
    passwords: [...u.passwords],
    selectors: u.selectors.map(cloneSelector),
    ruleLog: [...u.ruleLog],
  };
}

/**
 * A hidden, non-enumerable slot on every user where evaluate keeps the user's compiled form: a
 * property read is cheaper than a WeakMap lookup when checks alternate between users.
 */
export const COMPILED = Symbol('redsec.acl.compiled');
export interface CompiledSlot {
  current: unknown;
}

export function freezeUser(u: MUser): AclUser {
  const user = { ...u, enabled: u.flagOn };
  Object.defineProperty(user, COMPILED, { value: { current: undefined } satisfies CompiledSlot });
  return Object.freeze(user);
}
