import { versionTable, type CommandInfo, type KeySpec, type VersionId } from '../versions/index.js';
import { asciiLower } from './ascii.js';

/**
 * The command table as the ACL code sees it: ids for the 1024-bit bitmap, lookups that mirror
 * lookupCommandLogic, category masks, key-spec and getkeys knowledge. Built once per version.
 */

export const BITMAP_WORDS = 32; // 1024 bits
export const FUTURE_BIT = 1023;

/** Key-spec flag bits as Redis defines them (only the ones ACL uses). */
export const KS_ACCESS = 1;
export const KS_WRITE_LIKE = 2; // insert, delete or update: all require write permission
export const KS_INCOMPLETE = 4;
export const KS_VARIABLE = 8;
export const KS_NOT_KEY = 16;

export interface CompiledSpec {
  flags: number;
  /** Permission bits a key found by this spec needs: read = 1, write = 2. */
  need: number;
  /** keyword is lower-cased here, once, rather than on every check. */
  bs: { type: 'index'; pos: number } | { type: 'keyword'; keyword: string; startfrom: number } | { type: 'unknown' };
  fk:
    | { type: 'range'; lastkey: number; keystep: number; limit: number }
    | { type: 'keynum'; keynumidx: number; firstkey: number; keystep: number }
    | { type: 'unknown' };
}

/** Name of the native getkeys_proc; implementations in keys.ts. */
export type GetKeysProc =
  | 'zunionInterDiff'
  | 'zunionInterDiffStore'
  | 'eval'
  | 'function'
  | 'lmpop'
  | 'blmpop'
  | 'zmpop'
  | 'bzmpop'
  | 'sintercard'
  | 'sort'
  | 'sortRO'
  | 'migrate'
  | 'georadius'
  | 'xread'
  | 'set'
  | 'bitfield'
  | 'memory'
  | 'lcs';

export interface AclCommand {
  id: number;
  /** Lowercase full name, 'config|get' for subcommands. */
  name: string;
  parent: AclCommand | undefined;
  subs: Map<string, AclCommand> | undefined;
  /** Subcommands by lower- and upper-case name, for argv lookups without lowercasing. */
  subLookup: NameTable | undefined;
  arity: number;
  /** Bit i set = member of category i (in the version's category order). */
  catMask: number;
  noAuth: boolean;
  specs: CompiledSpec[];
  /** OR of all specs' flags, and OR of the inverted flags (as getAllKeySpecsFlags). */
  specFlagsAny: number;
  hasKeySpecNotNotKey: boolean;
  getKeys: GetKeysProc | undefined;
  /**
   * When every key spec is a plain index + range (GET, MGET, HSET, COPY...): per spec, its
   * [index, lastkey, keystep, need], so a check walks positions without the general extractor.
   */
  rangeKeys: Int32Array | undefined;
  /** doesCommandHaveKeys (7.0+) or `getkeys_proc || firstkey` (6.2): fixed per command and version. */
  hasKeys: boolean;
  /** SORT or SORT_RO, whose BY/GET options need a check when run (7.0+). */
  sortLike: boolean;
  /** 6.2 legacy first/last/step. */
  firstKey: number;
  lastKey: number;
  step: number;
  /** Channel arguments checked by ACL: publish-like (argv[1]) or subscribe-like (all), pattern = literal compare. */
  channels: { start: number; count: number; pattern: boolean } | undefined;
}

/**
 * Commands by name in a prototype-less dictionary object: V8 looks up a varying string key there
 * faster than with Map.get (measured on the benchmark's mixed command lines), and with no prototype
 * no argv word can reach an inherited property.
 */
export type NameTable = { readonly [name: string]: AclCommand | undefined };

function nameTable(entries: Iterable<readonly [string, AclCommand]>): NameTable {
  const table = Object.create(null) as Record<string, AclCommand>;
  for (const [name, cmd] of entries) table[name] = table[name.toUpperCase()] = cmd;
  return table;
}

