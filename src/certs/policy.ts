import type { KeyAlgorithm } from './types.js';

export type CertPolicyLevel = 'basic' | 'standard' | 'hardened' | 'compliance';

export interface CertPolicy {
  keyAlgorithm: KeyAlgorithm;
  caValidityDays: number;
  leafValidityDays: number;
  /** The Mozilla profile whose maximum lifetime the leaves respect. */
  mozillaProfile: 'modern' | 'intermediate';
}

/**
 * Certificate defaults per security level (spec compliance-tls §4.1, §4.2): ECDSA P-256
 * everywhere; leaves within the Mozilla maximum of the level's profile (90 days modern,
 * 366 intermediate); the root 10 years, 5 at the stricter levels.
 */
export function levelCertPolicy(level: CertPolicyLevel): CertPolicy {
  switch (level) {
    case 'basic':
    case 'standard':
      return { keyAlgorithm: 'ecdsa-p256', caValidityDays: 3650, leafValidityDays: 365, mozillaProfile: 'intermediate' };
    case 'hardened':
    case 'compliance':
      return { keyAlgorithm: 'ecdsa-p256', caValidityDays: 1825, leafValidityDays: 90, mozillaProfile: 'modern' };
  }
}
