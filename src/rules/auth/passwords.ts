/**
 * Password strength without ever printing a password: the checks return reasons, not values.
 * Live, ACL LIST shows SHA-256 hashes only, which are compared with the hashes of the same small
 * list of well-known defaults that attackers try first.
 */
import { createHash } from 'node:crypto';

export const WELL_KNOWN_PASSWORDS = [
  'foobared', 'redis', 'password', 'Password', 'password1', '123456', '12345678', '123456789', 'admin', 'root',
  'secret', 'changeme', 'default', 'test', 'qwerty', 'letmein', 'redis123', 'redispass', 'P@ssw0rd', 'pass',
] as const;

export const sha256Hex = (s: string): string => createHash('sha256').update(s).digest('hex');
const WELL_KNOWN_HASHES = new Map(WELL_KNOWN_PASSWORDS.map((p) => [sha256Hex(p), p]));

export function isWellKnownHash(hash: string): boolean {
  return WELL_KNOWN_HASHES.has(hash.toLowerCase());
}

function classes(pw: string): number {
  return [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((r) => r.test(pw)).length;
}

/**
 * Why a cleartext password is weak, or null when it is acceptable: a well-known default, one
 * repeated character, or below the Baota floor (>= 7 characters with 4 classes, or >= 9 with 2);
 * `strict` (compliance) also requires PCI 8.3.6: >= 12 characters with letters and digits.
 */
export function weakness(pw: string, strict: boolean): string | null {
  if ((WELL_KNOWN_PASSWORDS as readonly string[]).includes(pw)) return 'a well-known default password';
  if (pw.length > 0 && new Set(pw).size === 1) return 'one repeated character';
  const c = classes(pw);
  if (!((pw.length >= 7 && c >= 4) || (pw.length >= 9 && c >= 2))) return 'too short or too few character classes';
  if (strict && !(pw.length >= 12 && /[A-Za-z]/.test(pw) && /\d/.test(pw))) return 'below PCI DSS 8.3.6 (12+ characters with letters and digits)';
  return null;
}
