/**
 * Mozilla Server Side TLS guideline 6.0 (modern, intermediate), as data. Embedded, never fetched
 * at run time (guidelines/6.0.json, MPL-2.0, Mozilla). The Redis lines derived from it are in
 * redisTlsDirectives(); see shared spec compliance-tls.md §1.5.
 */

export type MozillaProfileName = 'modern' | 'intermediate';

export interface MozillaProfile {
  name: MozillaProfileName;
  guideline: '6.0';
  tlsVersions: readonly ('TLSv1.2' | 'TLSv1.3')[];
  /** TLS 1.3 suites (IANA names, as OpenSSL spells them too). */
  ciphersuites: readonly string[];
  /** TLS <= 1.2 suites, OpenSSL names. Empty for modern. */
  ciphers: readonly string[];
  certificateTypes: readonly ('ecdsa' | 'rsa')[];
  certificateCurves: readonly string[];
  certificateSignatures: readonly string[];
  rsaKeySize: number | null;
  ecdhParamSize: number;
  recommendedCertificateLifespanDays: number;
  maximumCertificateLifespanDays: number;
  serverPreferredOrder: boolean;
  tlsCurves: readonly string[];
}

const TLS13_SUITES = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'] as const;

export const MOZILLA_PROFILES: Record<MozillaProfileName, MozillaProfile> = {
  modern: {
    name: 'modern',
    guideline: '6.0',
    tlsVersions: ['TLSv1.3'],
    ciphersuites: TLS13_SUITES,
    ciphers: [],
    certificateTypes: ['ecdsa'],
    certificateCurves: ['prime256v1', 'secp384r1'],
    certificateSignatures: ['ecdsa-with-SHA256', 'ecdsa-with-SHA384', 'ecdsa-with-SHA512'],
    rsaKeySize: null,
    ecdhParamSize: 256,
    recommendedCertificateLifespanDays: 90,
    maximumCertificateLifespanDays: 90,
    serverPreferredOrder: false,
    tlsCurves: ['X25519MLKEM768', 'X25519', 'prime256v1', 'secp384r1'],
  },
  intermediate: {
    name: 'intermediate',
    guideline: '6.0',
    tlsVersions: ['TLSv1.2', 'TLSv1.3'],
    ciphersuites: TLS13_SUITES,
    ciphers: [
      'ECDHE-ECDSA-AES128-GCM-SHA256',
      'ECDHE-RSA-AES128-GCM-SHA256',
      'ECDHE-ECDSA-AES256-GCM-SHA384',
      'ECDHE-RSA-AES256-GCM-SHA384',
      'ECDHE-ECDSA-CHACHA20-POLY1305',
      'ECDHE-RSA-CHACHA20-POLY1305',
    ],
    certificateTypes: ['ecdsa', 'rsa'],
    certificateCurves: ['prime256v1', 'secp384r1'],
    certificateSignatures: ['ecdsa-with-SHA256', 'ecdsa-with-SHA384', 'ecdsa-with-SHA512', 'sha256WithRSAEncryption'],
    rsaKeySize: 2048,
    ecdhParamSize: 256,
    recommendedCertificateLifespanDays: 90,
    maximumCertificateLifespanDays: 366,
    serverPreferredOrder: false,
    tlsCurves: ['X25519MLKEM768', 'X25519', 'prime256v1', 'secp384r1'],
  },
};

/** The redis.conf TLS protocol/cipher lines a Mozilla profile turns into (spec §1.5). */
export function redisTlsDirectives(profile: MozillaProfile): { name: string; value: string }[] {
  const lines = [
    { name: 'tls-protocols', value: profile.tlsVersions.join(' ') },
    { name: 'tls-ciphersuites', value: profile.ciphersuites.join(':') },
  ];
  // Redis applies tls-ciphers only to TLS <= 1.2; modern has nothing to set.
  if (profile.ciphers.length > 0) lines.push({ name: 'tls-ciphers', value: profile.ciphers.join(':') });
  lines.push({ name: 'tls-prefer-server-ciphers', value: profile.serverPreferredOrder ? 'yes' : 'no' });
  return lines;
}
