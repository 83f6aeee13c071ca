/**
 * From parsed directives to the configuration a server of a given version would run with:
 * values as CONFIG GET prints them (aliases mirrored, units to bytes, enums and booleans
 * lowercased, `save` and `client-output-buffer-limit` accumulated), everything else at the
 * version's default, plus what lint needs: unknown directives, refused lines, duplicates,
 * renamed commands, `user` lines and the user-lines-vs-aclfile conflict.
 */
import { posix as path } from 'node:path';
import type { ConfigValue } from '../facts/types.js';
import type { Location } from '../report/types.js';
import { versionTable, type VersionId } from '../versions/index.js';
import { compiledDefaults, ENUM_VALUES, HOST_DEPENDENT, MEMORY_CONFIGS, MULTI_ARG_CONFIGS } from './knowledge.js';
import { atoi, canonicalConfigName, directiveChecker, directiveSupport } from './support.js';
import { splitArgs } from './tokenize.js';
import type { Directive, ParsedConfig } from './types.js';
import { BUFFER_LIMIT_CLASSES, bufferLimitClass, normalizeMemory, parseMemory } from './values.js';

export interface DirectiveIssue {
  name: string;
  location: Location;
  reason: string;
  /** The tables cannot tell whether the server accepts it (a newer server, or a config hidden from CONFIG GET *). */
  uncertain?: boolean;
}

export interface ConfigUser {
  name: string;
  /** The rule tokens after the user name, tokenised with the config tokenizer, for the ACL engine. */
  rules: string[];
  location: Location;
}

export interface EffectiveConfig {
  version: VersionId;
  /** Every name CONFIG GET * lists in this version (aliases included), plus canonical names. */
  values: Record<string, ConfigValue>;
  /** Directives this version does not know (redis-server refuses to start on them). */
  unknown: DirectiveIssue[];
  /** Known directives whose arguments redis-server would refuse, with its reason. */
  invalid: DirectiveIssue[];
  /** Last-wins directives set more than once (canonical name), every location in order. */
  duplicates: { name: string; locations: Location[] }[];
  renamed: { command: string; to: string; location: Location }[];
  users: ConfigUser[];
  modules: { path: string; args: string[]; location: Location }[];
  aclfile?: { path: string; location: Location };
  /** `user` lines together with `aclfile`: redis-server refuses to start. */
  conflict: boolean;
}

export interface EffectiveOptions {
  /** The server's working directory at start-up, to resolve a relative `dir` (and the default dir). */
  cwd?: string;
}

/** Directives that add up instead of replacing (or are not configs at all). */
const ACCUMULATING = new Set(['save', 'client-output-buffer-limit', 'include', 'user', 'rename-command', 'loadmodule', 'sentinel']);

export function effectiveConfig(parsed: ParsedConfig, version: VersionId, opts: EffectiveOptions = {}): EffectiveConfig {
  const table = versionTable(version).config;
  const defaults = compiledDefaults(version);
  const result: EffectiveConfig = {
    version,
    values: {},
    unknown: [],
    invalid: [],
    duplicates: [],
    renamed: [],
    users: [],
    modules: [],
    conflict: false,
  };
  // Names CONFIG GET * prints for each canonical config (an alias prints the same value).
  const namesOf = new Map<string, string[]>();
  for (const name of Object.keys(table)) {
    const canonical = canonicalConfigName(name, version) ?? name;
    namesOf.set(canonical, [...(namesOf.get(canonical) ?? []), name]);
  }
  for (const [canonical, names] of namesOf) {
    if (!names.includes(canonical)) names.push(canonical);
    if (HOST_DEPENDENT.has(canonical)) continue;
    const value = defaults[canonical] ?? table[canonical] ?? table[names[0] as string] ?? '';
    for (const name of names) result.values[name] = { value, isDefault: true };
  }
  if (opts.cwd !== undefined) setValue(result, namesOf, 'dir', opts.cwd, undefined);

  let cwd = opts.cwd;
  let saveLoaded = false;
  let saveAt: Location | undefined;
  let save: string[] = (result.values['save']?.value ?? '').split(' ').filter(Boolean);
  const setAt = new Map<string, Location[]>();
  const userAt = new Map<string, number>();
  /** The last line of each last-wins config (but `dir`), normalised once after the loop. */
  const last = new Map<string, Directive>();
  const check = directiveChecker(version);

  for (const d of parsed.directives) {
    const support = directiveSupport(d.name, version);
    if (!support.known) {
      const issue: DirectiveIssue = { name: d.name, location: d.location, reason: support.reason ?? 'unknown directive' };
      if (support.uncertain) issue.uncertain = true;
      result.unknown.push(issue);
      continue;
    }
    const problem = check(d);
    if (problem !== undefined) {
      result.invalid.push({ name: d.name, location: d.location, reason: problem });
      continue;
    }
    const canonical = support.canonical ?? d.name;
    if (support.ignored || canonical.includes('.')) continue;
    switch (canonical) {
      case 'include':
      case 'sentinel':
        continue;
      case 'rename-command':
        result.renamed.push({ command: (d.args[0] as string).toLowerCase(), to: d.args[1] as string, location: d.location });
        continue;
      case 'loadmodule':
        result.modules.push({ path: d.args[0] as string, args: d.args.slice(1), location: d.location });
        continue;
      case 'user': {
        const user: ConfigUser = { name: d.args[0] as string, rules: d.args.slice(1), location: d.location };
        const earlier = userAt.get(user.name);
        // 6.2: a later line for the same user resets it and wins (7.0+ refused it above).
        if (earlier !== undefined) result.users.splice(earlier, 1, user);
        else userAt.set(user.name, result.users.push(user) - 1);
        continue;
      }
    }
    let first = false;
    if (!ACCUMULATING.has(canonical)) {
      const at = setAt.get(canonical);
      if (at) at.push(d.location);
      else {
        setAt.set(canonical, [d.location]);
        first = true;
      }
    }
    const args = valueArgs(canonical, d);
    if (canonical === 'save') {
      // The first `save` line in the files drops the compiled-in schedule; `save ""` clears.
      if (!saveLoaded) save = [];
      saveLoaded = true;
      if (args.length === 1 && args[0] === '') save = [];
      // check() above accepted these as canonical decimal integers (no sign, no leading zero), which
      // is how CONFIG GET prints them: they are pushed as written.
      else if (version !== '6.2') for (const a of args) save.push(a);
      else if (args.length === 2) save.push(...args.map((a) => String(atoi(a))));
      // Joined once after the loop: joining per line is quadratic in the number of `save` lines.
      saveAt = d.location;
      continue;
    }
    if (canonical === 'client-output-buffer-limit') {
      setValue(result, namesOf, canonical, mergeBufferLimits(result.values[canonical]?.value ?? '', args), d.location);
      continue;
    }
    if (canonical === 'dir') {
      cwd = cwd === undefined && !path.isAbsolute(args[0] as string) ? undefined : path.resolve(cwd ?? '/', args[0] as string);
      setValue(result, namesOf, canonical, normalizeValue(canonical, args, table[canonical], cwd), d.location);
      continue;
    }
    // Last wins: only each config's last line is normalised, after the loop (a file can set one
    // config hundreds of thousands of times). The first line sets it now, so that a name the
    // defaults lack enters `values` in the same order as before.
    if (first) setValue(result, namesOf, canonical, normalizeValue(canonical, args, table[canonical], cwd), d.location);
    last.set(canonical, d);
  }
  for (const [canonical, d] of last) {
    setValue(result, namesOf, canonical, normalizeValue(canonical, valueArgs(canonical, d), table[canonical], cwd), d.location);
  }

  if (saveAt !== undefined) setValue(result, namesOf, 'save', save.join(' '), saveAt);
  for (const [name, locations] of setAt) if (locations.length > 1) result.duplicates.push({ name, locations });
  const aclfile = result.values['aclfile'];
  if (aclfile !== undefined && aclfile.value !== '' && aclfile.location !== undefined) {
    result.aclfile = { path: aclfile.value, location: aclfile.location };
  }
  result.conflict = result.users.length > 0 && result.aclfile !== undefined;
  return result;
}

