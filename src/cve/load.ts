/**
 * Reads and validates CVE data. The shipped file is read once; a user's --cve-data file is
 * validated field by field, because a wrong file must be a one-line error (exit 2), never a
 * verdict computed from half-understood data.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import { readInputFile } from '../input-file.js';
import type { BranchFix, BranchInfo, CveData, CveEntry, DistributionWindow, DistroBackport, ProductFixes } from './types.js';

/** Data older than this is reported as stale. */
export const STALE_AFTER_DAYS = 90;
/** A data file is a few hundred KiB at most; anything far larger is not one. */
const MAX_BYTES = 8 * 1024 * 1024;

// data/ sits two levels above both src/cve/ and dist/cve/.
const BUNDLED = new URL('../../data/cve/cve-data.json', import.meta.url);
let bundled: CveData | undefined;

/** The data shipped with redsec (validated like any other file: a broken build must not pass). */
export function bundledCveData(): CveData {
  bundled ??= parseCveData(readFileSync(BUNDLED, 'utf8'), 'bundled');
  return bundled;
}

/** A --cve-data file: unreadable, not JSON or not of the format is an InputError naming the file. */
export function loadCveData(path: string): CveData {
  const text = readInputFile(path, 'CVE data file');
  if (text.length > MAX_BYTES) throw new InputError(`larger than ${MAX_BYTES} bytes: not a CVE data file`, path);
  return parseCveData(text, path);
}

/** Whole days from the data's date to `now`. */
export function dataAgeDays(data: CveData, now: Date): number {
  return Math.floor((now.getTime() - Date.parse(`${data.date}T00:00:00Z`)) / 86_400_000);
}

