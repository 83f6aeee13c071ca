import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { randomSerialHex } from './serial.js';

describe('randomSerialHex', () => {
  it('is always 16 octets, positive and minimally encoded', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const hex = randomSerialHex(() => Buffer.from(bytes));
        expect(hex).toMatch(/^[0-9a-f]{32}$/);
        const first = parseInt(hex.slice(0, 2), 16);
        expect(first).toBeGreaterThanOrEqual(1);
        expect(first).toBeLessThanOrEqual(0x7f);
        expect(hex.slice(2)).toBe(Buffer.from(bytes).toString('hex').slice(2));
      }),
      { numRuns: 200 },
    );
  });
});
