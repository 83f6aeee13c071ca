/**
 * Redis's `stringmatchlen` (util.c) re-expressed for byte strings: case-sensitive glob with
 * `*`, `?`, `[...]` (`^` negation, ranges, `\` escapes, unterminated class runs to the end) and
 * `\x` escapes. An empty subject matches only the empty pattern (the server's loop never runs).
 * Chars are compared as C's signed `char`, which matters only for ranges over bytes >= 0x80.
 */

const encoder = new TextEncoder();

/** Pattern kinds with a fast path; everything else goes through the byte matcher. */
type Compiled =
  | { kind: 'literal'; text: string }
  | { kind: 'any' } // "*" (or "**"...): any non-empty subject
  | { kind: 'prefix'; text: string } // "abc*": literal prefix then one trailing star run
  | { kind: 'glob'; bytes: Uint8Array };

const SPECIAL = /[*?[\\]/;

function compile(pattern: string): Compiled {
  if (!SPECIAL.test(pattern)) return { kind: 'literal', text: pattern };
  if (/^\*+$/.test(pattern)) return { kind: 'any' };
  const m = /^([^*?[\\]+)\*+$/.exec(pattern);
  if (m && m[1] !== undefined) return { kind: 'prefix', text: m[1] };
  return { kind: 'glob', bytes: encoder.encode(pattern) };
}

const cache = new Map<string, Compiled>();

function compiled(pattern: string): Compiled {
  let c = cache.get(pattern);
  if (!c) {
    if (cache.size > 10_000) cache.clear();
    c = compile(pattern);
    cache.set(pattern, c);
  }
  return c;
}

function signed(b: number): number {
  return b > 127 ? b - 256 : b;
}

interface MatchState {
  skipLonger: boolean;
  /** Max nesting of `*` expansions (CVE-2024-31228 guard); Infinity where the server has none. */
  limit: number;
}

/**
 * stringmatchlen_impl without recursion: each `*` the server would recurse on becomes a frame on
 * an explicit stack (star position, subject position), so a pattern of 15,000 stars cannot
 * overflow the JS stack. Frames, depth (the nesting limit), the shared skipLonger flag and the
 * order of attempts are the server's, so results are identical.
 */
function matchBytes(p: Uint8Array, s: Uint8Array, send: number, st: MatchState): boolean {
  const starAt: number[] = [];
  const subjectAt: number[] = [];
  let pi = 0;
  let si = 0;
  for (;;) {
    // One call of the server's function at (pi, si), nested stack.length deep.
    let result: boolean | undefined = starAt.length > st.limit ? false : undefined;
    if (result === undefined) {
      const r = matchFrom(p, pi, s, si, send);
      if (typeof r === 'number') {
        // A star at r with more pattern after it: try the rest at every subject position.
        starAt.push(r);
        subjectAt.push(lastSubject);
        pi = r + 1;
        si = lastSubject;
        continue;
      }
      result = r;
    }
    // Return `result` to the star frames above.
    for (;;) {
      const top = starAt.length - 1;
      if (top < 0 || result) return result;
      if (st.skipLonger) {
        starAt.pop();
        subjectAt.pop();
        continue;
      }
      const next = subjectAt[top]! + 1;
      if (next >= send) {
        st.skipLonger = true;
        starAt.pop();
        subjectAt.pop();
        continue;
      }
      subjectAt[top] = next;
      pi = starAt[top]! + 1;
      si = next;
      break;
    }
  }
}

/** Subject position where matchFrom stopped at a star (valid when it returns a number). */
let lastSubject = 0;

/**
 * The server's loop from (pi, si) up to the first `*` that needs trying at several positions:
 * returns the pattern index of that star (its run of stars collapsed; lastSubject holds the
 * subject position), or the call's result when no such star is reached.
 */
function matchFrom(p: Uint8Array, pi: number, s: Uint8Array, si: number, send: number): boolean | number {
  let plen = p.length - pi;
  let slen = send - si;
  while (plen > 0 && slen > 0) {
    const c = p[pi]!;
    if (c === 42 /* * */) {
      while (plen > 1 && p[pi + 1] === 42) {
        pi++;
        plen--;
      }
      if (plen === 1) return true;
      lastSubject = si;
      return pi;
    } else if (c === 63 /* ? */) {
      si++;
      slen--;
    } else if (c === 91 /* [ */) {
      pi++;
      plen--;
      const not = p[pi] === 94; /* ^ */
      if (not) {
        pi++;
        plen--;
      }
      let match = false;
      const sc = s[si]!;
      for (;;) {
        if (p[pi] === 92 && plen >= 2) {
          pi++;
          plen--;
          if (p[pi] === sc) match = true;
        } else if (p[pi] === 93 /* ] */ && plen > 0) {
          break;
        } else if (plen === 0) {
          pi--;
          plen++;
          break;
        } else if (plen >= 3 && p[pi + 1] === 45 /* - */) {
          let start = signed(p[pi]!);
          let end = signed(p[pi + 2]!);
          const x = signed(sc);
          if (start > end) [start, end] = [end, start];
          pi += 2;
          plen -= 2;
          if (x >= start && x <= end) match = true;
        } else if (p[pi] === sc) {
          match = true;
        }
        pi++;
        plen--;
      }
      if (not) match = !match;
      if (!match) return false;
      si++;
      slen--;
    } else {
      if (c === 92 && plen >= 2) {
        pi++;
        plen--;
      }
      if (p[pi] !== s[si]) return false;
      si++;
      slen--;
    }
    pi++;
    plen--;
    if (slen === 0) {
      while (plen > 0 && p[pi] === 42) {
        pi++;
        plen--;
      }
      break;
    }
  }
  return plen === 0 && slen === 0;
}

let scratch = new Uint8Array(256);

/** The subject's UTF-8 bytes in a reused buffer (keys are short and mostly ASCII); returns the length. */
function subjectBytes(subject: string): number {
  const n = subject.length;
  if (scratch.length < n * 3) scratch = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const c = subject.charCodeAt(i);
    if (c > 0x7f) return encoder.encodeInto(subject, scratch).written;
    scratch[i] = c;
  }
  return n;
}

/** Reused across calls (matching is synchronous): no allocation per match. */
const state: MatchState = { skipLonger: false, limit: 0 };

function general(bytes: Uint8Array, subject: string, nestingLimit: boolean): boolean {
  const n = subjectBytes(subject);
  state.skipLonger = false;
  state.limit = nestingLimit ? 1000 : Infinity;
  return matchBytes(bytes, scratch, n, state);
}

/** The general byte matcher without fast paths (exported for tests). */
export function globMatchGeneral(pattern: string, subject: string, nestingLimit = true): boolean {
  return general(encoder.encode(pattern), subject, nestingLimit);
}

/** The general matcher with an explicit nesting limit (exported for tests of the guard). */
export function globMatchWithLimit(pattern: string, subject: string, limit: number): boolean {
  const n = subjectBytes(subject);
  state.skipLonger = false;
  state.limit = limit;
  return matchBytes(encoder.encode(pattern), scratch, n, state);
}

/** Whether `subject` matches glob `pattern` exactly as Redis's stringmatchlen(nocase=0) decides. */
export function globMatch(pattern: string, subject: string, nestingLimit = true): boolean {
  const c = compiled(pattern);
  switch (c.kind) {
    case 'literal':
      return c.text === subject;
    case 'any':
      return subject.length > 0;
    case 'prefix':
      return subject.startsWith(c.text);
    case 'glob':
      return general(c.bytes, subject, nestingLimit);
  }
}

/** A matcher for one pattern, so hot loops skip the pattern-cache lookup. */
export function compileGlob(pattern: string, nestingLimit = true): (subject: string) => boolean {
  const c = compile(pattern);
  switch (c.kind) {
    case 'literal': {
      const t = c.text;
      return (subject) => subject === t;
    }
    case 'any':
      return (subject) => subject.length > 0;
    case 'prefix': {
      const t = c.text;
      return (subject) => subject.startsWith(t);
    }
    case 'glob': {
      const bytes = c.bytes;
      return (subject) => general(bytes, subject, nestingLimit);
    }
  }
}
