import { chooseTable, tablesUsed, versionTable, type TablesUsed, type Flavor, type VersionId } from '../versions/index.js';

export interface ServerIdentity {
  flavor: Flavor | 'unknown';
  version: string | null;
  versionId: VersionId | null;
  /** The tables chosen for the version, with a note when the server is newer than them. */
  tables?: TablesUsed | undefined;
}

/**
 * Flavor and version from INFO server. Valkey reports redis_version 7.2.4 for compatibility, so
 * server_name/valkey_version win when present. (Valkey with extended-redis-compatibility looks
 * like Redis on purpose; nothing in INFO tells them apart then.)
 */
export function identifyServer(server: Record<string, string> | undefined): ServerIdentity {
  if (!server) return { flavor: 'unknown', version: null, versionId: null };
  const valkey = server['valkey_version'] ?? (server['server_name'] === 'valkey' ? server['redis_version'] : undefined);
  if (valkey) return identified('valkey', valkey);
  const redis = server['redis_version'];
  if (redis) return identified('redis', redis);
  return { flavor: 'unknown', version: null, versionId: null };
}

function identified(flavor: Flavor, version: string): ServerIdentity {
  const choice = chooseTable(flavor, version);
  if (!choice) return { flavor, version, versionId: null };
  return { flavor, version, versionId: choice.id, tables: tablesUsed(choice, flavor, version) };
}

function parseVersion(v: string): number[] | null {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(v.trim());
  if (!m) return null;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

export function compareVersions(a: string, b: string): number {
  const pa = parseVersion(a) ?? [0, 0, 0];
  const pb = parseVersion(b) ?? [0, 0, 0];
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The table to use for an exact version: the newest table of that flavor not newer than the
 * server's major.minor, else the oldest one (a 6.0 server is closest to the 6.2 table).
 */
export function nearestVersionId(flavor: Flavor, version: string): VersionId | null {
  return chooseTable(flavor, version)?.id ?? null;
}

/** True when the version's table says ACL DRYRUN exists (7.0+). */
export function hasDryrun(id: VersionId | null): boolean {
  return id !== null && versionTable(id).aclDryrun;
}
