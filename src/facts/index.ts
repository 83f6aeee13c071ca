export { known, unknown } from './types.js';
export type { Known, ConfigValue, UserFacts, TlsSessionFacts, CertificateFacts, FileFacts, ServerFacts } from './types.js';