/** A config's arguments as Redis applies them: one quoted argument of a multi-argument config is split again. */
function valueArgs(canonical: string, d: Directive): string[] {
  return MULTI_ARG_CONFIGS.has(canonical) && d.args.length === 1 && d.args[0] !== '' ? (splitArgs(d.args[0] as string) ?? []) : d.args;
}

function setValue(result: EffectiveConfig, namesOf: Map<string, string[]>, canonical: string, value: string, location: Location | undefined): void {
  for (const name of namesOf.get(canonical) ?? [canonical]) {
    result.values[name] = location === undefined ? { value } : { value, location };
  }
}

function normalizeValue(name: string, args: string[], defaultValue: string | undefined, cwd: string | undefined): string {
  const value = args[0] ?? '';
  if (ENUM_VALUES[name] !== undefined) return args.map((a) => a.toLowerCase()).join(' ');
  if (name === 'maxmemory-clients') {
    // A signed percent config: "10%" is kept, and a byte count past 2^63 wraps to a negative percent.
    const bytes = parseMemory(value);
    if (bytes === undefined) return value;
    return bytes > 2n ** 63n - 1n ? `${2n ** 64n - bytes}%` : bytes.toString();
  }
  if (MEMORY_CONFIGS.has(name)) return normalizeMemory(value);
  if (defaultValue === 'yes' || defaultValue === 'no') return value.toLowerCase();
  switch (name) {
    case 'hz':
      // Redis clamps hz into [1, 500] after loading, and CONFIG GET shows the clamped value.
      return String(Math.min(500, Math.max(1, Number(value))));
    case 'replicaof':
      return value.toLowerCase() === 'no' && (args[1] ?? '').toLowerCase() === 'one' ? '' : args.join(' ');
    case 'unixsocketperm':
      return parseInt(value, 8).toString(8);
    case 'dir':
      return cwd ?? value;
  }
  return MULTI_ARG_CONFIGS.has(name) ? args.join(' ') : value;
}

/** Applies `<class> <hard> <soft> <seconds>` groups over the current value, printed in CONFIG GET's form. */
function mergeBufferLimits(current: string, args: string[]): string {
  const limits = new Map<string, string[]>();
  const words = current.split(' ');
  for (let i = 0; i + 3 < words.length; i += 4) limits.set(words[i] as string, words.slice(i + 1, i + 4));
  for (let i = 0; i + 3 < args.length; i += 4) {
    const cls = bufferLimitClass(args[i] as string);
    if (cls === undefined) continue;
    limits.set(cls, [normalizeMemory(args[i + 1] as string), normalizeMemory(args[i + 2] as string), String(Number(args[i + 3]))]);
  }
  return BUFFER_LIMIT_CLASSES.map((cls) => [cls, ...(limits.get(cls) ?? ['0', '0', '0'])].join(' ')).join(' ');
}
