import { describe, expect, it } from 'vitest';
import { parseDurationMs } from './duration.js';

describe('parseDurationMs', () => {
  it('reads one whole number and a unit', () => {
    expect(['500ms', '15s', '5m', '1h', '30d'].map(parseDurationMs)).toEqual([500, 15_000, 300_000, 3_600_000, 2_592_000_000]);
  });
  it('rejects everything else', () => {
    for (const t of ['', '1', '1.5s', '-1s', '1h30m', 's', '1w', '9999999999s']) expect(parseDurationMs(t)).toBeUndefined();
  });
});
