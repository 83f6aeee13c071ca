/**
 * Which directives a version accepts, under which canonical name, and the first reason it would
 * refuse a directive line (Redis's own wording), so lint and the loader agree with redis-server.
 */
import { compareTriples, flavorOf, parseTriple, VERSION_IDS, versionTable, type VersionId } from '../versions/index.js';
import type { Directive } from './types.js';
import {
  aliasesFor,
  enumValues,
  FILE_ONLY_DIRECTIVES,
  hiddenDirectives,
  ignoredDirectives,
  LEGACY_62_ARITY,
  MEMORY_CONFIGS,
  MULTI_ARG_CONFIGS,
  NUMERIC_BOUNDS,
} from './knowledge.js';
import { parseMemory } from './values.js';
import { splitArgs } from './tokenize.js';

export const BAD_DIRECTIVE = 'Bad directive or wrong number of arguments';
export const WRONG_ARG_COUNT = 'wrong number of arguments';
/** 7.0+ refuses a second `user` line for the same name (6.2 lets the later one win). */
export const duplicateUserReason = (name: string) =>
  `Error in user declaration '${name}': Duplicate user found. A user can only be defined once in config files`;

export interface DirectiveSupport {
  known: boolean;
  /** The name CONFIG GET/REWRITE uses for it in this version (aliases resolved). */
  canonical?: string;
  /** Accepted but without effect (deprecated options Redis skips). */
  ignored?: boolean;
  /** Not in the version's table but listed by an earlier one: redsec cannot tell removed from hidden. */
  uncertain?: boolean;
  reason?: string;
}

// Per version, then per name: no key string is built per line. Names come from input, so each
// version's cache is bounded (cleared past 10,000 names).
const canonicalCache = new Map<VersionId, Map<string, string | null>>();

/** Canonical name of a config in a version, or undefined when the version has no such config. */
export function canonicalConfigName(name: string, version: VersionId): string | undefined {
  // Memoised: it runs for every line of a config file.
  let cache = canonicalCache.get(version);
  if (cache === undefined) canonicalCache.set(version, (cache = new Map()));
  let c = cache.get(name);
  if (c === undefined) {
    if (cache.size > 10_000) cache.clear();
    c = computeCanonical(name, version) ?? null;
    cache.set(name, c);
  }
  return c ?? undefined;
}

function computeCanonical(name: string, version: VersionId): string | undefined {
  const lower = name.toLowerCase();
  const names = versionTable(version).config;
  const alias = aliasesFor(version)[lower];
  if (alias !== undefined) return alias;
  if (lower === 'replicaof' && version === '6.2') return 'replicaof';
  return Object.hasOwn(names, lower) || hiddenDirectives(version).includes(lower) ? lower : undefined;
}

const supportCache = new Map<VersionId, Map<string, DirectiveSupport>>();

/** Memoised per (version, name): it runs for every line of a config file. */
export function directiveSupport(name: string, version: VersionId): DirectiveSupport {
  let cache = supportCache.get(version);
  if (cache === undefined) supportCache.set(version, (cache = new Map()));
  let support = cache.get(name);
  if (support === undefined) {
    if (cache.size > 10_000) cache.clear(); // names come from input: keep the cache bounded
    support = computeSupport(name, version);
    cache.set(name, support);
  }
  return support;
}

function computeSupport(name: string, version: VersionId): DirectiveSupport {
  const lower = name.toLowerCase();
  const canonical = canonicalConfigName(lower, version);
  if (canonical !== undefined) return { known: true, canonical };
  if (Object.hasOwn(FILE_ONLY_DIRECTIVES, lower)) return { known: true, canonical: lower };
  if (Object.hasOwn(ignoredDirectives(version), lower)) {
    return { known: true, canonical: lower, ignored: true, reason: `'${lower}' is deprecated and ignored by ${version}` };
  }
  if (lower.includes('.') && version !== '6.2') {
    return { known: true, canonical: lower, reason: 'module config: applies only if a loaded module declares it' };
  }
  const lister = earlierListing(lower, version);
  if (lister !== undefined) {
    // CONFIG GET * hides HIDDEN_CONFIG options, so absence from the newer listing does not prove removal.
    return { known: false, uncertain: true, reason: `${version}'s CONFIG GET * no longer lists '${lower}' (${lister} did): removed or hidden, the tables cannot tell` };
  }
  return { known: false, reason: `${version} has no directive '${lower}'` };
}

