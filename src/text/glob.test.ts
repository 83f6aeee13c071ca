import { describe, expect, it } from 'vitest';
import { globStats, matchTokens, type GlobToken } from './glob.js';

const star: GlobToken = { kind: 'star', test: () => true };
const lit = (ch: string): GlobToken => ({ kind: 'one', test: (c) => c === ch.codePointAt(0) });

describe('matchTokens (Thompson simulation)', () => {
  it('matches stars, literals and the empty subject', () => {
    expect(matchTokens([star], '')).toBe(true);
    expect(matchTokens([lit('a'), star, lit('b')], 'axxb')).toBe(true);
    expect(matchTokens([lit('a'), star, lit('b')], 'axxc')).toBe(false);
    expect(matchTokens([], '')).toBe(true);
    expect(matchTokens([], 'a')).toBe(false);
  });

  it('costs at most about 2 x (tokens + 1) x (length + 1) steps on the classic backtracking killer', () => {
    const tokens: GlobToken[] = [];
    for (let i = 0; i < 500; i++) tokens.push(star, lit('a'));
    tokens.push(star, lit('b'));
    const subject = "a".repeat(1000);
    expect(matchTokens(tokens, subject)).toBe(false);
    expect(globStats.steps).toBeLessThanOrEqual(2 * (tokens.length + 1) * (subject.length + 1));
  });
});
