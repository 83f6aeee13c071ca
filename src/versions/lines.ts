import { visible } from '../text/visible.js';
import { VERSION_IDS, type Flavor, type VersionId } from './types.js';

/**
 * Which table answers for a server version, and whether the server is newer than what the table
 * was taken from (then commands and directives the table lacks can only be judged `unknown`).
 */

export type Triple = readonly [number, number, number];

/** The exact release each table was generated from (checked against the tables by a unit test). */
export const TABLE_RELEASES: Readonly<Record<VersionId, string>> = {
  '6.2': '6.2.16',
  '7.0': '7.0.15',
  '7.2': '7.2.6',
  '7.4': '7.4.1',
  '8.0': '8.0.2',
  'valkey-7.2': '7.2.7',
  'valkey-8.0': '8.0.1',
  'valkey-8.1': '8.1.1',
};

/** The accepted ids, for help texts and error messages. */
export const VERSION_LIST = VERSION_IDS.join(', ');

/** Oldest release line we accept as a target; anything older is refused. */
export const OLDEST_REDIS: Triple = [6, 2, 0];
/** Valkey forked from Redis 7.2.4; there is no older Valkey. */
export const OLDEST_VALKEY: Triple = [7, 2, 0];

export function flavorOf(id: VersionId): Flavor {
  return id.startsWith('valkey-') ? 'valkey' : 'redis';
}

export function parseTriple(v: string): Triple | null {
  const m = /^(\d{1,4})\.(\d{1,4})(?:\.(\d{1,6}))?/.exec(v.trim());
  if (!m) return null;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

export function compareTriples(a: Triple, b: Triple): number {
  for (let i = 0; i < 3; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export interface TableChoice {
  id: VersionId;
  /** The release the table's facts came from, e.g. 8.0.2. */
  release: string;
  /**
   * 'exact' (same release), 'older' (an earlier patch or line than the table: the table is
   * the oldest we have or a later patch of the same line), 'newer' (past what the table knows).
   */
  relation: 'exact' | 'older' | 'newer';
}

function line(id: VersionId): Triple {
  const t = parseTriple(id.replace(/^valkey-/, ''));
  return t ?? [0, 0, 0];
}

/**
 * The table for a server version: the newest table of that flavor whose major.minor is not newer
 * than the server's; a server older than every table gets the oldest one (relation 'older').
 */
export function chooseTable(flavor: Flavor, version: string): TableChoice | null {
  const v = parseTriple(version);
  if (!v) return null;
  const ids = VERSION_IDS.filter((id) => flavorOf(id) === flavor).sort((a, b) => compareTriples(line(a), line(b)));
  let best: VersionId | undefined;
  for (const id of ids) {
    const l = line(id);
    if (compareTriples([l[0], l[1], 0], [v[0], v[1], 0]) <= 0) best = id;
  }
  const id = best ?? ids[0];
  if (id === undefined) return null;
  const release = TABLE_RELEASES[id];
  const cmp = compareTriples(v, parseTriple(release) ?? [0, 0, 0]);
  return { id, release, relation: cmp === 0 ? 'exact' : cmp > 0 ? 'newer' : 'older' };
}

export type VersionRequest =
  | { ok: true; choice: TableChoice; flavor: Flavor; /** The version as given, without "valkey-". */ version: string; exact: boolean }
  | { ok: false; reason: string };

/**
 * Parses a --redis-version value: an id (7.2, valkey-8.0), a line (8, 8.2, valkey-9.0) or an exact
 * release (8.0.2, valkey-8.1.1). Versions newer than the tables resolve to the nearest table; only
 * versions older than 6.2 (or Valkey older than 7.2) are refused.
 */
export function requestVersion(input: string): VersionRequest {
  const s = input.trim().toLowerCase();
  const m = /^(valkey[-: ]?)?(\d{1,4})(?:\.(\d{1,4}))?(?:\.(\d{1,6}))?$/.exec(s);
  if (!m) return { ok: false, reason: `unknown version '${visible(input.trim().slice(0, 40))}' (expected ${VERSION_LIST}, a newer line such as 8.2, or x.y.z)` };
  const flavor: Flavor = m[1] ? 'valkey' : 'redis';
  const major = Number(m[2]);
  // A bare major means its first line we know: 6 -> 6.2, 7 -> 7.0, valkey-7 -> 7.2, 8 -> 8.0.
  const minor = m[3] !== undefined ? Number(m[3]) : flavor === 'valkey' ? (major === 7 ? 2 : 0) : major === 6 ? 2 : 0;
  const version = `${major}.${minor}${m[4] !== undefined ? `.${Number(m[4])}` : ''}`;
  const v: Triple = [major, minor, Number(m[4] ?? 0)];
  const oldest = flavor === 'valkey' ? OLDEST_VALKEY : OLDEST_REDIS;
  if (compareTriples(v, oldest) < 0) {
    const name = flavor === 'valkey' ? 'Valkey' : 'Redis';
    return { ok: false, reason: `${name} ${version} is older than the oldest supported line (${name} ${oldest[0]}.${oldest[1]}); supported: ${VERSION_LIST} and newer` };
  }
  const choice = chooseTable(flavor, version);
  if (!choice) return { ok: false, reason: `unknown version '${visible(input.trim().slice(0, 40))}'` };
  // A line (8.0, 8.2) without a patch is "newer" only when its line is past the table's line.
  const exact = m[4] !== undefined;
  const relation = exact ? choice.relation : compareTriples([major, minor, 0], line(choice.id)) > 0 ? 'newer' : 'exact';
  return { ok: true, choice: { ...choice, relation }, flavor, version, exact };
}

/** Human name of a table, e.g. "Redis 8.0.2" or "Valkey 8.1.1". */
export function tableName(id: VersionId): string {
  return `${flavorOf(id) === 'valkey' ? 'Valkey' : 'Redis'} ${TABLE_RELEASES[id]}`;
}

/** What a report says about the tables that judged a server. */
export interface TablesUsed {
  id: VersionId;
  /** e.g. "Redis 8.0.2". */
  from: string;
  /** The server the tables stand in for, e.g. "Redis 8.2" or "Valkey 9.0.0". */
  target: string;
  /** Set when the server is newer than the tables (see newerThanTablesNote). */
  note?: string | undefined;
}

export function tablesUsed(choice: TableChoice, flavor: Flavor, version: string): TablesUsed {
  const note = newerThanTablesNote(choice, flavor, version);
  const target = `${flavor === 'valkey' ? 'Valkey' : 'Redis'} ${version}`;
  return note === undefined ? { id: choice.id, from: tableName(choice.id), target } : { id: choice.id, from: tableName(choice.id), target, note };
}

/**
 * One sentence for reports: which tables judged the server, and what that means when the server
 * is newer than them. Undefined when the server is exactly or within the table's release.
 */
export function newerThanTablesNote(choice: TableChoice, flavor: Flavor, version: string): string | undefined {
  if (choice.relation !== 'newer') return undefined;
  const name = flavor === 'valkey' ? 'Valkey' : 'Redis';
  return `${name} ${version} is newer than redsec's tables: judged with the ${choice.id} tables (from ${tableName(choice.id)}); commands, categories and directives those tables lack are judged unknown`;
}