/** The newest earlier table of the same flavor whose CONFIG GET * listed the name (it was removed or hidden since). */
function earlierListing(name: string, version: VersionId): VersionId | undefined {
  const line = parseTriple(version.replace(/^valkey-/, ''));
  if (!line) return undefined;
  let found: VersionId | undefined;
  for (const id of VERSION_IDS) {
    if (flavorOf(id) !== flavorOf(version)) continue;
    const other = parseTriple(id.replace(/^valkey-/, ''));
    if (!other || compareTriples(other, line) >= 0) continue;
    if (Object.hasOwn(versionTable(id).config, name)) found = id;
  }
  return found;
}

/**
 * The error redis-server of `version` prints for this line, or undefined when it accepts it.
 * Checks what the file alone decides (names, argument counts, booleans, enums, numbers, save,
 * buffer limits); effects on the host (ports, paths, modules) are not predicted.
 */
export function directiveProblem(d: Directive, version: VersionId): string | undefined {
  const argc = d.args.length;
  const canonical = canonicalConfigName(d.name, version);
  const legacy = version === '6.2' ? LEGACY_62_ARITY[canonical ?? ''] : undefined;
  if (canonical !== undefined && legacy === undefined) {
    const multi = MULTI_ARG_CONFIGS.has(canonical);
    if (!multi && argc !== 1) return WRONG_ARG_COUNT;
    let args = d.args;
    if (multi && argc === 1 && (args[0] ?? '') !== '') args = splitArgs(args[0] as string) ?? [];
    return valueProblem(canonical, args, version);
  }
  if (legacy !== undefined) {
    if (argc < legacy.min || argc > legacy.max) return BAD_DIRECTIVE;
    return valueProblem(canonical as string, d.args, version);
  }
  const ignoredArity = ignoredDirectives(version)[d.name];
  if (ignoredArity !== undefined && ignoredArity === argc) return undefined;
  const fileOnly = FILE_ONLY_DIRECTIVES[d.name];
  if (fileOnly !== undefined) {
    if (argc < fileOnly.min || argc > fileOnly.max) return BAD_DIRECTIVE;
    if (d.name === 'sentinel' && argc > 0) return 'sentinel directive while not in sentinel mode';
    if (d.name === 'rename-command') return renameProblem(d.args[0] as string, version);
    return undefined;
  }
  if (d.name.includes('.') && version !== '6.2') return argc < 1 ? 'Module config specified without value' : undefined;
  return BAD_DIRECTIVE;
}

/**
 * A checker that keeps the state redis-server keeps while loading: the users defined so far
 * (7.0+ refuses a second definition) and the command table as `rename-command` lines change it.
 */
export function directiveChecker(version: VersionId): (d: Directive) => string | undefined {
  const users = new Set<string>();
  const commands = new Set(versionTable(version).commands.map((c) => c.name));
  return (d) => {
    if (d.name === 'rename-command' && d.args.length === 2) {
      const from = (d.args[0] as string).toLowerCase();
      const to = (d.args[1] as string).toLowerCase();
      if (!commands.delete(from)) return 'No such command in rename-command';
      if (to === '') return undefined;
      if (commands.has(to)) return 'Target command name already exists';
      commands.add(to);
      return undefined;
    }
    const problem = directiveProblem(d, version);
    if (problem !== undefined || d.name !== 'user' || version === '6.2') return problem;
    const name = d.args[0] as string;
    if (users.has(name)) return duplicateUserReason(name);
    users.add(name);
    return undefined;
  };
}

function renameProblem(command: string, version: VersionId): string | undefined {
  const lower = command.toLowerCase();
  const exists = versionTable(version).commands.some((c) => c.name === lower);
  return exists ? undefined : 'No such command in rename-command';
}

const INTEGER = /^(0|-?[1-9]\d*)$/;

