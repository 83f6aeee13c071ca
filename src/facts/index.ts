export { known, unknown } from './types.js';
export type { Known, ConfigValue, UserFacts, TlsSessionFacts, CertificateFacts, FileFacts, ServerFacts } from './types.js';
export { collectLive, INFO_SECTIONS, LIVE_BASE_COMMANDS, type ProbeConnection, type LiveCollectOptions } from './live.js';
export { parseInfo, type InfoSections } from './info.js';
export { identifyServer, nearestVersionId, compareVersions, type ServerIdentity } from './identity.js';
export { DRYRUN_PROBES, WATCHED_COMMANDS, probeKey } from './probes.js';
export { collectFiles, type FilesCollectOptions } from './files.js';
