import { readFileSync } from 'node:fs';
import { requestVersion } from './lines.js';
import { VERSION_IDS, type VersionId, type VersionTable } from './types.js';

// data/ sits two levels above both src/versions/ and dist/versions/.
const DATA_DIR = new URL('../../data/versions/', import.meta.url);
const cache = new Map<VersionId, VersionTable>();

export function isVersionId(value: string): value is VersionId {
  return (VERSION_IDS as readonly string[]).includes(value);
}

/** Loads a version's table once; tables are large, so only the ones asked for are read. */
export function versionTable(id: VersionId): VersionTable {
  let table = cache.get(id);
  if (!table) {
    table = JSON.parse(readFileSync(new URL(`${id}.json`, DATA_DIR), 'utf8')) as VersionTable;
    cache.set(id, table);
  }
  return table;
}

/**
 * Parses "7.0", "7", "7.0.15", "valkey-8", "valkey-8.0.1", or a line newer than the tables ("8.2",
 * "valkey-9.0"), to the nearest table id; undefined for garbage and versions older than 6.2.
 */
export function resolveVersionId(input: string): VersionId | undefined {
  const r = requestVersion(input);
  return r.ok ? r.choice.id : undefined;
}

const names = new Map<VersionId, ReadonlySet<string>>();

/** The version's top-level command names (lowercase), from its table: what the server has. */
export function commandNames(id: VersionId): ReadonlySet<string> {
  let set = names.get(id);
  if (!set) {
    set = new Set(versionTable(id).commands.map((c) => c.name.toLowerCase()));
    names.set(id, set);
  }
  return set;
}
