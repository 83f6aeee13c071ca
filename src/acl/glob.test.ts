import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globMatch, globMatchGeneral } from './glob.js';

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
