import { describe, expect, it } from 'vitest';
import { checkOne } from '../check.js';
import { baselineFacts, lintFacts, setConfig } from '../fixture.js';
import type { RuleContext } from '../types.js';

const LIVE: RuleContext = { mode: 'live', profile: null, now: new Date('2026-11-28T00:00:00Z') };
const prof = (network_exposure: string, security_level = 'standard', compliance_requirements: string[] = []): RuleContext => ({
  ...LIVE,
  profile: { security_level, network_exposure, compliance_requirements },
});
const noTls = () => {
  const f = setConfig(baselineFacts(), { 'tls-port': '0', port: '6379' });
  f.tls = { known: false, why: 'no TLS port' };
  return f;
};

describe('TLS rules', () => {
  it('TLS-DISABLED by exposure: n/a localhost, medium private, critical public/compliance', () => {
    expect(checkOne('TLS-DISABLED', noTls(), prof('localhost'))[0]?.status).toBe('not_applicable');
    expect(checkOne('TLS-DISABLED', noTls(), prof('private_network'))[0]).toMatchObject({ status: 'fail', severity: 'medium' });
    expect(checkOne('TLS-DISABLED', noTls(), prof('public'))[0]).toMatchObject({ status: 'fail', severity: 'critical' });
    expect(checkOne('TLS-DISABLED', noTls(), prof('private_network', 'compliance', ['hipaa']))[0]?.severity).toBe('critical');
    expect(checkOne('TLS-DISABLED', baselineFacts(), LIVE)[0]?.status).toBe('pass');
  });
  it('other TLS rules are not applicable without TLS', () => {
    for (const id of ['TLS-PROTOCOLS', 'TLS-CIPHERS', 'TLS-CLIENT-AUTH', 'TLS-INTERNODE', 'TLS-CERT']) expect(checkOne(id, noTls(), LIVE)[0]?.status, id).toBe('not_applicable');
  });
  it('TLS-PROTOCOLS: old protocols in config or probe, or unset', () => {
    expect(checkOne('TLS-PROTOCOLS', setConfig(baselineFacts(), { 'tls-protocols': 'TLSv1.1 TLSv1.2' }), LIVE)[0]?.evidence).toBe('tls-protocols "TLSv1.1 TLSv1.2" enables TLSv1.1');
    const probed = baselineFacts();
    if (probed.tls.known) probed.tls.value.protocols = ['TLSv1', 'TLSv1.2'];
    expect(checkOne('TLS-PROTOCOLS', probed, LIVE)[0]?.evidence).toBe('the server accepted TLSv1 in a handshake probe');
    expect(checkOne('TLS-PROTOCOLS', setConfig(baselineFacts(), { 'tls-protocols': '' }), LIVE)[0]?.status).toBe('fail');
    expect(checkOne('TLS-PROTOCOLS', baselineFacts(), prof('public'))[0]?.status).toBe('pass');
  });
  it('TLS-CIPHERS: weak suites accepted or configured, server order', () => {
    const f = baselineFacts();
    if (f.tls.known) f.tls.value.ciphers['TLSv1.2'] = ['ECDHE-ECDSA-AES128-SHA', 'ECDHE-ECDSA-AES128-GCM-SHA256'];
    expect(checkOne('TLS-CIPHERS', f, LIVE).map((x) => x.evidence)).toEqual([
      'the server accepted weak suites: ECDHE-ECDSA-AES128-SHA',
      'tls-prefer-server-ciphers no while weak suites are enabled: clients choose the suite',
    ]);
    const unset = setConfig(baselineFacts(), { 'tls-ciphers': '' });
    unset.tls = { known: false, why: 'no probe' };
    expect(checkOne('TLS-CIPHERS', unset, LIVE)[0]?.evidence).toMatch(/tls-ciphers is unset/);
    expect(checkOne('TLS-CIPHERS', setConfig(baselineFacts(), { 'tls-protocols': 'TLSv1.3', 'tls-ciphers': 'DES-CBC3-SHA' }), LIVE)[0]?.status).toBe('pass');
    expect(checkOne('TLS-CIPHERS', baselineFacts(), LIVE)[0]?.status).toBe('pass');
  });
  it('TLS-CLIENT-AUTH where mTLS is required', () => {
    const f = setConfig(baselineFacts(), { 'tls-auth-clients': 'optional' });
    expect(checkOne('TLS-CLIENT-AUTH', f, prof('private_network', 'standard'))[0]?.status).toBe('not_applicable');
    expect(checkOne('TLS-CLIENT-AUTH', f, prof('private_network', 'hardened'))[0]).toMatchObject({ status: 'fail', severity: 'medium' });
    expect(checkOne('TLS-CLIENT-AUTH', f, prof('public', 'hardened'))[0]?.severity).toBe('high');
  });
  it('TLS-INTERNODE', () => {
    const f = setConfig(baselineFacts(), { 'tls-replication': 'no', 'cluster-enabled': 'yes', 'tls-cluster': 'no' });
    expect(checkOne('TLS-INTERNODE', f, LIVE).map((x) => x.severity)).toEqual(['medium', 'medium']);
    expect(checkOne('TLS-INTERNODE', f, prof('private_network', 'compliance', ['pci_dss'])).map((x) => x.severity)).toEqual(['high', 'high']);
  });
  it('TLS-CERT: expiry, self-signed, SAN, weak key, key mode, CA missing', () => {
    const f = baselineFacts();
    f.certificates = [
      { subject: 'CN=redis', issuer: 'CN=redis', selfSigned: true, dnsNames: [], ipAddresses: [], keyType: 'rsa', keyBits: 1024, signatureAlgorithm: 'sha1WithRSAEncryption', notBefore: '2026-01-01T00:00:00Z', notAfter: '2026-12-10T00:00:00Z', file: 'server.crt' },
    ];
    f.files = { known: true, value: [{ path: 'server.key', kind: 'tls-key', mode: 0o644 }] };
    setConfig(f, { 'tls-ca-cert-file': '' });
    expect(checkOne('TLS-CERT', f, LIVE).map((x) => x.evidence)).toEqual([
      'server.crt: expires in 12 day(s), within the 30-day window, self-signed, no subjectAltName (CN alone is obsolete), RSA 1024-bit key, signed with sha1WithRSAEncryption',
      'server.key: private key mode 644 is readable by others',
      'tls-auth-clients yes without tls-ca-cert-file or tls-ca-cert-dir',
    ]);
    expect(checkOne('TLS-CERT', baselineFacts(), LIVE)[0]?.status).toBe('pass');
  });
  it('lint without tls-port: TLS rules not applicable, TLS-DISABLED judged by bind', () => {
    expect(checkOne('TLS-DISABLED', lintFacts({ bind: '127.0.0.1' }), { mode: 'lint', profile: null })[0]?.status).toBe('not_applicable');
    expect(checkOne('TLS-DISABLED', lintFacts({ bind: '10.0.0.5' }), { mode: 'lint', profile: null })[0]?.status).toBe('fail');
  });
});
