/**
 * The emitter: quotes arguments the way Redis's sdscatrepr does (CONFIG REWRITE uses it), so
 * every string survives a round trip through redis.conf: tokenizeLine(emitDirective(n, a)) = [n, ...a].
 */

const utf8 = new TextEncoder();

/** Bytes that may stand unquoted: printable ASCII except space and the two quote characters. */
function isBareByte(byte: number): boolean {
  return byte > 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x27;
}

/** Escapes for the bytes sdscatrepr does not print as themselves (besides \xHH). */
const NAMED_ESCAPES: Readonly<Record<number, string>> = {
  0x5c: '\\\\',
  0x22: '\\"',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
  0x07: '\\a',
  0x08: '\\b',
};

/** `arg` as one redis.conf token: bare when that is unambiguous, else double-quoted like sdscatrepr. */
export function quoteArg(arg: string): string {
  const bytes = utf8.encode(arg);
  // A leading '#' is quoted too, so a token never reads as a comment wherever it lands on a line.
  const bare = bytes.length > 0 && bytes[0] !== 0x23 && bytes.every(isBareByte);
  if (bare) return arg;
  let out = '"';
  for (const byte of bytes) {
    const named = NAMED_ESCAPES[byte];
    if (named !== undefined) out += named;
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return `${out}"`;
}

/** One redis.conf line (no newline) setting `name` to `args`. */
export function emitDirective(name: string, args: readonly string[]): string {
  return [name, ...args].map(quoteArg).join(' ');
}
