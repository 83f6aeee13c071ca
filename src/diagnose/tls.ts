/** E604 TLS_HANDSHAKE: from the client's TLS error (and what an unverified probe saw) to cause and fix. */
import type { Problem, TlsSession } from './schema.js';
import type { Fault } from '../resp/index.js';
import { redisCli, type TargetContext } from './context.js';

export type TlsFailureKind =
  | 'wrong-ca'
  | 'self-signed'
  | 'expired'
  | 'not-yet-valid'
  | 'san-mismatch'
  | 'protocol-mismatch'
  | 'client-cert-required'
  | 'client-cert-rejected'
  | 'tls-to-plain-port'
  | 'plain-to-tls-port'
  | 'handshake-failed';

/** The RESP layer's fault names for TLS failures, to the causes diagnose explains. */
const BY_FAULT: Partial<Record<Fault, TlsFailureKind>> = {
  'untrusted-ca': 'wrong-ca',
  'self-signed': 'self-signed',
  'cert-expired': 'expired',
  'cert-not-yet-valid': 'not-yet-valid',
  'hostname-mismatch': 'san-mismatch',
  'protocol-mismatch': 'protocol-mismatch',
  'client-cert-required': 'client-cert-required',
  'client-cert-rejected': 'client-cert-rejected',
  'tls-to-plain-port': 'tls-to-plain-port',
  'plain-to-tls-port': 'plain-to-tls-port',
  'handshake-failure': 'handshake-failed',
  'tls-other': 'handshake-failed',
};

export function tlsKindOfFault(fault: Fault): TlsFailureKind | undefined {
  return BY_FAULT[fault];
}

export interface TlsEvidence {
  /** The error the client got (code and message). */
  clientError: string;
  /** What an unverified handshake saw, when one succeeded. */
  session: TlsSession | null;
  /** Protocols the server accepted in one handshake per version, when probed. */
  serverProtocols: string[] | null;
  /** The protocol range the client allowed. */
  clientProtocols: string | null;
  /** Whether the server asks for a client certificate, with how that was concluded. */
  clientAuth: string | null;
  /** The dialled name or address, checked against the SANs. */
  hostname: string;
  now: Date;
}

