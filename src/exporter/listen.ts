/**
 * --listen HOST:PORT. Metrics show how a fleet is secured (which rules fail, which users changed):
 * served on loopback unless --listen-any says otherwise, since the exporter has no authentication
 * of its own. A host name other than localhost counts as non-loopback: what it resolves to is not
 * known here.
 */
import { isIP } from 'node:net';
import { UsageError } from '../errors.js';

/**
 * Default port: not redis_exporter's 9121, and outside 9100-9999, the range Prometheus's default
 * port allocations list has filled.
 */
export const DEFAULT_EXPORTER_PORT = 10121;
export const DEFAULT_LISTEN = `127.0.0.1:${DEFAULT_EXPORTER_PORT}`;

export interface ListenAddress {
  host: string;
  port: number;
  loopback: boolean;
}

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** "HOST:PORT", "[V6]:PORT" or "PORT" (loopback); port 0 picks a free one. */
export function parseListen(spec: string, listenAny: boolean): ListenAddress {
  const text = spec.trim();
  let host: string;
  let portText: string;
  const v6 = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(text);
  if (v6) [host, portText] = [v6[1] ?? '', v6[2] ?? ''];
  else if (/^\d+$/.test(text)) [host, portText] = ['127.0.0.1', text];
  else {
    const colon = text.lastIndexOf(':');
    if (colon < 0) throw bad(spec);
    [host, portText] = [text.slice(0, colon), text.slice(colon + 1)];
    if (host.includes(':')) throw bad(spec);
  }
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw bad(spec);
  if (host === '' || (isIP(host) === 0 && !/^[A-Za-z0-9.-]{1,253}$/.test(host))) throw bad(spec);
  const loopback = isLoopbackHost(host);
  if (!loopback && !listenAny)
    throw new UsageError(`--listen ${host}: not a loopback address; the exporter has no authentication, so serving it beyond this host needs --listen-any (and a firewall or a proxy in front)`);
  return { host, port: Number(portText), loopback };
}

function bad(spec: string): UsageError {
  return new UsageError(`--listen must be HOST:PORT, [IPV6]:PORT or PORT; got ${JSON.stringify(spec.slice(0, 80))}`);
}
