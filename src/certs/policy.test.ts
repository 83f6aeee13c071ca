import { describe, expect, it } from 'vitest';
import { levelCertPolicy } from './policy.js';
import { MOZILLA_PROFILES } from '../tls/mozilla.js';

describe('levelCertPolicy', () => {
  it.each(['basic', 'standard', 'hardened', 'compliance'] as const)('%s stays within its Mozilla maximum and 5-10 year roots', (level) => {
    const p = levelCertPolicy(level);
    expect(p.keyAlgorithm).toBe('ecdsa-p256');
    expect(p.leafValidityDays).toBeLessThanOrEqual(MOZILLA_PROFILES[p.mozillaProfile].maximumCertificateLifespanDays);
    expect(p.caValidityDays).toBeGreaterThanOrEqual(5 * 365);
    expect(p.caValidityDays).toBeLessThanOrEqual(10 * 366);
  });

  it('uses 90-day leaves at hardened and compliance, up to 366 below', () => {
    expect(levelCertPolicy('hardened').leafValidityDays).toBe(90);
    expect(levelCertPolicy('compliance').leafValidityDays).toBe(90);
    expect(levelCertPolicy('standard').leafValidityDays).toBeLessThanOrEqual(366);
    expect(levelCertPolicy('basic').leafValidityDays).toBeLessThanOrEqual(366);
  });
});
