import { readFileSync } from 'node:fs';
import { InputError } from './errors.js';

/** A file the user named, as text; unreadable is bad input (exit 2) naming the file and the reason. */
export function readInputFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read ${what} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, path);
  }
}
