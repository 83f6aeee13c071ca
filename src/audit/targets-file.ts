import { InputError } from '../errors.js';
import { readInputFile } from '../input-file.js';

/** `--targets FILE`: one URL per line; blank lines and `#` comments are ignored. */
export function parseTargetsFile(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.replace(/(^|\s)#.*$/, '').trim())
    .filter((l) => l !== '');
}

export function loadTargetsFile(path: string): string[] {
  const targets = parseTargetsFile(readInputFile(path, 'targets file'));
  if (targets.length === 0) throw new InputError('no targets in file', path);
  return targets;
}
