/** What a finished TLS handshake shows: protocol, cipher, key-exchange group and the peer chain. */
import type { TLSSocket, DetailedPeerCertificate } from 'node:tls';

export interface TlsInfo {
  protocol: string;
  cipher: string;
  /** Key-exchange group, e.g. "X25519" (getEphemeralKeyInfo); absent for TLS 1.3 resumption or RSA kx. */
  group?: string;
  groupBits?: number;
  /** "ECDH" or "DH": the ephemeral key's kind. */
  keyType?: string;
  /** Peer chain as DER, leaf first, as the server sent it (for the TLS analysis). */
  peerCertificates: Buffer[];
  /** Whether the chain verified against the given CA (or the system store). */
  authorized: boolean;
  authorizationError?: string;
}

export function toPem(der: Buffer): string {
  const b64 = der.toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}-----END CERTIFICATE-----\n`;
}

function chainOf(socket: TLSSocket): Buffer[] {
  const out: Buffer[] = [];
  let cert: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  const seen = new Set<string>();
  while (cert && cert.raw && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    out.push(cert.raw);
    cert = cert.issuerCertificate;
  }
  return out;
}

export function sessionInfo(socket: TLSSocket): TlsInfo {
  const eph = socket.getEphemeralKeyInfo();
  const group = eph && 'name' in eph && typeof eph.name === 'string' ? eph.name : undefined;
  const bits = eph && 'size' in eph && typeof eph.size === 'number' ? eph.size : undefined;
  const keyType = eph && 'type' in eph && typeof eph.type === 'string' ? eph.type : undefined;
  const authError = socket.authorizationError as unknown;
  return {
    protocol: socket.getProtocol() ?? 'unknown',
    cipher: socket.getCipher()?.name ?? 'unknown',
    ...(group !== undefined ? { group } : {}),
    ...(bits !== undefined ? { groupBits: bits } : {}),
    ...(keyType !== undefined ? { keyType } : {}),
    peerCertificates: chainOf(socket),
    authorized: socket.authorized,
    ...(authError ? { authorizationError: String(authError instanceof Error ? (authError as NodeJS.ErrnoException).code ?? authError.message : authError) } : {}),
  };
}
