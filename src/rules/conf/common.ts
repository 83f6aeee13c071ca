/** Shared wording of the config-file rules. */
import type { ServerFacts } from '../../facts/types.js';
import type { Location } from '../../report/types.js';

/** "Redis 6.2", "Redis 7.0.15", "Valkey 8.0": the target the files were linted for. */
export function targetName(facts: ServerFacts): string {
  if (facts.version === null && facts.tables !== undefined) return facts.tables.target;
  const flavor = facts.flavor === 'valkey' ? 'Valkey' : 'Redis';
  const version = facts.version ?? facts.versionId?.replace(/^valkey-/, '') ?? 'of unknown version';
  return `${flavor} ${version}`;
}

export const at = (l: Location): string => `${l.file}:${l.line}`;
