import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { analyseCertificate, analyseTls } from './analyse.js';
import { MOZILLA_PROFILES } from './mozilla.js';
import type { CertificateFacts, TlsSessionFacts } from '../facts/types.js';

const now = new Date('2026-06-01T00:00:00Z');
const day = 86_400_000;

const cert = (patch: Partial<CertificateFacts> = {}): CertificateFacts => ({
  subject: 'CN=localhost',
  issuer: 'CN=redsec CA',
  selfSigned: false,
  dnsNames: ['localhost'],
  ipAddresses: ['127.0.0.1'],
  keyType: 'ec',
  keyBits: 256,
  curve: 'prime256v1',
  signatureAlgorithm: 'ecdsa-with-SHA256',
  notBefore: new Date(now.getTime() - 10 * day).toISOString(),
  notAfter: new Date(now.getTime() + 80 * day).toISOString(),
  isCa: false,
  extendedKeyUsage: ['serverAuth', 'clientAuth'],
  trusted: true,
  ...patch,
});

const TLS13 = [...MOZILLA_PROFILES.modern.ciphersuites];
const session = (patch: Partial<TlsSessionFacts> = {}): TlsSessionFacts => ({
  protocols: ['TLSv1.3'],
  ciphers: { 'TLSv1.3': TLS13 },
  clientAuth: 'required',
  certificate: cert(),
  ...patch,
});

const byKey = (analysis: ReturnType<typeof analyseTls>, key: string) => analysis.checks.find((c) => c.key === key);