export function parseCveData(text: string, origin: string): CveData {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputError(`not valid JSON (${(e as Error).message.split('\n')[0]})`, origin);
  }
  const fail = (path: string, what: string): never => {
    throw new InputError(`${path}: ${what}`, origin);
  };
  const obj = (v: unknown, path: string): Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : fail(path, 'expected an object');
  // Values end up in report evidence: no control characters or bidi overrides in them.
  const str = (v: unknown, path: string): string =>
    typeof v !== 'string' || v.length > 4096
      ? fail(path, 'expected a string')
      : /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(v)
        ? fail(path, 'control characters are not allowed')
        : v;
  const bool = (v: unknown, path: string): boolean => (typeof v === 'boolean' ? v : fail(path, 'expected true or false'));
  const arr = (v: unknown, path: string): unknown[] => (Array.isArray(v) ? v : fail(path, 'expected an array'));
  const date = (v: unknown, path: string): string => {
    const s = str(v, path);
    return /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) ? s : fail(path, `expected a date YYYY-MM-DD, got ${JSON.stringify(s.slice(0, 40))}`);
  };
  const version = (v: unknown, path: string): string => {
    const s = str(v, path);
    return /^\d{1,4}\.\d{1,4}\.\d{1,6}$/.test(s) ? s : fail(path, `expected a version x.y.z, got ${JSON.stringify(s.slice(0, 40))}`);
  };
  const branchKey = (k: string, path: string): string => (/^\d{1,4}\.\d{1,4}$/.test(k) ? k : fail(path, `expected a branch x.y as key, got ${JSON.stringify(k.slice(0, 40))}`));
  const optional = <T>(o: Record<string, unknown>, key: string, read: (v: unknown, path: string) => T, path: string): T | undefined =>
    o[key] === undefined ? undefined : read(o[key], `${path}.${key}`);

  const fix = (v: unknown, path: string): BranchFix =>
    v === null || v === 'unaffected' || v === 'unconfirmed' ? v : typeof v === 'string' && /^\d+\.\d+\.\d+$/.test(v) ? v : fail(path, 'expected a version x.y.z, null, "unaffected" or "unconfirmed"');
  const product = (v: unknown, path: string): ProductFixes => {
    const o = obj(v, path);
    const fixedObj = obj(o['fixed'], `${path}.fixed`);
    const fixed: Record<string, BranchFix> = {};
    for (const [k, f] of Object.entries(fixedObj)) fixed[branchKey(k, `${path}.fixed`)] = fix(f, `${path}.fixed["${k}"]`);
    const older = optional(o, 'older', (x, p) => arr(x, p).map((e, i) => version(e, `${p}[${i}]`)), path);
    const since = optional(o, 'since', version, path);
    return { fixed, ...(older ? { older } : {}), ...(since ? { since } : {}) };
  };
  const severity = (v: unknown, path: string): CveEntry['severity'] => {
    const s = str(v, path);
    return s === 'critical' || s === 'high' || s === 'medium' || s === 'low' || s === 'info' ? s : fail(path, 'expected critical, high, medium, low or info');
  };
  const entry = (v: unknown, path: string): CveEntry => {
    const o = obj(v, path);
    const ids = arr(o['ids'], `${path}.ids`).map((id, i) => {
      const s = str(id, `${path}.ids[${i}]`);
      return /^CVE-\d{4}-\d{4,7}$/.test(s) ? s : fail(`${path}.ids[${i}]`, `expected a CVE id, got ${JSON.stringify(s.slice(0, 40))}`);
    });
    if (ids.length === 0) fail(`${path}.ids`, 'expected at least one CVE id');
    const advisory = o['advisory'] === null ? null : str(o['advisory'], `${path}.advisory`);
    const component = optional(o, 'component', str, path);
    const valkey = optional(o, 'valkey', product, path);
    return {
      ids,
      what: str(o['what'], `${path}.what`),
      severity: severity(o['severity'], `${path}.severity`),
      unauthenticated: bool(o['unauthenticated'], `${path}.unauthenticated`),
      lua: bool(o['lua'], `${path}.lua`),
      ...(component !== undefined ? { component } : {}),
      advisory,
      url: str(o['url'], `${path}.url`),
      source: str(o['source'], `${path}.source`),
      mitigation: str(o['mitigation'], `${path}.mitigation`),
      redis: product(o['redis'], `${path}.redis`),
      ...(valkey ? { valkey } : {}),
    };
  };
  const branches = (v: unknown, path: string): Record<string, BranchInfo> => {
    const out: Record<string, BranchInfo> = {};
    for (const [k, b] of Object.entries(obj(v, path))) {
      const p = `${path}["${branchKey(k, path)}"]`;
      const o = obj(b, p);
      const status = str(o['status'], `${p}.status`);
      if (status !== 'maintained' && status !== 'eol' && status !== 'unknown') fail(`${p}.status`, 'expected maintained, eol or unknown');
      const latest = version(o['latest'], `${p}.latest`);
      if (!latest.startsWith(`${k}.`)) fail(`${p}.latest`, `${latest} is not on branch ${k}`);
      const eolSince = optional(o, 'eol_since', date, p);
      out[k] = { status: status as BranchInfo['status'], latest, ...(eolSince ? { eol_since: eolSince } : {}), source: str(o['source'], `${p}.source`) };
    }
    return out;
  };
  const distribution = (v: unknown, path: string): DistributionWindow => {
    const o = obj(v, path);
    const id = str(o['id'], `${path}.id`);
    if (id !== 'debian' && id !== 'ubuntu') fail(`${path}.id`, 'expected debian or ubuntu');
    const shipsObj = obj(o['ships'], `${path}.ships`);
    const ships: DistributionWindow['ships'] = {};
    for (const [k, s] of Object.entries(shipsObj)) {
      if (k !== 'redis' && k !== 'valkey') fail(`${path}.ships`, `expected redis or valkey, got ${JSON.stringify(k.slice(0, 40))}`);
      ships[k as 'redis' | 'valkey'] = version(s, `${path}.ships.${k}`);
    }
    const lts = optional(o, 'lts_until', date, path);
    const esm = optional(o, 'esm_until', date, path);
    const universe = optional(o, 'universe', bool, path);
    return {
      id: id as DistributionWindow['id'],
      version: str(o['version'], `${path}.version`),
      name: str(o['name'], `${path}.name`),
      ships,
      security_until: date(o['security_until'], `${path}.security_until`),
      ...(lts ? { lts_until: lts } : {}),
      ...(esm ? { esm_until: esm } : {}),
      ...(universe !== undefined ? { universe } : {}),
      source: str(o['source'], `${path}.source`),
    };
  };
  const backport = (v: unknown, path: string): DistroBackport => {
    const o = obj(v, path);
    const revision = o['revision'];
    if (typeof revision !== 'number' || !Number.isInteger(revision) || revision < 0) fail(`${path}.revision`, 'expected a whole number');
    return {
      package: str(o['package'], `${path}.package`),
      release: str(o['release'], `${path}.release`),
      revision: revision as number,
      ids: arr(o['ids'], `${path}.ids`).map((id, i) => str(id, `${path}.ids[${i}]`)),
      source: str(o['source'], `${path}.source`),
    };
  };

  const root = obj(raw, '(top level)');
  if (root['format'] !== 1) fail('format', `expected 1 (this redsec reads CVE data format 1), got ${JSON.stringify(root['format'])}`);
  const redis = obj(root['redis'], 'redis');
  const olderThan = obj(redis['older_than'], 'redis.older_than');
  const valkey = obj(root['valkey'], 'valkey');
  const data: CveData = {
    format: 1,
    date: date(root['date'], 'date'),
    complete_since: date(root['complete_since'], 'complete_since'),
    compiled_by: str(root['compiled_by'], 'compiled_by'),
    sources: arr(root['sources'], 'sources').map((s, i) => str(s, `sources[${i}]`)),
    notes: arr(root['notes'], 'notes').map((s, i) => str(s, `notes[${i}]`)),
    redis: {
      older_than: { version: version(olderThan['version'], 'redis.older_than.version'), status: 'eol', source: str(olderThan['source'], 'redis.older_than.source') },
      branches: branches(redis['branches'], 'redis.branches'),
    },
    valkey: {
      fork_point: version(valkey['fork_point'], 'valkey.fork_point'),
      fork_source: str(valkey['fork_source'], 'valkey.fork_source'),
      branches: branches(valkey['branches'], 'valkey.branches'),
    },
    distributions: arr(root['distributions'], 'distributions').map((d, i) => distribution(d, `distributions[${i}]`)),
    distro_backports: arr(root['distro_backports'], 'distro_backports').map((b, i) => backport(b, `distro_backports[${i}]`)),
    cves: arr(root['cves'], 'cves').map((e, i) => entry(e, `cves[${i}]`)),
    origin,
  };
  if (Object.keys(data.redis.branches).length === 0) fail('redis.branches', 'expected at least one branch');
  const seen = new Set<string>();
  for (const [i, e] of data.cves.entries())
    for (const id of e.ids) {
      if (seen.has(id)) fail(`cves[${i}].ids`, `${id} is listed twice`);
      seen.add(id);
    }
  return data;
}
