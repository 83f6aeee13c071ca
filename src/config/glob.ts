/**
 * POSIX glob(3) as Redis 7 calls it for `include` (flags 0): `*`, `?`, `[...]` (with `!`/`^`
 * negation and ranges), backslash escapes, a leading `.` only matched literally, results sorted
 * in byte order (the C locale). No brace or tilde expansion: glob(3) does neither without flags.
 */
import { posix as path } from 'node:path';
import type { DirEntry } from './types.js';

/** Redis decides between glob and plain open by these three characters alone. */
export function hasWildcard(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

function escapeRegExp(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch;
}

function escapeClassChar(ch: string): string {
  return /[\\\]\[^-]/.test(ch) ? `\\${ch}` : ch;
}

/** Translates one path component to a RegExp, or returns null when it has no magic (a literal name). */
function componentMatcher(component: string): { regexp: RegExp; literal: null } | { regexp: null; literal: string } {
  let source = '';
  let literal = '';
  let magic = false;
  const chars = [...component];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string;
    if (ch === '\\' && i + 1 < chars.length) {
      const next = chars[++i] as string;
      source += escapeRegExp(next);
      literal += next;
    } else if (ch === '*') {
      magic = true;
      source += '.*';
    } else if (ch === '?') {
      magic = true;
      source += '.';
    } else if (ch === '[') {
      const close = bracketEnd(chars, i);
      if (close === -1) {
        source += '\\[';
        literal += '[';
        continue;
      }
      magic = true;
      source += bracketRegExp(chars.slice(i + 1, close));
      i = close;
    } else {
      source += escapeRegExp(ch);
      literal += ch;
    }
  }
  return magic ? { regexp: new RegExp(`^${source}$`, 'su'), literal: null } : { regexp: null, literal };
}

/** Index of the `]` closing the bracket expression opened at `open`, or -1 (then `[` is literal). */
function bracketEnd(chars: string[], open: number): number {
  let i = open + 1;
  if (chars[i] === '!' || chars[i] === '^') i++;
  if (chars[i] === ']') i++; // a leading ']' is a member, not the end
  for (; i < chars.length; i++) if (chars[i] === ']') return i;
  return -1;
}

function bracketRegExp(body: string[]): string {
  let i = 0;
  let negate = false;
  if (body[0] === '!' || body[0] === '^') {
    negate = true;
    i = 1;
  }
  let set = '';
  for (; i < body.length; i++) {
    const ch = body[i] as string;
    if (ch === '\\' && i + 1 < body.length) {
      set += escapeClassChar(body[++i] as string);
    } else if (body[i + 1] === '-' && i + 2 < body.length) {
      set += `${escapeClassChar(ch)}-${escapeClassChar(body[i + 2] as string)}`;
      i += 2;
    } else {
      set += escapeClassChar(ch);
    }
  }
  return negate ? `[^/${set}]` : `[${set}]`;
}

/**
 * Expands `pattern` against the directory tree seen through `listDir`, relative to `cwd`.
 * Returns paths spelled as the pattern spells them (relative stays relative), sorted.
 */
export function expandGlob(pattern: string, cwd: string, listDir: (dir: string) => DirEntry[] | undefined): string[] {
  const absolute = pattern.startsWith('/');
  const components = pattern.split('/').filter((c, i) => c !== '' || i === 0);
  if (absolute) components.shift();
  let partial: { shown: string; real: string }[] = [{ shown: absolute ? '/' : '', real: absolute ? '/' : cwd }];
  components.forEach((component, index) => {
    const last = index === components.length - 1;
    const matcher = componentMatcher(component);
    const next: { shown: string; real: string }[] = [];
    for (const base of partial) {
      const entries = listDir(base.real);
      if (!entries) continue;
      for (const entry of entries) {
        if (!last && !entry.isDirectory) continue;
        const matches =
          matcher.literal !== null
            ? entry.name === matcher.literal
            : (!entry.name.startsWith('.') || component.startsWith('.')) && matcher.regexp.test(entry.name);
        if (matches) next.push({ shown: joinShown(base.shown, entry.name), real: path.join(base.real, entry.name) });
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
