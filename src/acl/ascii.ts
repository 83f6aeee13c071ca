/**
 * Lower-cases A-Z only, as C's tolower()/strcasecmp() do in Redis. JavaScript's toLowerCase also
 * folds some non-ASCII letters to ASCII (the Kelvin sign U+212A becomes "k"), so "\u212AEYS" would
 * resolve to KEYS where Redis answers "unknown command".
 */
export function asciiLower(s: string): string {
  const lower = s.toLowerCase();
  // Pure ASCII (the common case) stays on the native path; only non-ASCII input needs the slow one.
  return lower === s || !NON_ASCII.test(s) ? lower : s.replace(ASCII_UPPER, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

const NON_ASCII = /[^\x00-\x7f]/;
const ASCII_UPPER = /[A-Z]/g;