export interface CommandIndex {
  version: VersionId;
  categories: string[];
  categoryIndex: Map<string, number>;
  /** Top-level commands in table order. */
  top: AclCommand[];
  /** All commands (top-level then their subcommands), by id. */
  byId: AclCommand[];
  byName: Map<string, AclCommand>;
  /** Top-level commands by lower- and upper-case name (argv lookups). */
  topLookup: NameTable;
  /** Per category: bits flipped by ±@cat (containers drag their subcommands). */
  categoryApply: Uint32Array[];
  /** Per category: ids whose first-args ±@cat resets (every command it touches via ChangePerm). */
  categoryTouched: Int32Array[];
  /** Per category: member bits (commands carrying the category), for counting. */
  categoryMembers: Uint32Array[];
}

const GETKEYS_7: Record<string, GetKeysProc> = {
  zunion: 'zunionInterDiff',
  zinter: 'zunionInterDiff',
  zdiff: 'zunionInterDiff',
  zintercard: 'zunionInterDiff',
  zunionstore: 'zunionInterDiffStore',
  zinterstore: 'zunionInterDiffStore',
  zdiffstore: 'zunionInterDiffStore',
  eval: 'eval',
  evalsha: 'eval',
  eval_ro: 'eval',
  evalsha_ro: 'eval',
  fcall: 'function',
  fcall_ro: 'function',
  lmpop: 'lmpop',
  blmpop: 'blmpop',
  zmpop: 'zmpop',
  bzmpop: 'bzmpop',
  sintercard: 'sintercard',
  sort: 'sort',
  sort_ro: 'sortRO',
  migrate: 'migrate',
  georadius: 'georadius',
  georadiusbymember: 'georadius',
  xread: 'xread',
  xreadgroup: 'xread',
  set: 'set',
  bitfield: 'bitfield',
};

// 6.2's command table (server.c) wires these procs; every other command uses first/last/step.
const GETKEYS_62: Record<string, GetKeysProc> = {
  zunionstore: 'zunionInterDiffStore',
  zinterstore: 'zunionInterDiffStore',
  zdiffstore: 'zunionInterDiffStore',
  zunion: 'zunionInterDiff',
  zinter: 'zunionInterDiff',
  zdiff: 'zunionInterDiff',
  sort: 'sort',
  migrate: 'migrate',
  memory: 'memory',
  eval: 'eval',
  evalsha: 'eval',
  georadius: 'georadius',
  georadiusbymember: 'georadius',
  xread: 'xread',
  xreadgroup: 'xread',
  stralgo: 'lcs',
};

function compileSpec(ks: KeySpec): CompiledSpec {
  let flags = 0;
  for (const f of ks.flags) {
    const l = asciiLower(f);
    if (l === 'access') flags |= KS_ACCESS;
    else if (l === 'insert' || l === 'delete' || l === 'update') flags |= KS_WRITE_LIKE;
    else if (l === 'incomplete') flags |= KS_INCOMPLETE;
    else if (l === 'variable_flags') flags |= KS_VARIABLE;
    else if (l === 'not_key') flags |= KS_NOT_KEY;
  }
  const need = (flags & KS_ACCESS ? 1 : 0) | (flags & KS_WRITE_LIKE ? 2 : 0);
  const b = ks.beginSearch;
  const bs: CompiledSpec['bs'] =
    b.type === 'index'
      ? { type: 'index', pos: Number(b.spec.index) }
      : b.type === 'keyword'
        ? { type: 'keyword', keyword: asciiLower(String(b.spec.keyword)), startfrom: Number(b.spec.startfrom) }
        : { type: 'unknown' };
  const k = ks.findKeys;
  const fk: CompiledSpec['fk'] =
    k.type === 'range'
      ? { type: 'range', lastkey: k.spec.lastkey ?? 0, keystep: k.spec.keystep ?? 1, limit: k.spec.limit ?? 0 }
      : k.type === 'keynum'
        ? { type: 'keynum', keynumidx: k.spec.keynumidx ?? 0, firstkey: k.spec.firstkey ?? 1, keystep: k.spec.keystep ?? 1 }
        : { type: 'unknown' };
  return { flags, need, bs, fk };
}