function valueProblem(name: string, args: string[], version: VersionId): string | undefined {
  const value = args[0] ?? '';
  const defaultValue = versionTable(version).config[name];
  const accepted = enumValues(name, version);
  if (accepted !== undefined) {
    const multi = MULTI_ARG_CONFIGS.has(name);
    if (args.length === 0 || !(multi ? args.every((v) => accepted.includes(v.toLowerCase())) : accepted.includes(value.toLowerCase()))) {
      const lead = version === '6.2' ? 'argument must be' : 'argument(s) must be';
      return `${lead} one of the following: ${accepted.join(', ')}`;
    }
    if (args.length < 2) return undefined;
    const lower = args.map((a) => a.toLowerCase());
    if (lower.includes('save') && lower.includes('nosave')) return "shutdown options SAVE and NOSAVE can't be used simultaneously";
    return undefined;
  }
  switch (name) {
    case 'save':
      return version === '6.2' ? legacySaveProblem(args) : saveProblem(args);
    case 'client-output-buffer-limit':
      return bufferLimitProblem(args, version);
    case 'dbfilename':
      return isPath(value) ? "dbfilename can't be a path, just a filename" : undefined;
    case 'appendfilename':
      if (value === '' && version !== '6.2') return "appendfilename can't be empty";
      return isPath(value) ? "appendfilename can't be a path, just a filename" : undefined;
    case 'unixsocketperm':
      if (version === '6.2') return /^[0-7]+$/.test(value) && parseInt(value, 8) <= 0o777 ? undefined : 'Invalid socket file permissions';
      return /^[0-7]+$/.test(value) ? boundsProblem(name, BigInt(parseInt(value, 8))) : "argument couldn't be parsed as an octal number";
    case 'bind':
      return args.length > 16 ? (version === '6.2' ? 'Too many bind addresses specified' : 'Too many bind addresses specified.') : undefined;
    case 'replicaof':
      return replicaofProblem(args, version);
  }
  if (MEMORY_CONFIGS.has(name)) {
    const percent = name === 'maxmemory-clients' ? /^(\d+)%$/.exec(value) : null;
    if (percent) return boundsProblem(name, -BigInt(percent[1] as string));
    const bytes = parseMemory(value);
    if (bytes === undefined) return name === 'maxmemory-clients' ? 'argument must be a memory or percent value' : 'argument must be a memory value';
    // memtoull's result lands in a long long before the bounds check.
    return boundsProblem(name, bytes > LLONG_MAX ? bytes - 2n ** 64n : bytes);
  }
  if (defaultValue === 'yes' || defaultValue === 'no') {
    return /^(yes|no)$/i.test(value) ? undefined : "argument must be 'yes' or 'no'";
  }
  if (NUMERIC_BOUNDS[name] !== undefined || (defaultValue !== undefined && INTEGER.test(defaultValue))) {
    if (!INTEGER.test(value)) return "argument couldn't be parsed into an integer";
    // Most values are small and in range: decided exactly with doubles, no BigInt. Anything
    // else (long, negative unsigned, out of bounds) takes the exact path for Redis's message.
    if (value.length <= 15 && withinBounds(name, Number(value))) return undefined;
    const n = BigInt(value);
    if (n > LLONG_MAX || n < -LLONG_MAX - 1n) return "argument couldn't be parsed into an integer";
    return boundsProblem(name, n);
  }
  return undefined;
}

const LLONG_MAX = 2n ** 63n - 1n;

/**
 * Whether a safe-integer value is inside the config's bounds (true when it has none). Only a
 * "yes" is trusted; a "no" goes through boundsProblem for the exact answer and message.
 */
function withinBounds(name: string, value: number): boolean {
  const bounds = NUMERIC_BOUNDS[name];
  if (bounds === undefined) return true;
  const b = boundsOf(name, bounds);
  // A safe integer compares with a bound's double exactly enough: a bound past 2^53 is beyond it.
  return value >= 0 && value >= b[3] && value <= b[4];
}

type Bounds = [lower: bigint, upper: bigint, unsigned: boolean, lowerDouble: number, upperDouble: number];
const boundsCache = new Map<string, Bounds>();

