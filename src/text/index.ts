export { visible, hasUnsafe } from './visible.js';
export { trimSet } from './trim.js';
export { maskUrlPasswords } from './mask-urls.js';
export { parseDurationMs } from './duration.js';
