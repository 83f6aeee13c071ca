/**
 * Does this port speak TLS? One ClientHello, no Redis command: a finished handshake or any TLS
 * alert means yes; a reset, non-TLS bytes or silence means no. Used to explain why a plain
 * connection died on its first command.
 */
import { connect as tlsConnect } from 'node:tls';
import type { Endpoint, TlsOptions } from './transport.js';
import { nodeTlsOptions } from './transport.js';

export function speaksTls(ep: Endpoint, tls: TlsOptions | undefined, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let options;
    try {
      options = { ...nodeTlsOptions(ep.host, tls ?? {}), rejectUnauthorized: false };
    } catch {
      options = { rejectUnauthorized: false };
    }
    const socket = tlsConnect({ host: ep.host, port: ep.port, ...options });
    const finish = (yes: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(yes);
    };
    const timer = setTimeout(() => finish(false), Math.min(timeoutMs, 2000));
    socket.once('secureConnect', () => finish(true));
    socket.once('error', (err: NodeJS.ErrnoException) => finish((err.code ?? '').includes('_ALERT_')));
    socket.once('close', () => finish(false));
  });
}
