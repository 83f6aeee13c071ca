import { randomBytes } from 'node:crypto';

/**
 * 16 random bytes as a positive DER INTEGER that needs no padding byte: the first byte is kept
 * in 0x01..0x7f, so the serial is always exactly 16 octets (RFC 5280 allows up to 20).
 */
export function randomSerialHex(random: (n: number) => Buffer = randomBytes): string {
  const bytes = random(16);
  const first = (bytes[0] ?? 0) & 0x7f;
  bytes[0] = first === 0 ? 1 : first;
  return bytes.toString('hex');
}
