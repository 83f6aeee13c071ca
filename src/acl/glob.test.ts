import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globMatch, globMatchGeneral, globMatchWithLimit as matchWithLimit } from './glob.js';

// Cases follow stringmatchlen's documented behaviour (redis src/util.c); the live comparison is
// in test/e2e/acl-differential.test.ts, where every key and channel check goes through this code.
const CASES: [pattern: string, subject: string, match: boolean][] = [
  ['*', 'abc', true],
  ['*', '', false], // the empty subject never matches a non-empty pattern
  ['', '', true],
  ['', 'a', false],
  ['a*', 'a', true],
  ['a*', 'abc', true],
  ['a*', 'ba', false],
  ['a**', 'a', true],
  ['*c', 'abc', true],
  ['a?c', 'abc', true],
  ['a?c', 'ac', false],
  ['k[ab]', 'ka', true],
  ['k[ab]', 'kc', false],
  ['k[^ab]', 'kc', true],
  ['k[^ab]', 'ka', false],
  ['k[!ab]', 'k!', true], // '!' is not negation in Redis
  ['[a-c]x', 'bx', true],
  ['[c-a]x', 'bx', true], // reversed ranges are swapped
  ['[a-c]x', 'dx', false],
  ['x\\*', 'x*', true],
  ['x\\*', 'xy', false],
  ['x\\', 'x\\', true], // a trailing lone backslash matches itself
  ['[a\\]]', ']', true],
  ['k[ab', 'ka', true], // an unterminated class runs to the end of the pattern
  ['k[ab', 'kb', true],
  ['k[', 'k[', false],
  ['*b*', 'abc', true],
  ['*b*', 'b', true],
  ['ab*c', 'abxxc', true],
  ['ab*c', 'abxxd', false],
  ['news.*', 'news.t', true],
  ['é*', 'é', true],
  ['?', 'é', false], // byte-wise: 'é' is two bytes in UTF-8
  ['??', 'é', true],
];

describe('globMatch (stringmatchlen)', () => {
  it.each(CASES)('%j vs %j -> %s', (pattern, subject, match) => {
    expect(globMatch(pattern, subject)).toBe(match);
  });

  it('gives up on patterns nested deeper than 1000 stars where the server has the guard', () => {
    const pattern = `${'a*'.repeat(1001)}b`;
    const subject = 'a'.repeat(1001);
    expect(globMatch(pattern, `${subject}b`, true)).toBe(false);
    expect(globMatch(pattern, `${subject}b`, false)).toBe(true);
  });

  it('fast paths agree with the general matcher', () => {
    const alphabet = fc.constantFrom('a', 'b', '*', '?', '[', ']', '^', '-', '\\');
    fc.assert(
      fc.property(fc.string({ unit: alphabet, maxLength: 6 }), fc.string({ unit: fc.constantFrom('a', 'b', '*', '[', '-'), maxLength: 6 }), (p, s) => {
        expect(globMatch(p, s)).toBe(globMatchGeneral(p, s));
      }),
      { numRuns: 500 },
    );
  });
});

// The recursive form of stringmatchlen_impl (as the server writes it, and as this module did
// before it became iterative): the oracle for the explicit-stack version on small inputs.
const signedByte = (b: number): number => (b > 127 ? b - 256 : b);
function recursive(p: Uint8Array, pi: number, s: Uint8Array, si: number, send: number, st: { skipLonger: boolean; limit: number }, nesting: number): boolean {
  if (nesting > st.limit) return false;
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
      while (slen > 0) {
        if (recursive(p, pi + 1, s, si, send, st, nesting + 1)) return true;
        if (st.skipLonger) return false;
        si++;
        slen--;
      }
      st.skipLonger = true;
      return false;
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
          let start = signedByte(p[pi]!);
          let end = signedByte(p[pi + 2]!);
          const x = signedByte(sc);
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

function recursiveMatch(pattern: string, subject: string, limit: number): boolean {
  const s = new TextEncoder().encode(subject);
  return recursive(new TextEncoder().encode(pattern), 0, s, 0, s.length, { skipLonger: false, limit }, 0);
}

describe('globMatch without recursion (hostile patterns)', () => {
  it('decides exactly as the recursive matcher, nesting limit included', () => {
    const unit = fc.constantFrom('a', 'b', '*', '?', '[', ']', '^', '-', '\\');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 10 }), fc.string({ unit: fc.constantFrom('a', 'b', '-', ']'), maxLength: 8 }), fc.integer({ min: 0, max: 3 }), (p, s, limit) => {
        expect(globMatchGeneral(p, s, false)).toBe(recursiveMatch(p, s, Infinity));
        // A small nesting limit exercises the guard's early "no match".
        expect(matchWithLimit(p, s, limit)).toBe(recursiveMatch(p, s, limit));
      }),
      { numRuns: 2000 },
    );
  });

  it('matches a 15,000-star pattern (no stack overflow), with and without the nesting guard', () => {
    const pattern = `${'a*'.repeat(15_000)}b`;
    const subject = `${'a'.repeat(15_000)}b`;
    expect(globMatch(pattern, subject, false)).toBe(true);
    expect(globMatch(pattern, 'a'.repeat(15_000), false)).toBe(false);
    expect(globMatch(pattern, subject, true)).toBe(false); // deeper than 1000: the guard says no
    expect(globMatch(`${'*a'.repeat(15_000)}*`, 'a'.repeat(20_000), false)).toBe(true);
  });
});
