/**
 * The cipher suites the probe tries one by one (OpenSSL names). TLS 1.3 has five suites in all.
 * For TLS 1.2 and lower the table is every suite name OpenSSL 1.0.2 to 3.x knows (NULL, anonymous
 * DH/ECDH, export, RC4, DES/3DES, IDEA, SEED, static DH/ECDH, CAMELLIA, ARIA, CCM, CCM8, DSS),
 * so the probe tries every suite the local OpenSSL can offer at security level 0; names it cannot
 * offer are reported as skipped, never as rejected. Left out, and said so in every report: PSK,
 * SRP and GOST suites, which a client offers only with a pre-shared key, an SRP login or the GOST
 * engine (Redis configures none of them), and SSLv2 (no OpenSSL 1.1+ client speaks it).
 */
import { createSecureContext, getCiphers } from 'node:tls';

export const TLS13_CANDIDATES: readonly string[] = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_AES_128_CCM_SHA256',
  'TLS_AES_128_CCM_8_SHA256',
];

const by = (prefixes: readonly string[], tails: readonly string[]): string[] => prefixes.flatMap((p) => tails.map((t) => `${p}${t}`));

export const TLS12_CANDIDATES: readonly string[] = [
  // ECDHE and DHE, AEAD
  ...by(['ECDHE-ECDSA-', 'ECDHE-RSA-', 'DHE-RSA-', 'DHE-DSS-'], ['AES128-GCM-SHA256', 'AES256-GCM-SHA384']),
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'DHE-RSA-CHACHA20-POLY1305',
  ...by(['ECDHE-ECDSA-', 'DHE-RSA-', ''], ['AES128-CCM', 'AES256-CCM', 'AES128-CCM8', 'AES256-CCM8']),
  'ECDHE-ECDSA-ARIA128-GCM-SHA256',
  'ECDHE-ECDSA-ARIA256-GCM-SHA384',
  'ECDHE-ARIA128-GCM-SHA256',
  'ECDHE-ARIA256-GCM-SHA384',
  ...by(['DHE-RSA-', 'DHE-DSS-', ''], ['ARIA128-GCM-SHA256', 'ARIA256-GCM-SHA384']),
  // CBC with SHA-2 and SHA-1
  ...by(['ECDHE-ECDSA-', 'ECDHE-RSA-'], ['AES128-SHA256', 'AES256-SHA384', 'AES128-SHA', 'AES256-SHA', 'CAMELLIA128-SHA256', 'CAMELLIA256-SHA384']),
  ...by(['DHE-RSA-', 'DHE-DSS-'], ['AES128-SHA256', 'AES256-SHA256', 'AES128-SHA', 'AES256-SHA', 'CAMELLIA128-SHA256', 'CAMELLIA256-SHA256', 'CAMELLIA128-SHA', 'CAMELLIA256-SHA', 'SEED-SHA']),
  // static RSA key transport
  'AES128-GCM-SHA256',
  'AES256-GCM-SHA384',
  'AES128-SHA256',
  'AES256-SHA256',
  'AES128-SHA',
  'AES256-SHA',
  'CAMELLIA128-SHA256',
  'CAMELLIA256-SHA256',
  'CAMELLIA128-SHA',
  'CAMELLIA256-SHA',
  'SEED-SHA',
  'IDEA-CBC-SHA',
  // 3DES, DES, RC4, RC2 and export grade
  'ECDHE-ECDSA-DES-CBC3-SHA',
  'ECDHE-RSA-DES-CBC3-SHA',
  'EDH-RSA-DES-CBC3-SHA',
  'EDH-DSS-DES-CBC3-SHA',
  'DES-CBC3-SHA',
  'EDH-RSA-DES-CBC-SHA',
  'EDH-DSS-DES-CBC-SHA',
  'DES-CBC-SHA',
  'ECDHE-ECDSA-RC4-SHA',
  'ECDHE-RSA-RC4-SHA',
  'RC4-SHA',
  'RC4-MD5',
  'EXP-EDH-RSA-DES-CBC-SHA',
  'EXP-EDH-DSS-DES-CBC-SHA',
  'EXP-DES-CBC-SHA',
  'EXP-RC2-CBC-MD5',
  'EXP-RC4-MD5',
  // static (EC)DH, removed in OpenSSL 1.1.0
  ...by(['ECDH-ECDSA-', 'ECDH-RSA-'], ['AES128-GCM-SHA256', 'AES256-GCM-SHA384', 'AES128-SHA256', 'AES256-SHA384', 'AES128-SHA', 'AES256-SHA', 'DES-CBC3-SHA', 'RC4-SHA', 'NULL-SHA']),
  ...by(['DH-RSA-', 'DH-DSS-'], ['AES128-GCM-SHA256', 'AES256-GCM-SHA384', 'AES128-SHA256', 'AES256-SHA256', 'AES128-SHA', 'AES256-SHA', 'CAMELLIA128-SHA', 'CAMELLIA256-SHA', 'SEED-SHA', 'DES-CBC3-SHA', 'DES-CBC-SHA']),
  // anonymous: no authentication
  'AECDH-AES128-SHA',
  'AECDH-AES256-SHA',
  'AECDH-DES-CBC3-SHA',
  'AECDH-RC4-SHA',
  'AECDH-NULL-SHA',
  'ADH-AES128-GCM-SHA256',
  'ADH-AES256-GCM-SHA384',
  'ADH-AES128-SHA256',
  'ADH-AES256-SHA256',
  'ADH-AES128-SHA',
  'ADH-AES256-SHA',
  'ADH-CAMELLIA128-SHA256',
  'ADH-CAMELLIA256-SHA256',
  'ADH-CAMELLIA128-SHA',
  'ADH-CAMELLIA256-SHA',
  'ADH-SEED-SHA',
  'ADH-DES-CBC3-SHA',
  'ADH-DES-CBC-SHA',
  'ADH-RC4-MD5',
  'EXP-ADH-DES-CBC-SHA',
  'EXP-ADH-RC4-MD5',
  // NULL: no encryption
  'ECDHE-ECDSA-NULL-SHA',
  'ECDHE-RSA-NULL-SHA',
  'NULL-SHA256',
  'NULL-SHA',
  'NULL-MD5',
];

/** Families a client offers only with extra credentials or engines; never tried, always stated. */
export const NOT_TRIED_FAMILIES = 'PSK, SRP and GOST suites (offered only with a pre-shared key, an SRP login or the GOST engine; Redis configures none) and SSLv2/SSLv3';

/** Can the local OpenSSL put this TLS <= 1.2 suite in a ClientHello at security level 0? */
const offerableCache = new Map<string, boolean>();
export function offerable(suite: string): boolean {
  let ok = offerableCache.get(suite);
  if (ok === undefined) {
    try {
      createSecureContext({ ciphers: `${suite}:@SECLEVEL=0`, minVersion: 'TLSv1' });
      ok = true;
    } catch {
      ok = false;
    }
    offerableCache.set(suite, ok);
  }
  return ok;
}

/**
 * The TLS <= 1.2 suites to try: the table plus any name the local OpenSSL lists that the table
 * lacks (a newer library), split into those it can offer and those it cannot.
 */
export function tls12Candidates(): { offerable: string[]; skipped: string[] } {
  const local = getCiphers()
    .map((c) => c.toUpperCase())
    .filter((c) => !c.startsWith('TLS_') && !/PSK|SRP|GOST/.test(c));
  const names = [...new Set([...TLS12_CANDIDATES, ...local])];
  return { offerable: names.filter(offerable), skipped: names.filter((n) => !offerable(n)) };
}
