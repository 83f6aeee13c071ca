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

/**
 * A frozen user. A class rather than a spread literal so that every field, the compiled-form slot
 * included, sits inside the object: a spread literal keeps only four in-object fields and moves the
 * rest, the slot too, to a separate property array that each check would have to load. The fields
 * are declared in the former literal's order, which JSON output follows.
 */
class FrozenUser implements AclUser {
  declare readonly [COMPILED]: CompiledSlot;
  readonly name: string;
  readonly flagOn: boolean;
  readonly flagOff: boolean;
  readonly nopass: boolean;
  readonly skipSanitize: boolean;
  readonly sanitize: boolean;
  readonly passwords: readonly string[];
  readonly selectors: readonly AclSelector[];
  readonly ruleLog: readonly string[];
  readonly enabled: boolean;

  constructor(u: MUser) {
    Object.defineProperty(this, COMPILED, { value: { current: undefined } satisfies CompiledSlot });
    this.name = u.name;
    this.flagOn = u.flagOn;
    this.flagOff = u.flagOff;
    this.nopass = u.nopass;
    this.skipSanitize = u.skipSanitize;
    this.sanitize = u.sanitize;
    this.passwords = u.passwords;
    this.selectors = u.selectors;
    this.ruleLog = u.ruleLog;
    this.enabled = u.flagOn;
    Object.freeze(this);
  }
}

/**
 * The retained command rules (7.2+) without those a later rule replaced: a rule on `b` replaces
 * earlier rules on `b` and on `b|...`. One backward pass, linear in the rules' total length.
 */
export function compactRetained(rules: readonly string[]): string[] {
  const later = new Set<string>();
  const kept: string[] = [];
  for (let i = rules.length - 1; i >= 0; i--) {
    const rule = rules[i]!;
    const body = rule.slice(1);
    let replaced = later.has(body);
    for (let bar = body.indexOf('|'); !replaced && bar >= 0; bar = body.indexOf('|', bar + 1)) replaced = later.has(body.slice(0, bar));
    later.add(body);
    if (!replaced) kept.push(rule);
  }
  return kept.reverse();
}

export function freezeUser(u: MUser): AclUser {
  for (const s of u.selectors) s.commandRules = compactRetained(s.commandRules);
  return new FrozenUser(u);
}
