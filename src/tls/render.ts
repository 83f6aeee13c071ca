import type { CertificateFacts } from '../facts/types.js';
import { visible } from '../text/index.js';
import type { TlsCheck } from './checks.js';
import type { TlsInspection } from './inspection.js';

const STATUS_LABEL: Record<TlsCheck['status'], string> = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', unknown: '????' };

function keyLine(c: CertificateFacts): string {
  const key = c.keyType === 'ec' ? `ECDSA ${c.keyBits} (${c.curve ?? 'unknown curve'})` : c.keyType === 'rsa' ? `RSA ${c.keyBits}` : c.keyType === 'ed25519' ? 'Ed25519' : 'unknown key type';
  return `${key}, signed ${c.signatureAlgorithm}`;
}

function certificateLines(c: CertificateFacts, daysLeft: number | null): string[] {
  const sans = [...c.dnsNames.map((d) => `DNS:${d}`), ...c.ipAddresses.map((i) => `IP:${i}`)];
  const lines = [
    ['subject', c.subject],
    ['issuer', `${c.issuer}${c.selfSigned ? ' (self-signed)' : ''}`],
    ['SAN', sans.join(', ') || '(none)'],
    ['key', keyLine(c)],
    ['validity', `${c.notBefore} to ${c.notAfter}${daysLeft !== null ? ` (${daysLeft >= 0 ? `${daysLeft} days left` : `expired ${-daysLeft} days ago`})` : ''}`],
  ];
  if (c.extendedKeyUsage) lines.push(['purpose', `${c.isCa ? 'CA, ' : ''}${c.extendedKeyUsage.join(', ')}`]);
  else if (c.isCa) lines.push(['purpose', 'CA']);
  if (c.serialHex) lines.push(['serial', c.serialHex]);
  if (c.fingerprintSha256) lines.push(['sha256', c.fingerprintSha256]);
  return lines.map(([k, v]) => `  ${(k ?? '').padEnd(12)}${v}`);
}

function sessionLines(s: NonNullable<TlsInspection['session']>): string[] {
  const lines = [`  ${'protocols'.padEnd(12)}${s.protocols.join(' ') || '(none accepted)'}`];
  for (const [protocol, ciphers] of Object.entries(s.ciphers)) {
    const tried = s.cipherScope?.tried[protocol];
    const details = s.cipherDetails?.[protocol];
    if (tried === undefined || details === undefined) {
      lines.push(`  ${protocol.padEnd(12)}${ciphers.join(' ') || '(no suite enumerated)'}`);
      continue;
    }
    lines.push(`  ${protocol.padEnd(12)}${details.length} of ${tried.length} suites tried accepted`);
    const width = Math.max(0, ...details.map((d) => d.suite.length));
    for (const d of details) lines.push(`  ${''.padEnd(12)}  ${d.suite.padEnd(width)}  ${d.keyExchange}`);
  }
  if (s.cipherScope) {
    lines.push(`  ${'tried'.padEnd(12)}every suite OpenSSL ${s.cipherScope.openssl} can offer at security level 0, one handshake each (the list is in --format json); never tried: ${s.cipherScope.notTried}`);
  }
  lines.push(`  ${'client auth'.padEnd(12)}${s.clientAuth}${s.clientAuthEvidence ? ` (${s.clientAuthEvidence})` : ''}`);
  if (s.negotiated) lines.push(`  ${'negotiated'.padEnd(12)}${s.negotiated.protocol} ${s.negotiated.cipher}${s.negotiated.group ? ` ${s.negotiated.group}` : ''}`);
  return lines;
}

function verdict(inspection: TlsInspection): string {
  const count = (status: TlsCheck['status']) => inspection.analysis.checks.filter((c) => c.status === status).length;
  const [failed, warned, unknown] = [count('fail'), count('warn'), count('unknown')];
  const tail = [failed && `${failed} failed`, warned && `${warned} warning${warned > 1 ? 's' : ''}`, unknown && `${unknown} not verified`].filter(Boolean).join(', ');
  const head = inspection.analysis.compliant === true ? 'compliant' : inspection.analysis.compliant === false ? 'NOT compliant' : 'not fully verified';
  return `  result: ${head} with Mozilla ${inspection.analysis.profile} (guideline ${inspection.analysis.guideline})${tail ? `: ${tail}` : ''}`;
}

/** Human-readable report of one or more inspections; every line passes through visible(). */
export function renderTlsText(inspections: TlsInspection[]): string {
  const blocks = inspections.map((inspection) => {
    const lines = [`${inspection.target}  [${inspection.kind === 'live' ? 'live TLS port' : 'certificate file'}, profile ${inspection.analysis.profile}]`];
    if (inspection.session) lines.push(...sessionLines(inspection.session));
    if (inspection.certificate) lines.push(...certificateLines(inspection.certificate, inspection.analysis.daysLeft));
    lines.push('  checks:');
    const width = Math.max(...inspection.analysis.checks.map((c) => c.key.length));
    for (const c of inspection.analysis.checks) {
      const severity = c.status === 'pass' ? '' : ` [${c.severity}]`;
      lines.push(`    ${STATUS_LABEL[c.status]}  ${c.key.padEnd(width)}  ${c.message}${severity}`);
      if (c.remediation) lines.push(`          ${' '.repeat(width)}  fix: ${c.remediation}`);
    }
    lines.push(verdict(inspection));
    // Certificate fields and server texts are someone else's: a control character or a newline
    // in a subject or SAN is shown as an escape, never sent to the terminal or starting a line.
    return lines.map(visible).join('\n');
  });
  return `${blocks.join('\n\n')}\n`;
}

/** Machine-readable report: a stable envelope around the inspections. */
export function renderTlsJson(inspections: TlsInspection[], tool: { name: string; version: string }): string {
  return `${JSON.stringify({ schema_version: 1, tool, results: inspections }, null, 2)}\n`;
}