/** NUMERIC_BOUNDS as bigints (and doubles), converted once per config rather than once per line. */
function boundsOf(name: string, [lowerText, upperText, unsigned]: (typeof NUMERIC_BOUNDS)[string] & {}): Bounds {
  let b = boundsCache.get(name);
  if (b === undefined) boundsCache.set(name, (b = [BigInt(lowerText), BigInt(upperText), Boolean(unsigned), Number(lowerText), Number(upperText)]));
  return b;
}

/** numericBoundaryCheck(): unsigned configs compare the value as unsigned, percentages against their own limit. */
function boundsProblem(name: string, value: bigint): string | undefined {
  const bounds = NUMERIC_BOUNDS[name];
  if (bounds === undefined) return undefined;
  const [lower, upper, unsigned] = boundsOf(name, bounds);
  if (unsigned) {
    const asUnsigned = value < 0n ? value + 2n ** 64n : value;
    if (asUnsigned >= lower && asUnsigned <= upper) return undefined;
    const octal = name === 'unixsocketperm';
    const show = (n: bigint) => n.toString(octal ? 8 : 10);
    return `argument must be between ${show(lower)} and ${show(upper)} inclusive`;
  }
  if (name === 'maxmemory-clients' && value < 0n) {
    return value < lower ? `percentage argument must be less or equal to ${-lower}` : undefined;
  }
  if (value >= lower && value <= upper) return undefined;
  return `argument must be between ${lower} and ${upper} inclusive`;
}

/** Redis's pathIsBaseName(): a backslash counts as a separator too. */
function isPath(value: string): boolean {
  return value.includes('/') || value.includes('\\');
}

/** C atoi(): leading blanks, a sign, then as many digits as there are. */
export function atoi(text: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d*)/.exec(text);
  const n = parseInt(m?.[1] ?? '', 10);
  return Number.isNaN(n) ? 0 : n;
}

/** 6.2 only looks at `save <seconds> <changes>` (and `save ""`); other shapes are silently ignored. */
function legacySaveProblem(args: string[]): string | undefined {
  if (args.length !== 2) return undefined;
  return atoi(args[0] as string) < 1 || atoi(args[1] as string) < 0 ? 'Invalid save parameters' : undefined;
}

function saveProblem(args: string[]): string | undefined {
  const pairs = args.length === 1 && args[0] === '' ? [] : args;
  if (pairs.length % 2 === 1) return 'Invalid save parameters';
  for (let i = 0; i < pairs.length; i++) {
    const text = pairs[i] as string;
    if (!INTEGER.test(text)) return 'Invalid save parameters';
    const n = Number(text);
    if ((i % 2 === 0 && n < 1) || n < 0) return 'Invalid save parameters';
  }
  return undefined;
}

function bufferLimitProblem(args: string[], version: VersionId): string | undefined {
  if (version === '6.2') {
    const cls = (args[0] ?? '').toLowerCase();
    if (!['normal', 'slave', 'replica', 'pubsub'].includes(cls)) {
      return "Unrecognized client limit class: the user specified an invalid one, or 'master' which has no buffer limits.";
    }
    return Number(args[3]) < 0 ? 'Negative number of seconds in soft limit is invalid' : undefined;
  }
  if (args.length % 4 !== 0) return 'Wrong number of arguments in buffer limit configuration.';
  for (let i = 0; i < args.length; i += 4) {
    const cls = (args[i] ?? '').toLowerCase();
    if (!['normal', 'slave', 'replica', 'pubsub'].includes(cls)) return 'Invalid client class specified in buffer limit configuration.';
    const seconds = args[i + 3] ?? '';
    if (parseMemory(args[i + 1] ?? '') === undefined || parseMemory(args[i + 2] ?? '') === undefined || !/^\d+$/.test(seconds)) {
      return 'Error in hard, soft or soft_seconds setting in buffer limit configuration.';
    }
  }
  return undefined;
}

function replicaofProblem(args: string[], version: VersionId): string | undefined {
  if (args.length !== 2) return version === '6.2' ? BAD_DIRECTIVE : WRONG_ARG_COUNT;
  if ((args[0] ?? '').toLowerCase() === 'no' && (args[1] ?? '').toLowerCase() === 'one') return undefined;
  const port = args[1] ?? '';
  return /^\d+$/.test(port) && Number(port) <= 65535 ? undefined : 'Invalid master port';
}
