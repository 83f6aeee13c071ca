/**
 * Opening the socket: TCP or TLS, within a connect deadline that covers DNS, TCP and the TLS
 * handshake. Node's TLS options are built here and nowhere else.
 */
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket, type SecureVersion } from 'node:tls';
import { ConnectionError, socketError } from './faults.js';
import { loadPem } from './pem.js';

export interface TlsOptions {
  /** PEM text, Buffer, or a file path. */
  ca?: string | Buffer | undefined;
  cert?: string | Buffer | undefined;
  key?: string | Buffer | undefined;
  servername?: string | undefined;
  /** Skip certificate verification (the result still reports `authorized: false`). */
  insecure?: boolean | undefined;
  minVersion?: SecureVersion | undefined;
  maxVersion?: SecureVersion | undefined;
  /** OpenSSL cipher string; TLS 1.3 suites (TLS_...) go here too. */
  ciphers?: string | undefined;
}

/** Errors a socket raised between connect and the moment its owner attached listeners. */
const earlyErrors = new WeakMap<Socket, Error>();
const earlySinks = new WeakMap<Socket, (err: Error) => void>();

/** Hands the socket over: removes the interim error sink and returns an error it caught, if any. */
export function adoptSocket(socket: Socket): Error | undefined {
  const sink = earlySinks.get(socket);
  if (sink) socket.off('error', sink);
  return earlyErrors.get(socket);
}

export interface Endpoint {
  host: string;
  port: number;
  /** Masked target for messages. */
  display: string;
}

export function nodeTlsOptions(host: string, tls: TlsOptions): ConnectionOptions {
  const servername = tls.servername ?? (isIP(host) ? undefined : host);
  return {
    ...(tls.ca !== undefined ? { ca: loadPem(tls.ca, 'CA file') } : {}),
    ...(tls.cert !== undefined ? { cert: loadPem(tls.cert, 'client certificate') } : {}),
    ...(tls.key !== undefined ? { key: loadPem(tls.key, 'client key') } : {}),
    // Node refuses an IP address as SNI; hostname checks still use `host`.
    ...(servername !== undefined ? { servername } : {}),
    ...(tls.minVersion ? { minVersion: tls.minVersion } : {}),
    ...(tls.maxVersion ? { maxVersion: tls.maxVersion } : {}),
    ...(tls.ciphers ? { ciphers: tls.ciphers } : {}),
    rejectUnauthorized: !tls.insecure,
  };
}

/**
 * Resolves with a connected (and, for TLS, handshaken) socket, or rejects with a ConnectionError.
 * The socket is destroyed on every failure path, so nothing is left half-open.
 */
export function openSocket(ep: Endpoint, tls: TlsOptions | undefined, timeoutMs: number): Promise<Socket | TLSSocket> {
  // Option errors (unreadable CA file) are thrown before any socket exists.
  const options = tls ? { host: ep.host, port: ep.port, ...nodeTlsOptions(ep.host, tls) } : undefined;
  return new Promise((resolve, reject) => {
    const socket: Socket = options ? tlsConnect(options) : netConnect({ host: ep.host, port: ep.port });
    let tcpUp = false;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        tls && tcpUp
          ? new ConnectionError('TIMEOUT', 'tls-handshake-timeout', `TLS handshake not answered within ${timeoutMs} ms (is this a plain, non-TLS port? try redis://)`, ep.display)
          : new ConnectionError('TIMEOUT', 'connect-timeout', `no connection within ${timeoutMs} ms`, ep.display),
      );
    }, timeoutMs);
    const onError = (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      reject(socketError(err, ep.display));
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      tcpUp = true;
    });
    // A TLS server that closes during the handshake without an alert.
    const onClose = () => {
      clearTimeout(timer);
      reject(new ConnectionError('CLOSED', 'closed', 'connection closed during connect', ep.display));
    };
    socket.once('close', onClose);
    socket.once(tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      socket.off('close', onClose);
      // Until the connection attaches its own listener, keep an error instead of crashing on it.
      const sink = (err: Error) => earlyErrors.set(socket, err);
      earlySinks.set(socket, sink);
      socket.once('error', sink);
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}
