/**
 * Reading effective configuration from facts. Live facts come from CONFIG GET; lint facts from the
 * files, where a missing directive means the compiled-in default of the target version.
 */
import type { ConfigValue, Known, ServerFacts } from '../facts/types.js';
import { versionTable } from '../versions/index.js';
import { unknownResult } from './result.js';
import type { RuleResult } from './types.js';

/**
 * The version tables were taken from servers started with a few overrides, so their values for these
 * names are not the compiled defaults; use the compiled ones instead.
 */
const COMPILED_DEFAULTS: Record<string, string> = {
  bind: '* -::*',
  port: '6379',
  save: '3600 1 300 100 60 10000',
  logfile: '',
  daemonize: 'no',
  dbfilename: 'dump.rdb',
};
const UNKNOWABLE_DEFAULTS = new Set(['dir', 'pidfile']);

/** Valkey 8 names its replication options primary*; both spellings are accepted. */
const ALIASES: Record<string, string[]> = {
  masterauth: ['primaryauth'],
  masteruser: ['primaryuser'],
  'busy-reply-threshold': ['lua-time-limit'],
  replicaof: ['slaveof'],
};

export type ConfigLookup = Known<ConfigValue | undefined>;

/**
 * The effective value of a directive: `{known:false}` when configuration could not be read at all,
 * `value: undefined` when this server/version has no such option.
 */
export function configValue(facts: ServerFacts, name: string): ConfigLookup {
  if (!facts.config.known) return facts.config;
  const all = facts.config.value;
  for (const n of [name, ...(ALIASES[name] ?? [])]) {
    const v = all[n];
    if (v) return { known: true, value: v };
  }
  if (facts.source === 'live') {
    // CONFIG GET * lists every option the server has; a missing name is an option this version lacks.
    return { known: true, value: undefined };
  }
  if (name in COMPILED_DEFAULTS) return { known: true, value: { value: COMPILED_DEFAULTS[name] ?? '', isDefault: true } };
  if (UNKNOWABLE_DEFAULTS.has(name)) return { known: false, why: `${name} is not set in the files and its default depends on the process` };
  if (!facts.versionId) return { known: false, why: `${name} is not set and the target version is unknown, so its default is unknown` };
  const d = versionTable(facts.versionId).config[name];
  return { known: true, value: d === undefined ? undefined : { value: d, isDefault: true } };
}

/** "where" text for evidence: file:line in lint, "CONFIG GET" live, "(default)" otherwise. */
export function where(facts: ServerFacts, name: string, v: ConfigValue): string {
  if (v.location) return `${v.location.file}:${v.location.line}`;
  if (v.isDefault) return `default of ${facts.versionId ?? 'this version'}`;
  return facts.source === 'live' ? 'CONFIG GET' : 'config';
}

export function show(name: string, v: ConfigValue): string {
  return `${name} ${v.value === '' ? '""' : v.value}${v.isDefault ? ' (the default)' : ''}`;
}

/** " (the default)" when no file set the value (lint fills in the version's compiled default). */
export function defaultMark(v: ConfigValue | undefined): string {
  return v?.isDefault ? ' (the default)' : '';
}

export function isYes(v: string): boolean {
  return v.trim().toLowerCase() === 'yes';
}

/**
 * Reads several directives; when any cannot be read the rule's answer is `unknown` with the reason,
 * never a guess.
 */
export function withConfig<const N extends string>(
  facts: ServerFacts,
  names: readonly N[],
  decide: (values: Record<N, ConfigValue | undefined>) => RuleResult | RuleResult[],
): RuleResult | RuleResult[] {
  const values = {} as Record<N, ConfigValue | undefined>;
  for (const n of names) {
    const v = configValue(facts, n);
    if (!v.known) return unknownResult(`cannot read ${n}: ${v.why}`);
    values[n] = v.value;
  }
  return decide(values);
}

/** Parses a redis.conf memory value ("512mb", "1gb", "100") into bytes; NaN when malformed. */
export function parseMemory(v: string): number {
  const m = /^(-?\d+)\s*(k|kb|m|mb|g|gb)?$/i.exec(v.trim());
  if (!m) return Number.NaN;
  const n = Number(m[1]);
  const unit = (m[2] ?? '').toLowerCase();
  const mult: Record<string, number> = { '': 1, k: 1000, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3 };
  return n * (mult[unit] ?? 1);
}