/** The specs as [index, lastkey, keystep, need] quadruples, or undefined unless all are plain ranges. */
function plainRanges(specs: readonly CompiledSpec[]): Int32Array | undefined {
  const out: number[] = [];
  for (const spec of specs) {
    if (spec.flags & KS_NOT_KEY) continue;
    const { bs, fk } = spec;
    if (spec.flags & KS_INCOMPLETE || bs.type !== 'index' || fk.type !== 'range' || fk.limit !== 0 || fk.keystep < 1) return undefined;
    out.push(bs.pos, fk.lastkey, fk.keystep, spec.need);
  }
  return Int32Array.from(out);
}

function channelRule(name: string, legacy: boolean): AclCommand['channels'] {
  switch (name) {
    case 'publish':
      return { start: 1, count: 1, pattern: false };
    case 'subscribe':
      return { start: 1, count: -1, pattern: false };
    case 'psubscribe':
      return { start: 1, count: -1, pattern: true };
    case 'spublish':
      return legacy ? undefined : { start: 1, count: 1, pattern: false };
    case 'ssubscribe':
      return legacy ? undefined : { start: 1, count: -1, pattern: false };
    default:
      return undefined;
  }
}

function setBit(words: Uint32Array, id: number): void {
  words[id >>> 5]! |= 1 << (id & 31);
}

const indexes = new Map<VersionId, CommandIndex>();

export function commandIndex(version: VersionId): CommandIndex {
  const cached = indexes.get(version);
  if (cached) return cached;
  const table = versionTable(version);
  const legacy = version === '6.2';
  const categories = table.categories;
  const categoryIndex = new Map(categories.map((c, i) => [c, i]));
  const byId: AclCommand[] = [];
  const byName = new Map<string, AclCommand>();
  const top: AclCommand[] = [];

  const make = (info: CommandInfo, parent: AclCommand | undefined): AclCommand => {
    let catMask = 0;
    for (const c of info.categories) {
      const i = categoryIndex.get(c);
      if (i !== undefined) catMask |= 1 << i;
    }
    const specs = legacy ? [] : info.keySpecs.map(compileSpec);
    let any = 0;
    let notNotKey = false;
    for (const s of specs) {
      any |= s.flags;
      if (!(s.flags & KS_NOT_KEY)) notNotKey = true;
    }
    const getKeys = parent ? undefined : (legacy ? GETKEYS_62 : GETKEYS_7)[info.name];
    const rangeKeys = notNotKey && getKeys === undefined && !(any & KS_VARIABLE) ? plainRanges(specs) : undefined;
    // Fields every check reads come first, so they share the object's first cache line.
    const cmd: AclCommand = {
      id: byId.length,
      arity: info.arity,
      subLookup: undefined,
      rangeKeys,
      hasKeys: getKeys !== undefined || (legacy ? info.firstKey !== 0 : notNotKey),
      channels: parent ? undefined : channelRule(info.name, legacy),
      sortLike: !legacy && (info.name === 'sort' || info.name === 'sort_ro'),
      noAuth: info.flags.includes('no_auth'),
      name: info.name,
      parent,
      subs: undefined,
      catMask,
      specs,
      specFlagsAny: any,
      hasKeySpecNotNotKey: notNotKey,
      getKeys,
      firstKey: info.firstKey,
      lastKey: info.lastKey,
      step: info.step,
    };
    byId.push(cmd);
    byName.set(info.name, cmd);
    return cmd;
  };

  for (const info of table.commands) {
    const cmd = make(info, undefined);
    top.push(cmd);
    if (info.subcommands.length > 0) {
      cmd.subs = new Map();
      for (const s of info.subcommands) cmd.subs.set(s.name.slice(info.name.length + 1), make(s, cmd));
      cmd.subLookup = nameTable(cmd.subs);
    }
  }
  const topLookup = nameTable(top.map((c) => [c.name, c] as const));
  if (byId.length >= FUTURE_BIT) throw new Error(`command table of ${version} exceeds the ACL bitmap`);

  const categoryApply: Uint32Array[] = [];
  const categoryTouched: Int32Array[] = [];
  const categoryMembers: Uint32Array[] = [];
  for (let c = 0; c < categories.length; c++) {
    const apply = new Uint32Array(BITMAP_WORDS);
    const members = new Uint32Array(BITMAP_WORDS);
    const touched: number[] = [];
    const flag = 1 << c;
    for (const cmd of top) {
      if (cmd.catMask & flag) {
        setBit(apply, cmd.id);
        setBit(members, cmd.id);
        touched.push(cmd.id);
        for (const sub of cmd.subs?.values() ?? []) setBit(apply, sub.id);
      }
      for (const sub of cmd.subs?.values() ?? []) {
        if (sub.catMask & flag) {
          setBit(apply, sub.id);
          setBit(members, sub.id);
          touched.push(sub.id);
        }
      }
    }
    categoryApply.push(apply);
    categoryTouched.push(Int32Array.from(touched));
    categoryMembers.push(members);
  }

  const index: CommandIndex = { version, categories, categoryIndex, top, byId, byName, topLookup, categoryApply, categoryTouched, categoryMembers };
  indexes.set(version, index);
  return index;
}

