import type { CertificateFacts } from '../../facts/types.js';
import { chmodCommand } from '../shell.js';
import type { Rule, RuleResult } from '../types.js';
import { fail, notApplicable, pass } from '../result.js';
import { configValue } from '../config.js';
import { pci } from '../compliance.js';
import { tlsEnabled } from './common.js';

const DAY = 86_400_000;
/** The expiry window unless --cert-expiry-window says otherwise. */
export const CERT_EXPIRY_WINDOW_DAYS = 30;

function certProblems(c: CertificateFacts, now: number, windowDays: number): string[] {
  const p: string[] = [];
  const end = Date.parse(c.notAfter);
  if (Number.isFinite(end)) {
    const days = Math.floor((end - now) / DAY);
    if (days < 0) p.push(`expired ${-days} day(s) ago`);
    else if (days < windowDays) p.push(`expires in ${days} day(s), within the ${windowDays}-day window`);
  }
  if (c.selfSigned && !c.isCa) p.push('self-signed');
  if (c.trusted === false) p.push(`untrusted chain${c.trustError ? ` (${c.trustError})` : ''}`);
  if (c.hostCheck && !c.hostCheck.matches) p.push(`SAN does not match ${c.hostCheck.name}`);
  if (!c.isCa && c.dnsNames.length === 0 && c.ipAddresses.length === 0) p.push('no subjectAltName (CN alone is obsolete)');
  if (c.keyType === 'rsa' && c.keyBits < 2048) p.push(`RSA ${c.keyBits}-bit key`);
  if (/sha1|md5/i.test(c.signatureAlgorithm)) p.push(`signed with ${c.signatureAlgorithm}`);
  return p;
}

export const tlsCert: Rule = {
  id: 'TLS-CERT',
  title: 'TLS certificate problems',
  severity: 'medium',
  rationale: 'An expiring, self-signed, mismatched or weak certificate either breaks clients or trains them to skip verification; a world-readable key gives the identity away; client auth without a CA file cannot verify anyone.',
  remediation: { text: 'Issue leaf certificates from your CA with the names clients dial, rotate before expiry, keep keys 0600.', command: 'redsec generate --level hardened --out ./bundle' },
  compliance: [pci('4.2.1'), pci('4.2.1.1')],
  level: 3,
  modes: ['live', 'lint'],
  check(facts, ctx) {
    const t = tlsEnabled(facts);
    if (t.known && !t.on) return notApplicable('TLS is not enabled');
    const now = (ctx.now ?? new Date()).getTime();
    const windowDays = ctx.certExpiryWindowDays ?? CERT_EXPIRY_WINDOW_DAYS;
    const results: RuleResult[] = [];
    for (const c of facts.certificates) {
      const problems = certProblems(c, now, windowDays);
      if (problems.length > 0) results.push(fail(`${c.file ?? c.subject}: ${problems.join(', ')}`));
    }
    if (facts.files.known)
      for (const f of facts.files.value.filter((x) => x.kind === 'tls-key' && (x.mode & 0o077) !== 0))
        results.push(fail(`${f.path}: private key mode ${(f.mode & 0o777).toString(8)} is readable by others`, { remediation: { text: 'Close the key to other users (the owner and group the server reads it through keep their access).', command: chmodCommand('o-rwx', f.path) } }));
    const auth = configValue(facts, 'tls-auth-clients');
    const ca = configValue(facts, 'tls-ca-cert-file');
    const caDir = configValue(facts, 'tls-ca-cert-dir');
    if (auth.known && ca.known && caDir.known) {
      const mode = (auth.value?.value ?? 'yes').toLowerCase();
      if (mode !== 'no' && !ca.value?.value && !caDir.value?.value) results.push(fail(`tls-auth-clients ${mode} without tls-ca-cert-file or tls-ca-cert-dir`, { location: auth.value?.location }));
    }
    if (results.length > 0) return results;
    if (facts.certificates.length === 0) return notApplicable('no certificate was seen (no handshake and no certificate files)');
    return pass(`${facts.certificates.length} certificate(s) valid for at least ${windowDays} days, with SANs`);
  },
};
