import { createHash } from 'node:crypto';

/** SHA-256 of a password as Redis stores it: 64 lowercase hex characters. */
export function sha256Hex(password: string | Uint8Array): string {
  return createHash('sha256').update(password).digest('hex');
}
