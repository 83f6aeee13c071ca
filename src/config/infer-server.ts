/**
 * Which server a config file was written for, when the user did not say (lint without
 * --redis-version): the stock file's header names the flavour ("# Valkey configuration file
 * example." / "# Redis configuration file example."), and directives only one flavour's tables
 * know decide it too; the version is the oldest table of that flavour that knows every directive
 * the file sets. Every guess says why, for the report.
 */
import { flavorOf, tableName, VERSION_IDS, type Flavor, type VersionId } from '../versions/index.js';
import { directiveSupport } from './support.js';
import type { Directive } from './types.js';

export interface ServerGuess {
  version: VersionId;
  /** One sentence: what was assumed and from what. */
  why: string;
  /** False when nothing in the file pointed anywhere (the fallback was used). */
  fromFile: boolean;
}

/** Only the file's opening comment block is read for the header. */
const HEADER_LINES = 40;

function headerFlavor(text: string): Flavor | undefined {
  for (const line of text.split('\n', HEADER_LINES)) {
    const t = line.trim();
    if (t !== '' && !t.startsWith('#')) break;
    if (/^#\s*valkey configuration file/i.test(t)) return 'valkey';
    if (/^#\s*redis configuration file/i.test(t)) return 'redis';
  }
  return undefined;
}

const known = (name: string, id: VersionId): boolean => directiveSupport(name, id).known && !directiveSupport(name, id).uncertain;

/**
 * `fallback` is used when nothing in the file points anywhere (and for the Redis line when the file
 * is Redis-like). Directives are judged by name only.
 */
export function inferServer(mainText: string, directives: readonly Directive[], fallback: VersionId): ServerGuess {
  const names = [...new Set(directives.map((d) => d.name))];
  const ids = (flavor: Flavor) => VERSION_IDS.filter((id) => flavorOf(id) === flavor);
  const knownBy = (flavor: Flavor) => (name: string) => ids(flavor).some((id) => known(name, id));
  const valkeyOnly = names.filter((n) => knownBy('valkey')(n) && !knownBy('redis')(n));
  const redisOnly = names.filter((n) => knownBy('redis')(n) && !knownBy('valkey')(n));
  const header = headerFlavor(mainText);

  const reasons: string[] = [];
  let flavor: Flavor;
  if (header !== undefined) {
    flavor = header;
    reasons.push(`its header says "${header === 'valkey' ? 'Valkey' : 'Redis'} configuration file"`);
  } else if (valkeyOnly.length > redisOnly.length) {
    flavor = 'valkey';
  } else {
    flavor = flavorOf(fallback);
  }
  const only = flavor === 'valkey' ? valkeyOnly : redisOnly;
  if (only.length > 0) reasons.push(`it sets ${only.slice(0, 4).join(', ')}${only.length > 4 ? ', ...' : ''}, which only ${flavor === 'valkey' ? 'Valkey' : 'Redis'} knows`);

  // The oldest table of the flavour (not older than the fallback on its own line) that knows every directive set.
  const candidates = ids(flavor).filter((id) => flavorOf(fallback) !== flavor || VERSION_IDS.indexOf(id) >= VERSION_IDS.indexOf(fallback));
  const relevant = names.filter((n) => ids(flavor).some((id) => known(n, id)));
  const fits = candidates.find((id) => relevant.every((n) => known(n, id)));
  const version = fits ?? candidates[candidates.length - 1] ?? fallback;
  if (reasons.length === 0 && version !== fallback) {
    const lacking = relevant.filter((n) => !known(n, fallback));
    reasons.push(`it sets ${lacking.slice(0, 3).join(', ')}, which the default tables (${tableName(fallback)}) do not know`);
  }
  if (reasons.length === 0) return { version: fallback, fromFile: false, why: `no --redis-version and nothing in the file names a server: judged with the tables of ${tableName(fallback)} (the default)` };
  const previous = candidates[candidates.indexOf(version) - 1];
  const newer = previous === undefined ? [] : relevant.filter((n) => !known(n, previous));
  const versionWhy =
    version === candidates[0]
      ? 'the oldest tables of that line that know every directive it sets'
      : `the oldest tables that know ${newer.slice(0, 3).join(', ')}${fits === undefined ? ' (no table knows them all)' : ''}`;
  return { version, fromFile: true, why: `no --redis-version: the file looks written for ${flavor === 'valkey' ? 'Valkey' : 'Redis'} (${reasons.join('; ')}), so it is judged with the tables of ${tableName(version)}, ${versionWhy}; --redis-version overrides this` };
}
