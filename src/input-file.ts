import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { InputError } from './errors.js';

/** Bytes of one input file (ACL file, waivers, targets, unit, compose); see SECURITY.md. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/**
 * A file the user named, as text; unreadable is bad input (exit 2) naming the file and the reason.
 * Only regular files are read (opened non-blocking, so a FIFO or a device cannot hang us), and
 * only up to MAX_INPUT_BYTES.
 */
export function readInputFile(path: string, what: string): string {
  return readInputBytes(path, what).toString('utf8');
}

/** readInputFile's bytes (certificates, keys). */
export function readInputBytes(path: string, what: string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new InputError(`cannot read ${what} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, path);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new InputError(`cannot read ${what} (not a regular file)`, path);
    if (st.size > MAX_INPUT_BYTES) throw new InputError(`${what} larger than ${MAX_INPUT_BYTES} bytes (redsec's limit; see SECURITY.md)`, path);
    return readFileSync(fd);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot read ${what} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, path);
  } finally {
    closeSync(fd);
  }
}
