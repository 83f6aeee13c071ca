import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';

/** `--targets FILE`: one URL per line; blank lines and `#` comments are ignored. */
export function parseTargetsFile(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.replace(/(^|\s)#.*$/, '').trim())
    .filter((l) => l !== '');
}

export function loadTargetsFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read targets file (${(e as NodeJS.ErrnoException).code ?? 'error'})`, path);
  }
  const targets = parseTargetsFile(text);
  if (targets.length === 0) throw new InputError('no targets in file', path);
  return targets;
}