export function tlsProblem(ctx: TargetContext, kind: TlsFailureKind, ev: TlsEvidence): Problem {
  const cert = ev.session?.certificate ?? null;
  const evidence = [`client error: ${ev.clientError}`];
  if (cert) {
    evidence.push(
      `server certificate: subject ${cert.subject}; issuer ${cert.issuer}; SANs ${cert.subjectAltNames.join(', ') || '(none)'}; valid ${cert.validFrom} to ${cert.validTo}${cert.selfSigned ? '; self-signed' : ''}`,
    );
  }
  if (ev.session?.protocol) evidence.push(`unverified handshake: ${ev.session.protocol} ${ev.session.cipher ?? ''}`.trim());
  if (ev.serverProtocols) evidence.push(`server accepts: ${ev.serverProtocols.join(', ') || 'none of TLSv1 to TLSv1.3'}`);
  if (ev.clientProtocols) evidence.push(`client allows: ${ev.clientProtocols}`);
  if (ev.clientAuth) evidence.push(`client certificate: ${ev.clientAuth}`);
  const cli = (args: string) => redisCli({ ...ctx, host: '127.0.0.1' }, args, 'ADMIN');
  const sClient = `openssl s_client -connect ${ctx.host}:${ctx.port} -servername ${ev.hostname}${ctx.caFile ? ` -CAfile ${ctx.caFile}` : ''} -brief </dev/null`;
  const t: Record<TlsFailureKind, { summary: string; cause: string; fixes: Problem['fixes'] }> = {
    'wrong-ca': {
      summary: 'The server certificate is not signed by the CA the client trusts.',
      cause: `The client verifies the server's chain against its CA file${ctx.caFile ? ` (${ctx.caFile})` : ' (or the system store)'}, and no trusted CA issued the server certificate${cert ? ` (issuer: ${cert.issuer})` : ''}. Usually the client has the CA of another environment, or the server was re-issued by a new CA and the bundle was not rotated.`,
      fixes: [
        { text: 'Give the client the CA that issued the server certificate (compare the issuer with the CA subject).', commands: [sClient, `openssl x509 -in ${ctx.caFile ?? 'ca.crt'} -noout -subject`, cli('CONFIG GET tls-ca-cert-file')] },
      ],
    },
    'self-signed': {
      summary: 'The server presents a self-signed certificate the client does not trust.',
      cause: 'The server certificate (or the root it sends) is self-signed and not in the client\'s CA file. Self-signed leaf certificates cannot be rotated or revoked centrally; issue the server certificate from an internal CA and distribute that CA.',
      fixes: [
        { text: 'Issue a server certificate from an internal CA (redsec generate writes one) and give clients the CA file.', commands: ['redsec generate --level standard --exposure private_network --out ./redis-secure', cli('CONFIG SET tls-cert-file /etc/redis/tls/redis.crt')] },
        { text: 'Or, for a test server only, trust this certificate explicitly as the CA.', commands: [sClient] },
      ],
    },
    expired: {
      summary: 'The server certificate has expired.',
      cause: `The certificate's notAfter${cert ? ` (${cert.validTo})` : ''} is before now (${ev.now.toISOString()}), so every verifying client refuses it. Redis keeps serving the expired certificate until it is replaced and reloaded.`,
      fixes: [
        { text: 'Issue a new certificate and load it without a restart (Redis re-reads the files on CONFIG SET).', commands: ['redsec generate --level standard --exposure private_network --out ./redis-secure', cli('CONFIG SET tls-cert-file /etc/redis/tls/redis.crt'), cli('CONFIG SET tls-key-file /etc/redis/tls/redis.key')] },
      ],
    },
    'not-yet-valid': {
      summary: 'The server certificate is not valid yet.',
      cause: `The certificate's notBefore${cert ? ` (${cert.validFrom})` : ''} is after now (${ev.now.toISOString()}): either the client or the issuing machine has a wrong clock, or the certificate was issued with a future start date.`,
      fixes: [{ text: 'Check the clocks (NTP) on client and server; re-issue the certificate if its start date is wrong.', commands: ['timedatectl status', sClient] }],
    },
    'san-mismatch': {
      summary: `The name dialled (${ev.hostname}) is not in the certificate's subject alternative names.`,
      cause: `The client checks that the host it dials appears in the certificate's SANs (the CN is ignored by modern clients). The certificate lists ${cert ? cert.subjectAltNames.join(', ') || 'no SANs' : 'other names'}, not ${ev.hostname}.`,
      fixes: [
        { text: `Re-issue the server certificate with ${ev.hostname} in its SANs (every name and IP clients use, including announce addresses).`, commands: [`openssl x509 -in /etc/redis/tls/redis.crt -noout -ext subjectAltName`, cli('CONFIG SET tls-cert-file /etc/redis/tls/redis.crt')] },
        { text: 'Or dial a name that is in the SANs (or set the TLS servername to it).', commands: [] },
      ],
    },
    'protocol-mismatch': {
      summary: 'Client and server share no TLS protocol version.',
      cause: `The server only accepts ${ev.serverProtocols?.join(', ') || 'other versions'} while the client allows ${ev.clientProtocols ?? 'other versions'}, so the handshake fails before any certificate is checked.`,
      fixes: [
        { text: 'Let the client use TLS 1.2 or 1.3 (preferred: upgrade the client library/OpenSSL).', commands: [] },
        { text: 'Or widen the server\'s tls-protocols to include a version the client speaks (never below TLSv1.2).', commands: [cli('CONFIG SET tls-protocols "TLSv1.2 TLSv1.3"'), cli('CONFIG REWRITE')] },
      ],
    },
    'client-cert-required': {
      summary: 'The server requires a client certificate (tls-auth-clients yes) and none was sent.',
      cause: 'With tls-auth-clients yes (the default) Redis asks for a client certificate signed by its CA. In TLS 1.2 the handshake fails; in TLS 1.3 the handshake appears to succeed and the server sends a "certificate required" alert, which the client sees only at its first command.',
      fixes: [
        { text: 'Give the client a certificate and key issued by the server\'s CA.', commands: [`redsec diagnose rediss://${ctx.host}:${ctx.port} --cacert ca.crt --cert client.crt --key client.key`] },
        { text: 'Or, if client certificates are not part of your design, make them optional (authentication then relies on ACL passwords).', commands: [cli('CONFIG SET tls-auth-clients optional')] },
      ],
    },
    'client-cert-rejected': {
      summary: 'The server rejected the client certificate.',
      cause: 'The client sent a certificate, but the server could not verify it against its tls-ca-cert-file (another CA, expired, or wrong purpose).',
      fixes: [{ text: 'Issue the client certificate from the CA in the server\'s tls-ca-cert-file, with extendedKeyUsage clientAuth.', commands: [cli('CONFIG GET tls-ca-cert-file'), 'openssl x509 -in client.crt -noout -issuer -dates -ext extendedKeyUsage'] }],
    },
    'tls-to-plain-port': {
      summary: 'TLS was spoken to a port that speaks plain RESP.',
      cause: 'The port answers unencrypted RESP, so the TLS handshake met a Redis reply (or silence) instead of a ServerHello. The URL or client uses TLS (rediss://) against the plain "port"; the TLS port is "tls-port".',
      fixes: [
        { text: 'Use the server\'s tls-port for TLS, or redis:// for this port (only on a trusted network).', commands: [cli('CONFIG GET tls-port'), `redsec diagnose redis://${ctx.host}:${ctx.port}`] },
      ],
    },
    'plain-to-tls-port': {
      summary: 'Plain RESP was spoken to a TLS port.',
      cause: 'The port expects a TLS handshake first; the server read the RESP command as a broken TLS record and closed the connection without a reply. The client must use TLS (rediss://, --tls) on this port.',
      fixes: [{ text: 'Connect with TLS to this port.', commands: [`redsec diagnose rediss://${ctx.host}:${ctx.port} --cacert ca.crt`, redisCli({ ...ctx, tls: true }, 'PING')] }],
    },
    'handshake-failed': {
      summary: 'The TLS handshake failed.',
      cause: 'The handshake failed for a reason redsec could not narrow down; compare with openssl s_client.',
      fixes: [{ text: 'Reproduce with openssl s_client and read the alert.', commands: [sClient] }],
    },
  };
  const entry = t[kind];
  return { code: 'E604', name: 'TLS_HANDSHAKE', kind, summary: entry.summary, cause: entry.cause, evidence, fixes: entry.fixes };
}
