/**
 * Writing a rotation's new files: each is created through a temporary file in the same folder and
 * hard-linked into place, so a reader sees the whole file or none, and an existing file is never
 * replaced. Re-running after a crash finds the same content already there and goes on.
 */
import { chmodSync, linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { InputError } from '../errors.js';

/** Creates `path` with `content` and `mode` (0600 for keys); true when written, false when it already held exactly this. */
export function writeNewFile(path: string, content: string, mode: number): boolean {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    writeFileSync(tmp, content, { mode, flag: 'wx' });
    // The umask may have cleared bits; a key must end exactly at its mode.
    chmodSync(tmp, mode);
    linkSync(tmp, path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    if (code === 'EEXIST') {
      let existing: string | undefined;
      try {
        existing = readFileSync(path, 'utf8');
      } catch {
        existing = undefined;
      }
      if (existing === content) return false;
      throw new InputError('already exists with other content: redsec never overwrites a certificate or key (move it away)', path);
    }
    throw new InputError(`cannot create file (${code})`, path);
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // never created
    }
  }
}

/** A file's text, or an InputError naming it. */
export function readText(path: string, what: string): string {
  try {
    const text = readFileSync(path, 'utf8');
    if (text.length > 1024 * 1024) throw new InputError(`${what} is larger than 1 MiB`, path);
    return text;
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot read ${what} (${(e as NodeJS.ErrnoException).code ?? 'unreadable'}); redsec rotate runs on the server's host`, path);
  }
}

/**
 * Removes files an interrupted run of the same rotation phase left at the names its state file
 * recorded before writing them (callers make sure the server uses none of them). Missing is fine.
 */
export function removeOwnLeftovers(paths: readonly string[]): void {
  for (const p of paths) {
    try {
      unlinkSync(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new InputError(`cannot remove a file an interrupted run left (${(e as NodeJS.ErrnoException).code ?? 'error'})`, p);
    }
  }
}