/**
 * The index with categories the server reported and the table lacks (module categories): each
 * acts on the listed commands the table has, a container dragging its subcommands as for table
 * categories. Bounded: at most 64 extra categories of at most 4096 members are taken.
 */
export function withExtraCategories(base: CommandIndex, extra: Readonly<Record<string, readonly string[]>>): CommandIndex {
  const categories = [...base.categories];
  const categoryIndex = new Map(base.categoryIndex);
  const categoryApply = [...base.categoryApply];
  const categoryTouched = [...base.categoryTouched];
  const categoryMembers = [...base.categoryMembers];
  for (const [rawName, members] of Object.entries(extra).slice(0, 64)) {
    const name = asciiLower(rawName);
    if (categoryIndex.has(name)) continue;
    const apply = new Uint32Array(BITMAP_WORDS);
    const listed = new Uint32Array(BITMAP_WORDS);
    const touched: number[] = [];
    for (const m of members.slice(0, 4096)) {
      const cmd = base.byName.get(asciiLower(m));
      if (!cmd) continue;
      setBit(apply, cmd.id);
      setBit(listed, cmd.id);
      touched.push(cmd.id);
      for (const sub of cmd.subs?.values() ?? []) setBit(apply, sub.id);
    }
    categoryIndex.set(name, categories.length);
    categories.push(name);
    categoryApply.push(apply);
    categoryTouched.push(Int32Array.from(touched));
    categoryMembers.push(listed);
  }
  return { ...base, categories, categoryIndex, categoryApply, categoryTouched, categoryMembers };
}

/** ACLLookupCommand: "name" or "container|sub" (case-insensitive), strict like lookupCommandBySdsLogic. */
export function lookupRuleCommand(index: CommandIndex, text: string): AclCommand | undefined {
  const parts = asciiLower(text).split('|');
  if (parts.length > 2 || text.length === 0) return undefined;
  const base = index.byName.get(parts[0]!);
  if (!base || base.parent) return undefined;
  if (parts.length === 1) return base;
  if (!base.subs) return undefined;
  return base.subs.get(parts[1]!);
}

/** lookupCommand for a command line: the subcommand when the base is a container and argv has one. */
export function lookupArgv(index: CommandIndex, argv: readonly string[]): AclCommand | undefined {
  const a0 = argv[0] ?? '';
  const base = index.topLookup[a0] ?? index.topLookup[asciiLower(a0)];
  if (base === undefined || argv.length === 1 || base.subLookup === undefined) return base;
  const a1 = argv[1]!;
  return base.subLookup[a1] ?? base.subLookup[asciiLower(a1)];
}
