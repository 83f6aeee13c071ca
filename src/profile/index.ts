export {
  ProfileSchema,
  ApplicationSchema,
  SECURITY_LEVELS,
  COMPLIANCE_FRAMEWORKS,
  NETWORK_EXPOSURES,
  TLS_KEY_ALGORITHMS,
  profileJsonSchema,
} from './schema.js';
export type {
  Profile,
  ProfileInput,
  ParsedProfile,
  Application,
  SecurityLevel,
  ComplianceFramework,
  NetworkExposure,
  TlsKeyAlgorithm,
} from './schema.js';
export { parseProfile, parseProfileJson, RESERVED_USER_NAMES, DEFAULT_APPLICATION, fieldPath } from './parse.js';
export { secretEnvName } from './names.js';
