/**
 * A CA rotation's file writes on top of rot-tls's (tls-files.ts: temp file, fsync, hard link, never
 * over an existing file, owned like the file in service): a phase re-run after an interruption finds
 * the files it had already written and goes on when their content is exactly what it would write.
 */
import { existsSync, readFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import { writeNewFile } from './tls-files.js';

/** Creates `path` (see writeNewFile); true when written, false when it already held exactly `content`. */
export function writeOnce(path: string, content: string, mode: number, ownerLike: string): boolean {
  if (existsSync(path)) {
    if (readText(path, 'file') === content) return false;
    throw new InputError('already exists with other content: redsec never overwrites a certificate or key (move it away)', path);
  }
  writeNewFile(path, content, mode, existsSync(ownerLike) ? ownerLike : undefined);
  return true;
}

/** A file's text, or an InputError naming it. */
export function readText(path: string, what: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read ${what} (${(e as NodeJS.ErrnoException).code ?? 'unreadable'}); redsec rotate runs on the server's host`, path);
  }
  if (text.length > 1024 * 1024) throw new InputError(`${what} is larger than 1 MiB`, path);
  return text;
}
