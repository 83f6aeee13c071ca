import { versionTable, type VersionId } from '../versions/index.js';

/**
 * Categories Redis 8's modules add when loaded (Query Engine, JSON, time series, probabilistic
 * types); the tables come from servers without them, so offline they are unknown.
 */
export const MODULE_CATEGORIES: readonly string[] = ['search', 'json', 'timeseries', 'bloom', 'cuckoo', 'cms', 'topk', 'tdigest'];

/**
 * For a rule the engine refused as "Unknown command or category name": when it names a category
 * the version's table lacks, one sentence saying so (undefined for other rules).
 */
export function unknownCategoryNote(rule: string, version: VersionId, extra?: Readonly<Record<string, readonly string[]>>): string | undefined {
  const m = /^\(?[+-]@([^\s)]+)/.exec(rule);
  const name = m?.[1]?.toLowerCase();
  if (name === undefined || name === 'all') return undefined;
  if (versionTable(version).categories.includes(name) || (extra && Object.hasOwn(extra, name))) return undefined;
  const module = MODULE_CATEGORIES.includes(name) ? ` (a module category: it exists only on servers that load the module, e.g. Redis 8 with modules)` : '';
  return `@${name} is not a category of the ${version} tables${module}; redsec judges it unknown offline: audit the live server, which reads its categories from ACL CAT`;
}
