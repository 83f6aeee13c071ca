/**
 * A glob matcher whose cost is bounded by pattern length times subject length, whatever the
 * pattern: globs come from config files and waiver files that others write, and a RegExp built
 * from `*?*?*?...#` backtracks exponentially. Each dialect (glob(3) for includes, waiver globs)
 * compiles its syntax to these tokens; the matcher runs them as a set of pattern positions
 * advanced one subject character at a time (a Thompson NFA), so there is nothing to backtrack.
 * Redis's own ACL matcher (acl/glob.ts) is separate: it must reproduce stringmatchlen's quirks.
 */

/** One pattern element: a single character from a set, or any run (possibly empty) of them. */
export type GlobToken = { kind: 'one'; test: (c: number) => boolean } | { kind: 'star'; test: (c: number) => boolean };

/** Longest pattern any dialect accepts (characters); longer ones are refused by the caller. */
export const MAX_GLOB_LENGTH = 4096;

/** Work counter for tests: steps taken by the last match (token visits). */
export const globStats = { steps: 0 };

/**
 * Whether the code points of `subject` match `tokens` as a whole. Cost: at most
 * (tokens + 1) x (code points + 1) token visits.
 */
export function matchTokens(tokens: readonly GlobToken[], subject: string): boolean {
  const n = tokens.length;
  let current = new Uint8Array(n + 1);
  let next = new Uint8Array(n + 1);
  let steps = 0;
  // A star can match nothing: entering its position also enters the one after it.
  const close = (set: Uint8Array): boolean => {
    let any = false;
    for (let i = 0; i <= n; i++) {
      steps++;
      if (!set[i]) continue;
      any = true;
      if (i < n && tokens[i]!.kind === 'star') set[i + 1] = 1;
    }
    return any;
  };
  current[0] = 1;
  close(current);
  for (const ch of subject) {
    const c = ch.codePointAt(0)!;
    next.fill(0);
    for (let i = 0; i < n; i++) {
      steps++;
      if (!current[i]) continue;
      const t = tokens[i]!;
      if (!t.test(c)) continue;
      if (t.kind === 'star') next[i] = 1;
      else next[i + 1] = 1;
    }
    if (!close(next)) {
      globStats.steps = steps;
      return false;
    }
    [current, next] = [next, current];
  }
  globStats.steps = steps;
  return current[n] === 1;
}

/** Merges adjacent stars of the same set (`**` in a one-star dialect is one star): fewer states. */
export function collapseStars(tokens: GlobToken[]): GlobToken[] {
  const out: GlobToken[] = [];
  for (const t of tokens) {
    const last = out[out.length - 1];
    if (t.kind === 'star' && last?.kind === 'star' && last.test === t.test) continue;
    out.push(t);
  }
  return out;
}
