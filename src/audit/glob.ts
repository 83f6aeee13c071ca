/**
 * Shell-style globs for waivers: `*` within a path segment, `**` across segments, `?` one
 * character; everything else is literal. Matched by the linear token matcher, never a RegExp:
 * a waiver file is input others write.
 */
import { InputError } from '../errors.js';
import { collapseStars, matchTokens, MAX_GLOB_LENGTH, type GlobToken } from '../text/glob.js';

const SLASH = 0x2f;
const any = (): boolean => true;
const notSlash = (c: number): boolean => c !== SLASH;

export function globTokens(glob: string): GlobToken[] {
  if (glob.length > MAX_GLOB_LENGTH) throw new InputError(`glob longer than ${MAX_GLOB_LENGTH} characters`, 'waivers');
  const tokens: GlobToken[] = [];
  const chars = [...glob];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '*') {
      if (chars[i + 1] === '*') {
        tokens.push({ kind: 'star', test: any });
        i++;
      } else tokens.push({ kind: 'star', test: notSlash });
    } else if (c === '?') tokens.push({ kind: 'one', test: notSlash });
    else {
      const code = c.codePointAt(0)!;
      tokens.push({ kind: 'one', test: (x) => x === code });
    }
  }
  return collapseStars(tokens);
}

export function globMatch(glob: string, text: string): boolean {
  return matchTokens(globTokens(glob), text);
}
