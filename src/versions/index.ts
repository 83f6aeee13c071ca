export { VERSION_IDS } from './types.js';
export type { VersionId, Flavor, VersionTable, CommandInfo, KeySpec } from './types.js';
export { versionTable, isVersionId, resolveVersionId } from './load.js';
