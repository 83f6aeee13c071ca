/**
 * Target URLs: redis://[user[:pass]@]host[:port][/db], rediss:// (TLS), host:port, host, [::1]:port.
 * The password never reaches a message: errors describe the input with credentials masked.
 */
import { InputError } from '../errors.js';

export interface Target {
  host: string;
  port: number;
  tls: boolean;
  user?: string;
  password?: string;
  /** Database index from the URL path; redsec never SELECTs (SELECT is not on the allowlist). */
  db?: number;
  /** The URL as it may be shown: the password replaced by ***. */
  display: string;
}

export const DEFAULT_PORT = 6379;

/** Masks the password part of anything URL-like, even when it does not parse. */
export function maskUrl(text: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text);
  const start = scheme ? scheme[0].length : 0;
  const at = text.lastIndexOf('@');
  if (at < start) return text;
  const userinfo = text.slice(start, at);
  const colon = userinfo.indexOf(':');
  return colon < 0 ? text : `${text.slice(0, start)}${userinfo.slice(0, colon)}:***${text.slice(at)}`;
}

function bad(url: string, why: string): InputError {
  return new InputError(`${why} in '${maskUrl(url)}' (expected redis://[user[:password]@]host[:port] or rediss://...)`, 'url');
}

function parsePort(text: string, url: string): number {
  if (!/^\d{1,5}$/.test(text)) throw bad(url, `invalid port '${text}'`);
  const port = Number(text);
  if (port < 1 || port > 65535) throw bad(url, `port ${port} out of range`);
  return port;
}

function checkHost(host: string, url: string): string {
  if (host === '') throw bad(url, 'missing host');
  if (host.startsWith('[')) {
    if (!/^\[[0-9a-fA-F:.]+(%[\w.-]+)?\]$/.test(host)) throw bad(url, 'invalid IPv6 address');
    return host.slice(1, -1);
  }
  if (!/^[A-Za-z0-9._-]+$/.test(host)) throw bad(url, 'invalid host');
  return host;
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function decode(part: string, url: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw bad(url, 'invalid percent-encoding');
  }
}

function displayOf(t: Omit<Target, 'display'>): string {
  const auth = t.user !== undefined || t.password !== undefined
    ? `${t.user !== undefined ? encodeURIComponent(t.user) : ''}${t.password !== undefined ? ':***' : ''}@`
    : '';
  return `${t.tls ? 'rediss' : 'redis'}://${auth}${formatHost(t.host)}:${t.port}${t.db !== undefined ? `/${t.db}` : ''}`;
}

function withDisplay(t: Omit<Target, 'display'>): Target {
  return { ...t, display: displayOf(t) };
}

/** host[:port], [v6]:port or a bare IPv6 address (no port). */
function parseHostPort(hostport: string, url: string): { host: string; port: number } {
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']');
    if (close < 0) throw bad(url, 'unclosed [ in IPv6 address');
    const host = checkHost(hostport.slice(0, close + 1), url);
    const rest = hostport.slice(close + 1);
    if (rest === '') return { host, port: DEFAULT_PORT };
    if (!rest.startsWith(':')) throw bad(url, 'unexpected text after IPv6 address');
    return { host, port: parsePort(rest.slice(1), url) };
  }
  const colons = hostport.split(':').length - 1;
  if (colons > 1) return { host: checkHost(`[${hostport}]`, url), port: DEFAULT_PORT };
  const [host = '', port] = hostport.split(':');
  return { host: checkHost(host, url), port: port === undefined ? DEFAULT_PORT : parsePort(port, url) };
}

export function parseTarget(url: string): Target {
  const text = url.trim();
  if (text === '') throw new InputError('empty target URL', 'url');
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  if (!scheme) {
    if (text.includes('/') || text.includes('@')) throw bad(text, 'missing redis:// or rediss:// scheme');
    return withDisplay({ ...parseHostPort(text, text), tls: false });
  }
  const name = scheme[1]?.toLowerCase();
  if (name !== 'redis' && name !== 'rediss') throw bad(text, `unsupported scheme '${name}'`);
  let rest = text.slice(scheme[0].length);
  if (/[?#]/.test(rest)) throw bad(text, 'query strings and fragments are not supported');
  let user: string | undefined;
  let password: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    rest = rest.slice(at + 1);
    const colon = userinfo.indexOf(':');
    const u = colon < 0 ? userinfo : userinfo.slice(0, colon);
    if (u !== '') user = decode(u, text);
    if (colon >= 0) password = decode(userinfo.slice(colon + 1), text);
  }
  const slash = rest.indexOf('/');
  const hostport = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? '' : rest.slice(slash + 1);
  let db: number | undefined;
  if (path !== '') {
    if (!/^\d{1,5}$/.test(path)) throw bad(text, `invalid database '${path.slice(0, 20)}'`);
    db = Number(path);
  }
  const { host, port } = parseHostPort(hostport, text);
  return withDisplay({
    host,
    port,
    tls: name === 'rediss',
    ...(user !== undefined ? { user } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(db !== undefined ? { db } : {}),
  });
}
