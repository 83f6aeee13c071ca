/**
 * Turning socket, TLS and protocol failures into TargetError codes with a finer `fault` that
 * diagnose can act on. Messages carry the masked target and the OpenSSL reason, never a secret.
 */
import { TargetError, type TargetErrorCode } from '../errors.js';
import { redactSecrets } from './redaction.js';

export type Fault =
  | 'connection-refused'
  | 'dns'
  | 'unreachable'
  | 'connect-timeout'
  | 'reply-timeout'
  | 'reset'
  | 'closed'
  | 'protocol'
  | 'plain-to-tls-port'
  | 'tls-to-plain-port'
  | 'tls-handshake-timeout'
  | 'client-cert-required'
  | 'client-cert-rejected'
  | 'protocol-mismatch'
  | 'handshake-failure'
  | 'cert-expired'
  | 'cert-not-yet-valid'
  | 'hostname-mismatch'
  | 'self-signed'
  | 'untrusted-ca'
  | 'tls-other'
  | 'noauth'
  | 'wrongpass'
  | 'auth-failed'
  | 'protected-mode'
  | 'max-clients'
  | 'loading';

/** A TargetError that also says which fault it was and, for TLS, OpenSSL's own reason. */
export class ConnectionError extends TargetError {
  /** e.g. "tlsv13 alert certificate required", or Node's certificate error code. */
  readonly tlsReason?: string;
  /** The server's own error line when it sent one (DENIED ..., WRONGPASS ...), secrets redacted. */
  readonly serverText?: string;
  constructor(
    code: TargetErrorCode,
    readonly fault: Fault,
    message: string,
    target?: string,
    extra: { tlsReason?: string; serverText?: string } = {},
  ) {
    super(code, message, target);
    if (extra.tlsReason !== undefined) this.tlsReason = extra.tlsReason;
    if (extra.serverText !== undefined) this.serverText = extra.serverText;
  }
}

/**
 * Hides each secret and each prefix of it long enough to matter: server texts can echo arguments
 * (e.g. "unknown command ... with args"), cut at 128 characters.
 */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  return redactSecrets(text, secrets.filter((s): s is string => s !== undefined && s !== ''));
}

const TLS_FAULTS: Record<string, Fault> = {
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: 'client-cert-required',
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: 'client-cert-rejected',
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: 'client-cert-rejected',
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN: 'client-cert-rejected',
  ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE: 'client-cert-rejected',
  ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR: 'client-cert-rejected',
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED: 'client-cert-rejected',
  ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: 'protocol-mismatch',
  ERR_SSL_UNSUPPORTED_PROTOCOL: 'protocol-mismatch',
  ERR_SSL_NO_PROTOCOLS_AVAILABLE: 'protocol-mismatch',
  ERR_SSL_TLSV1_ALERT_INTERNAL_ERROR: 'protocol-mismatch',
  ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE: 'handshake-failure',
  ERR_SSL_WRONG_VERSION_NUMBER: 'tls-to-plain-port',
  ERR_SSL_PACKET_LENGTH_TOO_LONG: 'tls-to-plain-port',
  ERR_SSL_UNKNOWN_PROTOCOL: 'tls-to-plain-port',
  ERR_SSL_RECORD_LAYER_FAILURE: 'tls-to-plain-port',
  CERT_HAS_EXPIRED: 'cert-expired',
  CERT_NOT_YET_VALID: 'cert-not-yet-valid',
  ERR_TLS_CERT_ALTNAME_INVALID: 'hostname-mismatch',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'untrusted-ca',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'untrusted-ca',
  UNABLE_TO_GET_ISSUER_CERT: 'untrusted-ca',
  CERT_SIGNATURE_FAILURE: 'untrusted-ca',
  CERT_UNTRUSTED: 'untrusted-ca',
  CERT_REJECTED: 'untrusted-ca',
};

const TLS_HINTS: Partial<Record<Fault, string>> = {
  'client-cert-required': 'the server requires a client certificate (tls-auth-clients yes)',
  'client-cert-rejected': 'the server rejected the client certificate',
  'protocol-mismatch': 'no TLS protocol version in common with the server (tls-protocols)',
  'handshake-failure': 'the server refused the handshake (missing client certificate, or no cipher in common)',
  'tls-to-plain-port': 'the server did not answer in TLS: this looks like a plain (non-TLS) port; use redis://',
  'cert-expired': 'the server certificate has expired',
  'cert-not-yet-valid': 'the server certificate is not valid yet',
  'hostname-mismatch': 'the server certificate does not name this host or IP in its SANs',
  'self-signed': 'the server certificate chain is self-signed and not trusted',
  'untrusted-ca': 'the server certificate is not signed by a trusted CA (check --cacert)',
};

/** OpenSSL's reason from a Node TLS error ("...:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:..."). */
export function opensslReason(err: NodeJS.ErrnoException): string {
  const m = /SSL routines:[^:]*:([^:]+):/.exec(err.message);
  if (m?.[1]) return m[1];
  // Certificate verification: Node keeps OpenSSL's verify text as the message, the name as the code.
  const text = err.message.split('\n')[0] ?? '';
  return err.code && text && !text.includes(err.code) ? `${text} (${err.code})` : text || err.code || 'unknown';
}

export function isTlsError(err: NodeJS.ErrnoException): boolean {
  const code = err.code ?? '';
  return code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code in TLS_FAULTS;
}

export function tlsFault(err: NodeJS.ErrnoException): Fault {
  return TLS_FAULTS[err.code ?? ''] ?? 'tls-other';
}

export function tlsError(err: NodeJS.ErrnoException, target: string): ConnectionError {
  const fault = tlsFault(err);
  const reason = opensslReason(err);
  const hint = TLS_HINTS[fault] ?? 'TLS handshake failed';
  return new ConnectionError('E604', fault, `TLS handshake failed: ${hint} (${reason})`, target, { tlsReason: reason });
}

/** Socket-level errors (ECONNREFUSED, ENOTFOUND ...) and TLS errors to a ConnectionError. */
export function socketError(err: NodeJS.ErrnoException, target: string): ConnectionError {
  if (isTlsError(err)) return tlsError(err, target);
  const code = err.code ?? '';
  switch (code) {
    case 'ECONNREFUSED':
      return new ConnectionError('CONNREFUSED', 'connection-refused', 'connection refused (nothing listens on that port, or a firewall rejects it)', target);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
    case 'EAI_FAIL':
      return new ConnectionError('DNS', 'dns', `host name could not be resolved (${code})`, target);
    case 'ECONNRESET':
    case 'EPIPE':
      return new ConnectionError('RESET', 'reset', `connection reset by the server (${code})`, target);
    case 'ETIMEDOUT':
      return new ConnectionError('TIMEOUT', 'connect-timeout', 'connection timed out', target);
    default:
      return new ConnectionError('UNREACHABLE', 'unreachable', `cannot reach the server (${code || err.message.split('\n')[0]})`, target);
  }
}
