/**
 * POSIX glob(3) as Redis 7 calls it for `include` (flags 0): `*`, `?`, `[...]` (with `!`/`^`
 * negation and ranges), backslash escapes, a leading `.` only matched literally, results sorted
 * in byte order (the C locale). No brace or tilde expansion: glob(3) does neither without flags.
 */
import { posix as path } from 'node:path';
import { collapseStars, matchTokens, type GlobToken } from '../text/glob.js';
import type { DirEntry } from './types.js';

/** Redis decides between glob and plain open by these three characters alone. */
export function hasWildcard(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

type Matcher = { tokens: GlobToken[]; literal: null } | { tokens: null; literal: string };

const anyChar = (): boolean => true;

/** Translates one path component to glob tokens, or returns its literal name when it has no magic. */
function componentMatcher(component: string): Matcher {
  const tokens: GlobToken[] = [];
  let literal = '';
  let magic = false;
  const chars = [...component];
  const one = (ch: string): void => {
    const c = ch.codePointAt(0)!;
    tokens.push({ kind: 'one', test: (x) => x === c });
  };
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string;
    if (ch === '\\' && i + 1 < chars.length) {
      const next = chars[++i] as string;
      one(next);
      literal += next;
    } else if (ch === '*') {
      magic = true;
      tokens.push({ kind: 'star', test: anyChar });
    } else if (ch === '?') {
      magic = true;
      tokens.push({ kind: 'one', test: anyChar });
    } else if (ch === '[') {
      const close = bracketEnd(chars, i);
      if (close === -1) {
        one('[');
        literal += '[';
        continue;
      }
      magic = true;
      tokens.push({ kind: 'one', test: bracketTest(chars.slice(i + 1, close)) });
      i = close;
    } else {
      one(ch);
      literal += ch;
    }
  }
  return magic ? { tokens: collapseStars(tokens), literal: null } : { tokens: null, literal };
}

/** Index of the `]` closing the bracket expression opened at `open`, or -1 (then `[` is literal). */
function bracketEnd(chars: string[], open: number): number {
  let i = open + 1;
  if (chars[i] === '!' || chars[i] === '^') i++;
  if (chars[i] === ']') i++; // a leading ']' is a member, not the end
  for (; i < chars.length; i++) if (chars[i] === ']') return i;
  return -1;
}

/** The members of a bracket expression as a test on a code point (a reversed range matches nothing). */
function bracketTest(body: string[]): (c: number) => boolean {
  let i = 0;
  let negate = false;
  if (body[0] === '!' || body[0] === '^') {
    negate = true;
    i = 1;
  }
  const singles = new Set<number>();
  const ranges: [number, number][] = [];
  const code = (ch: string): number => ch.codePointAt(0)!;
  for (; i < body.length; i++) {
    const ch = body[i] as string;
    if (ch === '\\' && i + 1 < body.length) {
      singles.add(code(body[++i] as string));
    } else if (body[i + 1] === '-' && i + 2 < body.length) {
      ranges.push([code(ch), code(body[i + 2] as string)]);
      i += 2;
    } else {
      singles.add(code(ch));
    }
  }
  const member = (c: number): boolean => singles.has(c) || ranges.some(([lo, hi]) => c >= lo && c <= hi);
  return negate ? (c) => c !== 0x2f && !member(c) : member;
}

/** Expanding a pattern would cost more than allowed, or goes round a symbolic-link loop. */
export class GlobLimitError extends Error {}

export interface ExpandOptions {
  /** Directory entries the expansion may look at in all (every listed entry counts). */
  maxEntries?: number | undefined;
  /** Real path of a directory; with it, a path that re-enters a directory it already went through is refused. */
  realPath?: ((path: string) => string | undefined) | undefined;
}

interface Partial {
  shown: string;
  real: string;
  /** Real paths of the directories this path went through (with realPath only). */
  through: readonly string[];
}

/**
 * Expands `pattern` against the directory tree seen through `listDir`, relative to `cwd`.
 * Returns paths spelled as the pattern spells them (relative stays relative), sorted.
 * Bounded: at most `maxEntries` entries looked at; a symbolic-link loop (`/proc/*\/root/proc/...`)
 * is refused rather than walked.
 */
export function expandGlob(pattern: string, cwd: string, listDir: (dir: string) => DirEntry[] | undefined, opts: ExpandOptions = {}): string[] {
  const maxEntries = opts.maxEntries ?? Infinity;
  const realPath = opts.realPath;
  const absolute = pattern.startsWith('/');
  const components = pattern.split('/').filter((c, i) => c !== '' || i === 0);
  if (absolute) components.shift();
  // Leading literal components are joined, not looked up in listings: the first directory
  // listed is the deepest one the pattern names outright (glob(3) finds the same matches).
  let fixed = 0;
  let shownStart = absolute ? '/' : '';
  let start = absolute ? '/' : cwd;
  for (; fixed < components.length - 1; fixed++) {
    const m = componentMatcher(components[fixed] as string);
    if (m.literal === null) break;
    shownStart = joinShown(shownStart, m.literal);
    start = path.join(start, m.literal);
  }
  let partial: Partial[] = [{ shown: shownStart, real: start, through: realPath ? [realPath(start) ?? start] : [] }];
  let seen = 0;
  components.slice(fixed).forEach((component, offset) => {
    const index = fixed + offset;
    const last = index === components.length - 1;
    const matcher = componentMatcher(component);
    const next: Partial[] = [];
    for (const base of partial) {
      const entries = listDir(base.real);
      if (!entries) continue;
      seen += entries.length;
      if (seen > maxEntries) throw new GlobLimitError(`the pattern makes redsec look at more than ${maxEntries} directory entries`);
      for (const entry of entries) {
        if (!last && !entry.isDirectory) continue;
        const matches =
          matcher.literal !== null
            ? entry.name === matcher.literal
            : (!entry.name.startsWith('.') || component.startsWith('.')) && matchTokens(matcher.tokens, entry.name);
        if (!matches) continue;
        const shown = joinShown(base.shown, entry.name);
        const real = path.join(base.real, entry.name);
        let through = base.through;
        if (realPath && !last) {
          const r = realPath(real) ?? real;
          if (through.includes(r)) throw new GlobLimitError(`${shown} leads back to a directory the pattern already went through (a symbolic-link loop)`);
          through = [...through, r];
        }
        next.push({ shown, real, through });
      }
    }
    partial = next;
  });
  const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
  return partial.map((p) => p.shown).sort(byBytes);
}

function joinShown(base: string, name: string): string {
  if (base === '') return name;
  return base.endsWith('/') ? base + name : `${base}/${name}`;
}
