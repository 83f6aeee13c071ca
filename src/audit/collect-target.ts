/**
 * One live target → ServerFacts: the resp/ connections (authenticated, plus one without AUTH for
 * NET-UNAUTH-REACHABLE), the TLS probe, and facts/collectLive over them. Sockets are opened by
 * resp/ only; every connection is closed on every path.
 */
import { isIP } from 'node:net';
import { TargetError } from '../errors.js';
import { collectLive, known, LIVE_BASE_COMMANDS, unknown } from '../facts/index.js';
import type { ServerFacts, TlsSessionFacts } from '../facts/index.js';
import { certificateFactsFromDer } from '../certs/inspect.js';
import { connect, isRespError, probeTls, resolveCredentials, type ConnectOptions, type Credentials, type RespConnection, type Target, type TlsOptions, type TlsProbeOptions, type TlsProbeResult } from '../resp/index.js';

export interface ConnectionSettings {
  user?: string | undefined;
  passwordFile?: string | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  /** TLS settings (--cacert --cert --key --insecure --sni), used for rediss:// targets (or all with forceTls). */
  tls?: TlsOptions | undefined;
  /** Use TLS for redis:// targets too (--tls). */
  forceTls?: boolean | undefined;
  connectTimeoutMs?: number | undefined;
  replyTimeoutMs?: number | undefined;
  retries?: number | undefined;
  backoffMs?: number | undefined;
  /** Probe the TLS listener's protocols and ciphers (default true). */
  tlsProbe?: boolean | undefined;
  /** Opt-in IOC-CRON-KEYS probe: EXISTS for a few known attack key names in database 0. */
  probeKeys?: boolean | undefined;
  /** CONFIG's name where rename-command renamed it (--config-command); see resp/'s ConnectOptions. */
  configCommand?: string | undefined;
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

/** The PING-before-AUTH reply as text: "PONG", or the error line ("NOAUTH ...", "DENIED ..."). */
function pingText(conn: RespConnection): string {
  const early = conn.outOfBand[0];
  if (early) return early.message;
  const reply = conn.unauthenticatedReply;
  if (typeof reply === 'string') return reply;
  if (isRespError(reply)) return reply.message;
  return String(reply);
}

/**
 * The probe with the leaf it saw read by certs/ (resp/ hands over DER only); `trusted` is whether
 * the handshake verified the chain and name against the given CA.
 */
async function probeWithCertificate(host: string, port: number, opts: TlsProbeOptions): Promise<TlsProbeResult> {
  const probe = await probeTls(host, port, opts);
  const leaf = probe.peerCertificates[0];
  if (!leaf) return probe;
  return { ...probe, certificate: { ...certificateFactsFromDer(leaf.der), trusted: probe.authorized } };
}

const NEEDS_CREDENTIALS = 'authentication required: give --user and a password (--password-file, REDSEC_PASSWORD or REDISCLI_AUTH)';

/** The credentials an audit of `target` uses (URL, --password-file, REDSEC_PASSWORD, REDISCLI_AUTH). */
export function targetCredentials(target: Target, settings: ConnectionSettings): Credentials {
  return resolveCredentials({ target, user: settings.user, passwordFile: settings.passwordFile, env: settings.env });
}

/** `creds` when the caller resolved them already (audit does, to hide them from the report too). */
export async function collectTarget(target: Target, settings: ConnectionSettings, creds: Credentials = targetCredentials(target, settings)): Promise<ServerFacts> {
  const useTls = target.tls || settings.forceTls === true;
  const opts = baseOptions(settings, useTls);
  const auth = creds.password !== undefined ? { password: creds.password, ...(creds.user !== undefined ? { user: creds.user } : {}) } : undefined;
  let conn: RespConnection | undefined;
  try {
    // One connection, one write for PING, AUTH and the collector's first round: PING before AUTH
    // answers NET-UNAUTH-REACHABLE (a second connection cost a fleet more than the whole rule run).
    // The first round's commands are short (at most 3 arguments), so even an unauthenticated client
    // is not cut off by the server's multibulk limit; without credentials a NOAUTH to PING is E601.
    conn = await connect(target, {
      ...opts,
      pingBeforeAuth: true,
      initialCommands: LIVE_BASE_COMMANDS.map((c) => [...c]),
      ...(auth ? { auth } : {}),
      // The only key reads redsec ever sends, and only when asked: EXISTS, one key each, no SCAN.
      ...(settings.probeKeys ? { keyReads: { maxScanCount: 0, maxExistsKeys: 1 } } : {}),
      configCommand: settings.configCommand,
    });
    const unauthenticated = pingText(conn);
    if (!auth && /^NOAUTH\b/.test(unauthenticated)) throw new TargetError('E601', NEEDS_CREDENTIALS, target.display);
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
      unauthenticatedPing: () => Promise.resolve(unauthenticated),
      ...(conn.initialReplies ? { baseReplies: conn.initialReplies } : {}),
      ...(useTls && settings.tlsProbe !== false ? { probeTls: () => probeWithCertificate(target.host, target.port, tlsProbeOpts) } : {}),
      local: isLocalTarget(target),
      ...(settings.probeKeys ? { probeKeys: true } : {}),
      authenticatedAs: auth ? (auth.user ?? 'default') : 'default',
      configCommand: conn.configCommand,
    });
    if (!facts.info.known && /\bNOAUTH\b/.test(facts.info.why)) {
      throw new TargetError('E601', NEEDS_CREDENTIALS, target.display);
    }
    // A plain target whose server also listens for TLS: probe that listener as well.
    const tlsPort = facts.config.known ? Number(facts.config.value['tls-port']?.value ?? 0) : 0;
    if (!useTls && settings.tlsProbe !== false && Number.isInteger(tlsPort) && tlsPort > 0 && tlsPort <= 65535) {
      facts.tls = await probeWithCertificate(target.host, tlsPort, { ...tlsProbeOpts, insecure: true }).then(
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
