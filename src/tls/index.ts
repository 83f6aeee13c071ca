export { MOZILLA_PROFILES, redisTlsDirectives } from './mozilla.js';
export type { MozillaProfile, MozillaProfileName } from './mozilla.js';
