/**
 * The redis.conf tokenizer, with the rules of Redis's sdssplitargs: blanks separate tokens;
 * "..." understands \xHH \n \r \t \b \a and backslash-anything; '...' understands only \';
 * a quote may open mid-token (ab"c d" is one token), but a closing quote must be followed by a
 * blank or the end of the line; an unterminated quote fails the whole line.
 * Works on UTF-8 bytes, as Redis does, so \xHH escapes can build multi-byte characters.
 */
import { ConfigSyntaxError } from '../errors.js';

export const UNBALANCED_QUOTES = 'Unbalanced quotes in configuration line';

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

const BACKSLASH = 0x5c;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;

/** C isspace(): the blanks skipped between tokens. */
function isSpace(byte: number | undefined): boolean {
  return byte === 0x20 || (byte !== undefined && byte >= 0x09 && byte <= 0x0d);
}

/** The bytes that end an unquoted token (a narrower set than isspace: \v and \f stay in the token). */
function endsBareToken(byte: number | undefined): boolean {
  return byte === undefined || byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function hexValue(byte: number | undefined): number {
  if (byte === undefined) return -1;
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x61 + 10;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x41 + 10;
  return -1;
}

const ESCAPED: Readonly<Record<number, number>> = { 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09, 0x62: 0x08, 0x61: 0x07 };

/**
 * The common line: ASCII without quotes or NUL, so tokens are the runs between blanks and no
 * byte-level decoding is needed (the same result as the byte path below, without its copies).
 */
function splitPlain(line: string): string[] | null {
  // Token bounds go to a reused buffer first, so the result is allocated once at its exact length
  // (the caller keeps it as a directive's arguments; a grown array would keep spare capacity).
  let count = 0;
  let start = -1;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 0 || c === DOUBLE_QUOTE || c === SINGLE_QUOTE || c > 0x7f) return null;
    if (start === -1) {
      if (!isSpace(c)) start = i;
    } else if (endsBareToken(c)) {
      count = mark(count, start, i);
      start = -1;
    }
  }
  if (start !== -1) count = mark(count, start, line.length);
  const tokens: string[] = [];
  for (let t = 0; t < count; t++) tokens.push(line.slice(bounds[2 * t] as number, bounds[2 * t + 1] as number));
  return tokens;
}

let bounds = new Int32Array(64);

/** Records token `count` as [from, to) in `bounds`, growing it when full; returns the new count. */
function mark(count: number, from: number, to: number): number {
  if (2 * count + 2 > bounds.length) {
    const grown = new Int32Array(bounds.length * 2);
    grown.set(bounds);
    bounds = grown;
  }
  bounds[2 * count] = from;
  bounds[2 * count + 1] = to;
  return count + 1;
}

/** Splits one line into tokens, or returns null where Redis reports unbalanced quotes. */
export function splitArgs(line: string): string[] | null {
  const plain = splitPlain(line);
  if (plain !== null) return plain;
  const all = utf8Encoder.encode(line);
  // Redis hands sdssplitargs a C string: a NUL byte ends the line.
  const nul = all.indexOf(0);
  const bytes = nul === -1 ? all : all.subarray(0, nul);
  const tokens: string[] = [];
  let p = 0;
  for (;;) {
    while (p < bytes.length && isSpace(bytes[p])) p++;
    if (p >= bytes.length) return tokens;
    const current: number[] = [];
    let inDouble = false;
    let inSingle = false;
    for (let done = false; !done; ) {
      const c = bytes[p];
      if (inDouble) {
        if (c === undefined) return null;
        if (c === BACKSLASH && bytes[p + 1] === 0x78 && hexValue(bytes[p + 2]) >= 0 && hexValue(bytes[p + 3]) >= 0) {
          current.push(hexValue(bytes[p + 2]) * 16 + hexValue(bytes[p + 3]));
          p += 3;
        } else if (c === BACKSLASH && bytes[p + 1] !== undefined) {
          p++;
          const escaped = bytes[p] as number;
          current.push(ESCAPED[escaped] ?? escaped);
        } else if (c === DOUBLE_QUOTE) {
          if (bytes[p + 1] !== undefined && !isSpace(bytes[p + 1])) return null;
          done = true;
        } else {
          current.push(c);
        }
      } else if (inSingle) {
        if (c === undefined) return null;
        if (c === BACKSLASH && bytes[p + 1] === SINGLE_QUOTE) {
          p++;
          current.push(SINGLE_QUOTE);
        } else if (c === SINGLE_QUOTE) {
          if (bytes[p + 1] !== undefined && !isSpace(bytes[p + 1])) return null;
          done = true;
        } else {
          current.push(c);
        }
      } else if (endsBareToken(c)) {
        done = true;
      } else if (c === DOUBLE_QUOTE) {
        inDouble = true;
      } else if (c === SINGLE_QUOTE) {
        inSingle = true;
      } else {
        current.push(c as number);
      }
      if (p < bytes.length) p++;
    }
    tokens.push(utf8Decoder.decode(new Uint8Array(current)));
  }
}

/**
 * Tokenises one redis.conf line. Unbalanced quotes throw ConfigSyntaxError with Redis's wording,
 * at `where` (the caller's file and line) when given.
 */
export function tokenizeLine(line: string, where: { file: string; line: number } = { file: '<line>', line: 1 }): string[] {
  const tokens = splitArgs(line);
  if (tokens === null) throw new ConfigSyntaxError(UNBALANCED_QUOTES, where.file, where.line);
  return tokens;
}
