import { createHash, randomBytes } from 'node:crypto';
import type { Plan } from './types.js';

/** Source of random bytes; injectable so tests can be deterministic. */
export type RandomBytes = (size: number) => Buffer;

/**
 * A 256-bit random secret as 64 hex characters (ACL GENPASS strength). Redrawn in the rare case
 * it lacks a letter or a digit, so it meets PCI DSS 8.3.6 as written.
 */
export function generatePassword(random: RandomBytes = randomBytes): string {
  for (let attempt = 0; attempt < 64; attempt++) {
    const s = random(32).toString('hex');
    if (/[a-f]/.test(s) && /[0-9]/.test(s)) return s;
  }
  throw new Error('random source keeps returning secrets without both letters and digits');
}

/** What Redis stores for a password (`#<hash>` in an ACL file). */
export function passwordHash(password: string): string {
  return createHash('sha256').update(password, 'utf8').digest('hex');
}

/** One fresh secret per user that gets a password. */
export function generateSecrets(plan: Plan, random: RandomBytes = randomBytes): Map<string, string> {
  return new Map(plan.users.filter((u) => u.password).map((u) => [u.name, generatePassword(random)]));
}
