import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';

/** TLS material given as PEM text, a Buffer, or a file path (read here so callers can pass flags through). */
export function loadPem(value: string | Buffer, what: string): string | Buffer {
  if (Buffer.isBuffer(value) || value.includes('-----BEGIN')) return value;
  try {
    return readFileSync(value);
  } catch (e) {
    throw new InputError(`cannot read ${what} (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`, value);
  }
}
