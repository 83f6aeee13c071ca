import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { X509Certificate } from 'node:crypto';
import { createAuthority } from '../certs/authority.js';
import { caFingerprints, finalCaFile, fingerprintOf, overlapCaFile } from './ca-bundle.js';

describe('CA files of a CA rotation', async () => {
  const cas = await Promise.all(['old', 'new', 'other'].map((n) => createAuthority({ keyAlgorithm: 'ecdsa-p256', commonName: n, validityDays: 10 })));
  const [oldCa, newCa, other] = cas.map((c) => c.cert.certPem) as [string, string, string];
  const fp = (pem: string) => fingerprintOf(new X509Certificate(pem));

  it('overlap = the current CAs (kept, in order) + the new one; final = overlap without the retired CA', () => {
    const overlap = overlapCaFile(`${oldCa}${other}`, newCa, 'ca.crt');
    expect(overlap.fingerprints).toEqual([fp(oldCa), fp(other), fp(newCa)]);
    expect(caFingerprints(overlap.pem, 'x')).toEqual(overlap.fingerprints);
    const final = finalCaFile(overlap.pem, [fp(oldCa)], 'overlap.crt');
    expect(final.fingerprints).toEqual([fp(other), fp(newCa)]);
  });

  it('adding the same CA twice changes nothing; emptying the file or a non-CA is refused', () => {
    expect(overlapCaFile(`${oldCa}${newCa}`, newCa, 'ca.crt').fingerprints).toEqual([fp(oldCa), fp(newCa)]);
    expect(() => finalCaFile(oldCa, [fp(oldCa)], 'ca.crt')).toThrow('ca.crt: removing the old CA would leave no CA certificate in the file');
    expect(() => overlapCaFile(oldCa, `${newCa}${other}`, 'ca.crt')).toThrow(/exactly one certificate/);
    expect(() => overlapCaFile('garbage', newCa, 'ca.crt')).toThrow(/ca.crt: no PEM certificate/);
  });

  it('final never holds a retired CA and always holds the new one (property)', () => {
    const pool = [oldCa, newCa, other];
    fc.assert(
      fc.property(fc.subarray([0, 2], { minLength: 1 }), fc.subarray([0, 2]), (current, retiredIdx) => {
        const overlap = overlapCaFile(current.map((i) => pool[i]).join(''), newCa, 'ca.crt');
        const retired = retiredIdx.map((i) => fp(pool[i] as string));
        const final = finalCaFile(overlap.pem, retired, 'o.crt');
        expect(final.fingerprints).toContain(fp(newCa));
        for (const r of retired) expect(final.fingerprints).not.toContain(r);
      }),
      { numRuns: 50 },
    );
  });
});
