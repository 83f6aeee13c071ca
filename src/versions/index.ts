export { VERSION_IDS } from './types.js';
export type { VersionId, Flavor, VersionTable, CommandInfo, KeySpec } from './types.js';
export { versionTable, isVersionId, resolveVersionId, commandNames } from './load.js';
export { TABLE_RELEASES, VERSION_LIST, chooseTable, requestVersion, tableName, newerThanTablesNote, tablesUsed, type TablesUsed, flavorOf, parseTriple, compareTriples, type TableChoice, type VersionRequest } from './lines.js';
