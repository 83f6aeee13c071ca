import { InputError } from '../errors.js';
import { readInputFile } from '../input-file.js';

export interface TargetEntry {
  url: string;
  /** `sarif-artifact=PATH` after the URL: the repository file code scanning shows this target's findings on. */
  artifact?: string | undefined;
}

const ARTIFACT = 'sarif-artifact=';

/**
 * `--targets FILE`: one URL per line, optionally followed by `sarif-artifact=PATH`; blank lines and
 * `#` comments are ignored.
 */
export function parseTargetEntries(text: string, name = 'targets file'): TargetEntry[] {
  const entries: TargetEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const [url, ...rest] = raw.replace(/(^|\s)#.*$/, '').trim().split(/\s+/).filter((t) => t !== '');
    if (url === undefined) return;
    const entry: TargetEntry = { url };
    for (const token of rest) {
      if (!token.startsWith(ARTIFACT) || entry.artifact !== undefined)
        throw new InputError(`line ${i + 1}: unexpected ${JSON.stringify(token.slice(0, 60))} (a line is URL [sarif-artifact=PATH])`, name);
      entry.artifact = token.slice(ARTIFACT.length);
    }
    entries.push(entry);
  });
  return entries;
}

export function parseTargetsFile(text: string): string[] {
  return parseTargetEntries(text).map((e) => e.url);
}

export function loadTargetEntries(path: string): TargetEntry[] {
  const entries = parseTargetEntries(readInputFile(path, 'targets file'), path);
  if (entries.length === 0) throw new InputError('no targets in file', path);
  return entries;
}

export function loadTargetsFile(path: string): string[] {
  return loadTargetEntries(path).map((e) => e.url);
}
