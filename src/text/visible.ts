/**
 * Makes a string that someone else controls (a server reply, an ACL user name, a certificate field,
 * a config value) safe to print on one line: every C0/C1 control character, DEL, the Unicode line
 * separators and the bidirectional overrides (which can reorder what a terminal or browser shows)
 * become visible escapes. A newline inside a value can then never start a line that looks like one
 * of ours, and an ESC can never reach the reader's terminal.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeOne(c: string): string {
  const named = NAMED[c];
  if (named !== undefined) return named;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

export function visible(s: string): string {
  return s.replace(UNSAFE, escapeOne);
}

/** True when `s` holds a character that `visible` would escape. */
export function hasUnsafe(s: string): boolean {
  UNSAFE.lastIndex = 0;
  const found = UNSAFE.test(s);
  UNSAFE.lastIndex = 0;
  return found;
}