describe('analyseTls: accepted minus allowed, per key', () => {
  it('passes a modern TLS 1.3-only server with an ECDSA 90-day leaf', () => {
    const a = analyseTls(session(), 'modern', { now, requireClientAuth: true });
    expect(a.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(a.compliant).toBe(true);
    expect(a.daysLeft).toBe(80);
  });

  it('flags TLS 1.2 and its suites under modern, allows them under intermediate', () => {
    const s = session({ protocols: ['TLSv1.2', 'TLSv1.3'], ciphers: { 'TLSv1.2': ['ECDHE-ECDSA-AES128-GCM-SHA256'], 'TLSv1.3': TLS13 } });
    const modern = analyseTls(s, 'modern', { now });
    expect(byKey(modern, 'protocols')).toMatchObject({ status: 'fail', severity: 'medium', observed: ['TLSv1.2'], allowed: ['TLSv1.3'], remediation: 'tls-protocols "TLSv1.3"' });
    expect(byKey(modern, 'ciphers')).toMatchObject({ status: 'fail', observed: ['ECDHE-ECDSA-AES128-GCM-SHA256'], allowed: [] });
    expect(modern.compliant).toBe(false);
    const intermediate = analyseTls(s, 'intermediate', { now });
    expect(byKey(intermediate, 'protocols')?.status).toBe('pass');
    expect(byKey(intermediate, 'ciphers')?.status).toBe('pass');
  });

  it('rates legacy protocols and broken suites high', () => {
    const s = session({ protocols: ['TLSv1', 'TLSv1.2'], ciphers: { TLSv1: ['ECDHE-RSA-AES128-SHA'], 'TLSv1.2': ['AES128-GCM-SHA256', 'DES-CBC3-SHA'] } });
    const a = analyseTls(s, 'intermediate', { now });
    expect(byKey(a, 'protocols')).toMatchObject({ status: 'fail', severity: 'high', observed: ['TLSv1'] });
    expect(byKey(a, 'ciphers')).toMatchObject({ status: 'fail', severity: 'high', observed: ['ECDHE-RSA-AES128-SHA', 'AES128-GCM-SHA256', 'DES-CBC3-SHA'] });
    expect(byKey(a, 'ciphers')?.remediation).toMatch(/^tls-ciphers "ECDHE-ECDSA-AES128-GCM-SHA256:/);
  });

  it('says unknown, never pass, for what the probe could not see', () => {
    const a = analyseTls({ protocols: ['TLSv1.3'], ciphers: {}, clientAuth: 'unknown' }, 'modern', { now });
    expect(byKey(a, 'tls13-ciphersuites')?.status).toBe('unknown');
    expect(byKey(a, 'client-auth')?.status).toBe('unknown');
    expect(byKey(a, 'certificate-validity')?.status).toBe('unknown');
    expect(a.compliant).toBeNull();
    expect(a.daysLeft).toBeNull();
    expect(byKey(analyseTls({ protocols: [], ciphers: {}, clientAuth: 'none' }, 'modern', { now }), 'protocols')?.status).toBe('unknown');
  });

  it('fails client auth that is optional or absent only where mTLS is required', () => {
    for (const clientAuth of ['optional', 'none'] as const) {
      expect(byKey(analyseTls(session({ clientAuth }), 'modern', { now, requireClientAuth: true }), 'client-auth')).toMatchObject({ status: 'fail', remediation: 'tls-auth-clients yes' });
      expect(byKey(analyseTls(session({ clientAuth }), 'modern', { now }), 'client-auth')?.status).toBe('pass');
    }
  });

  it('matches sslyze: extras are exactly accepted minus allowed (property)', () => {
    const allSuites = [...TLS13, 'TLS_AES_128_CCM_SHA256', 'TLS_AES_128_CCM_8_SHA256'];
    const all12 = [...MOZILLA_PROFILES.intermediate.ciphers, 'AES256-SHA', 'ECDHE-RSA-AES256-SHA384', 'DHE-RSA-AES128-GCM-SHA256'];
    fc.assert(
      fc.property(
        fc.constantFrom('modern' as const, 'intermediate' as const),
        fc.subarray(['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'], { minLength: 1 }),
        fc.subarray(allSuites),
        fc.subarray(all12),
        (name, protocols, suites, ciphers) => {
          const profile = MOZILLA_PROFILES[name];
          const map: Record<string, string[]> = {};
          for (const p of protocols) map[p] = p === 'TLSv1.3' ? suites : ciphers;
          const a = analyseTls(session({ protocols, ciphers: map }), name, { now });
          const extraProtocols = protocols.filter((p) => !(profile.tlsVersions as readonly string[]).includes(p));
          expect(byKey(a, 'protocols')?.observed).toEqual(extraProtocols);
          expect(byKey(a, 'protocols')?.status).toBe(extraProtocols.length ? 'fail' : 'pass');
          if (protocols.includes('TLSv1.3')) {
            const extra = suites.filter((s) => !profile.ciphersuites.includes(s));
            expect(byKey(a, 'tls13-ciphersuites')?.observed).toEqual(extra);
          } else expect(byKey(a, 'tls13-ciphersuites')).toBeUndefined();
          if (protocols.some((p) => p !== 'TLSv1.3')) {
            const extra = ciphers.filter((c) => !profile.ciphers.includes(c));
            expect(byKey(a, 'ciphers')?.observed).toEqual(extra);
            expect(byKey(a, 'ciphers')?.status).toBe(extra.length ? 'fail' : 'pass');
          }
          expect(a.compliant === false).toBe(a.checks.some((c) => c.status === 'fail'));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('analyseCertificate: the leaf against the profile', () => {
  const keyOf = (facts: CertificateFacts, profile: 'modern' | 'intermediate', key: string, opts = {}) =>
    analyseCertificate(facts, profile, { now, ...opts }).checks.find((c) => c.key === key);

  it('allows RSA only under intermediate, and only from 2048 bits', () => {
    const rsa = cert({ keyType: 'rsa', keyBits: 2048, signatureAlgorithm: 'sha256WithRSAEncryption' });
    delete rsa.curve;
    expect(keyOf(rsa, 'modern', 'certificate-key-type')).toMatchObject({ status: 'fail', observed: ['rsa'], allowed: ['ecdsa'] });
    expect(keyOf(rsa, 'modern', 'certificate-signature')?.status).toBe('fail');
    expect(keyOf(rsa, 'intermediate', 'certificate-key-type')?.status).toBe('pass');
    expect(keyOf(rsa, 'intermediate', 'certificate-rsa-key-size')?.status).toBe('pass');
    expect(keyOf({ ...rsa, keyBits: 1024 }, 'intermediate', 'certificate-rsa-key-size')).toMatchObject({ status: 'fail', severity: 'high' });
    expect(keyOf({ ...rsa, signatureAlgorithm: 'sha1WithRSAEncryption' }, 'intermediate', 'certificate-signature')).toMatchObject({ status: 'fail', severity: 'high' });
  });

  it('checks the curve', () => {
    expect(keyOf(cert({ curve: 'secp384r1', keyBits: 384 }), 'modern', 'certificate-curve')?.status).toBe('pass');
    expect(keyOf(cert({ curve: 'secp521r1', keyBits: 521 }), 'modern', 'certificate-curve')).toMatchObject({ status: 'fail', observed: ['secp521r1'] });
  });

  it('compares the lifetime with the profile maximum (90 modern, 366 intermediate)', () => {
    const lifetime = (days: number) => cert({ notBefore: new Date(now.getTime() - day).toISOString(), notAfter: new Date(now.getTime() + (days - 1) * day).toISOString() });
    expect(keyOf(lifetime(90), 'modern', 'certificate-lifetime')?.status).toBe('pass');
    expect(keyOf(lifetime(91), 'modern', 'certificate-lifetime')).toMatchObject({ status: 'fail', observed: ['91'], allowed: ['<= 90'] });
    expect(keyOf(lifetime(366), 'intermediate', 'certificate-lifetime')?.status).toBe('pass');
    expect(keyOf(lifetime(367), 'intermediate', 'certificate-lifetime')?.status).toBe('fail');
    // A CA is meant to live for years: no lifetime check.
    expect(keyOf({ ...lifetime(3650), isCa: true }, 'modern', 'certificate-lifetime')).toBeUndefined();
  });

  it('warns 30 days before expiry and fails once expired or not yet valid', () => {
    const ending = (daysLeft: number) => cert({ notAfter: new Date(now.getTime() + daysLeft * day).toISOString() });
    expect(keyOf(ending(31), 'modern', 'certificate-validity')?.status).toBe('pass');
    expect(keyOf(ending(29.5), 'modern', 'certificate-validity')).toMatchObject({ status: 'warn', message: expect.stringMatching(/expires in 29 days/) });
    expect(keyOf(ending(10), 'modern', 'certificate-validity', { warnDays: 5 })?.status).toBe('pass');
    expect(keyOf(ending(-2), 'modern', 'certificate-validity')).toMatchObject({ status: 'fail', severity: 'critical', message: expect.stringMatching(/expired 2 days ago/) });
    expect(keyOf(cert({ notBefore: new Date(now.getTime() + day).toISOString() }), 'modern', 'certificate-validity')).toMatchObject({ status: 'fail', message: expect.stringMatching(/not valid before/) });
    expect(analyseCertificate(ending(29.5), 'modern', { now }).compliant).toBe(true);
  });

  it('reports trust, SAN mismatch, self-signed leaves and purpose', () => {
    expect(keyOf(cert({ trusted: false, trustError: 'the certificate has expired' }), 'modern', 'certificate-trust')).toMatchObject({ status: 'fail', message: expect.stringMatching(/has expired/) });
    const noCa = cert();
    delete noCa.trusted;
    expect(keyOf(noCa, 'modern', 'certificate-trust')?.status).toBe('unknown');
    expect(keyOf(cert({ hostCheck: { name: 'db.example', matches: false } }), 'modern', 'certificate-hostname')).toMatchObject({ status: 'fail', severity: 'high', allowed: ['DNS:localhost', 'IP:127.0.0.1'] });
    expect(keyOf(cert(), 'modern', 'certificate-hostname')).toBeUndefined();
    expect(keyOf(cert({ selfSigned: true, issuer: 'CN=localhost' }), 'modern', 'certificate-self-signed')?.status).toBe('fail');
    expect(keyOf(cert({ extendedKeyUsage: ['clientAuth'] }), 'modern', 'certificate-purpose', { role: 'server' })).toMatchObject({ status: 'fail', allowed: ['serverAuth'] });
    expect(keyOf(cert({ extendedKeyUsage: ['serverAuth'] }), 'modern', 'certificate-purpose')?.status).toBe('warn');
    // A client certificate (clientAuth only) is recognised as such.
    expect(keyOf(cert({ extendedKeyUsage: ['clientAuth'] }), 'modern', 'certificate-purpose')?.status).toBe('pass');
  });
});
