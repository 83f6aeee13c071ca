/**
 * One live target → ServerFacts: the resp/ connections (authenticated, plus one without AUTH for
 * NET-UNAUTH-REACHABLE), the TLS probe, and facts/collectLive over them. Sockets are opened by
 * resp/ only; every connection is closed on every path.
 */
import { isIP } from 'node:net';
import { TargetError } from '../errors.js';
import { collectLive, known, unknown } from '../facts/index.js';
import type { ServerFacts, TlsSessionFacts } from '../facts/index.js';
import { connect, probeTls, resolveCredentials, type ConnectOptions, type RespConnection, type Target, type TlsOptions } from '../resp/index.js';

export interface ConnectionSettings {
  user?: string;
  passwordFile?: string;
  env?: NodeJS.ProcessEnv;
  /** TLS settings (--cacert --cert --key --insecure --sni), used for rediss:// targets (or all with forceTls). */
  tls?: TlsOptions;
  /** Use TLS for redis:// targets too (--tls). */
  forceTls?: boolean;
  connectTimeoutMs?: number;
  replyTimeoutMs?: number;
  retries?: number;
  backoffMs?: number;
  /** Probe the TLS listener's protocols and ciphers (default true). */
  tlsProbe?: boolean;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1']);

/** The server runs on this host: its files and process can be inspected for "(local)" checks. */
export function isLocalTarget(target: Target): boolean {
  return LOOPBACK.has(target.host) || (isIP(target.host) === 4 && target.host.startsWith('127.'));
}

function baseOptions(s: ConnectionSettings, useTls: boolean): ConnectOptions {
  return {
    ...(useTls ? { tls: s.tls ?? {} } : {}),
    ...(s.connectTimeoutMs !== undefined ? { connectTimeoutMs: s.connectTimeoutMs } : {}),
    ...(s.replyTimeoutMs !== undefined ? { replyTimeoutMs: s.replyTimeoutMs } : {}),
    ...(s.retries !== undefined ? { retries: s.retries } : {}),
    ...(s.backoffMs !== undefined ? { backoffMs: s.backoffMs } : {}),
  };
}

async function unauthenticatedPing(target: Target, opts: ConnectOptions): Promise<string> {
  const conn = await connect(target, opts);
  try {
    const reply = await conn.call(['PING']);
    const early = conn.outOfBand[0];
    if (early) return early.message;
    return typeof reply === 'string' ? reply : reply instanceof Error || (reply && typeof reply === 'object' && 'message' in reply) ? String((reply as { message: string }).message) : String(reply);
  } finally {
    conn.close();
  }
}

export async function collectTarget(target: Target, settings: ConnectionSettings): Promise<ServerFacts> {
  const useTls = target.tls || settings.forceTls === true;
  const opts = baseOptions(settings, useTls);
  const creds = resolveCredentials({
    target,
    ...(settings.user !== undefined ? { user: settings.user } : {}),
    ...(settings.passwordFile !== undefined ? { passwordFile: settings.passwordFile } : {}),
    ...(settings.env !== undefined ? { env: settings.env } : {}),
  });
  const auth = creds.password !== undefined ? { password: creds.password, ...(creds.user !== undefined ? { user: creds.user } : {}) } : undefined;
  // Without credentials, ask first whether the server wants them: an unauthenticated client that
  // pipelines long commands is cut off by the server (multibulk limit), which would read as CLOSED.
  const ping = () => unauthenticatedPing(target, { ...opts, retries: 0 });
  let firstPing: Promise<string> | undefined;
  if (!auth) {
    firstPing = ping();
    const reply = await firstPing.catch(() => '');
    if (/^NOAUTH\b/.test(reply)) {
      throw new TargetError('E601', 'authentication required: give --user and a password (--password-file, REDSEC_PASSWORD or REDISCLI_AUTH)', target.display);
    }
  }
  let conn: RespConnection | undefined;
  try {
    conn = await connect(target, { ...opts, ...(auth ? { auth } : {}) });
    const tlsSettings = settings.tls ?? {};
    const tlsProbeOpts = {
      ...(tlsSettings.ca !== undefined ? { ca: tlsSettings.ca } : {}),
      ...(tlsSettings.cert !== undefined ? { cert: tlsSettings.cert } : {}),
      ...(tlsSettings.key !== undefined ? { key: tlsSettings.key } : {}),
      ...(tlsSettings.servername !== undefined ? { servername: tlsSettings.servername } : {}),
      ...(tlsSettings.insecure !== undefined ? { insecure: tlsSettings.insecure } : {}),
      display: target.display,
    };
    const facts = await collectLive(conn, target.display, {
      unauthenticatedPing: () => firstPing ?? ping(),
      ...(useTls && settings.tlsProbe !== false ? { probeTls: () => probeTls(target.host, target.port, tlsProbeOpts) } : {}),
      local: isLocalTarget(target),
      authenticatedAs: auth ? (auth.user ?? 'default') : 'default',
    });
    if (!facts.info.known && /\bNOAUTH\b/.test(facts.info.why)) {
      throw new TargetError('E601', 'authentication required: give --user and a password (--password-file, REDSEC_PASSWORD or REDISCLI_AUTH)', target.display);
    }
    // A plain target whose server also listens for TLS: probe that listener as well.
    const tlsPort = facts.config.known ? Number(facts.config.value['tls-port']?.value ?? 0) : 0;
    if (!useTls && settings.tlsProbe !== false && Number.isInteger(tlsPort) && tlsPort > 0 && tlsPort <= 65535) {
      facts.tls = await probeTls(target.host, tlsPort, { ...tlsProbeOpts, insecure: true }).then(
        (r) => known<TlsSessionFacts>(r),
        (e: unknown) => unknown<TlsSessionFacts>(`TLS probe of port ${tlsPort} failed: ${(e as Error)?.message ?? e}`),
      );
      if (facts.tls.known && facts.tls.value.certificate) facts.certificates = [facts.tls.value.certificate];
    }
    return facts;
  } finally {
    conn?.close();
  }
}
