/**
 * The edge of a watch poll: one connection (resp/ opens it and enforces the audit's read-only
 * allowlist), AUTH and pollCommands() in one write, closed on every path. No MONITOR, no retries
 * beyond resp/'s connect resets: a target that does not answer is down for this poll.
 */
import { TargetError } from '../errors.js';
import { certificateFactsFromDer } from '../certs/inspect.js';
import type { CertificateFacts } from '../facts/types.js';
import { connect, type Credentials, type RespConnection, type Target } from '../resp/index.js';
import { targetCredentials, type ConnectionSettings } from '../audit/collect-target.js';
import { parseSnapshot, pollCommands, type PollCommandOptions, type WatchSnapshot } from './snapshot.js';

export interface PollOptions extends PollCommandOptions {
  /** The name events and metrics carry (default: the target's masked URL). */
  name?: string | undefined;
  /** Credentials resolved once by the caller (default: resolved from target and settings). */
  credentials?: Credentials | undefined;
}

/**
 * Polls one target. Connection, authentication and TLS failures throw TargetError (resp/'s
 * ConnectionError is one), which a watcher turns into target-down.
 */
export async function pollTarget(target: Target, settings: ConnectionSettings, opts: PollOptions = {}): Promise<WatchSnapshot> {
  const started = performance.now();
  const creds = opts.credentials ?? targetCredentials(target, settings);
  const useTls = target.tls || settings.forceTls === true;
  const auth = creds.password !== undefined ? { password: creds.password, ...(creds.user !== undefined ? { user: creds.user } : {}) } : undefined;
  const commands = pollCommands(opts);
  let conn: RespConnection | undefined;
  try {
    conn = await connect(target, {
      ...(useTls ? { tls: settings.tls ?? {} } : {}),
      connectTimeoutMs: settings.connectTimeoutMs,
      replyTimeoutMs: settings.replyTimeoutMs,
      retries: settings.retries ?? 0,
      backoffMs: settings.backoffMs,
      ...(auth ? { auth } : {}),
      initialCommands: commands,
    });
    const replies = conn.initialReplies ?? (await conn.pipeline(commands));
    const noauth = replies.find((r) => r instanceof Error && /^NOAUTH\b/.test(r.message));
    if (noauth) throw new TargetError('E601', 'authentication required: give --user and a password (--password-file, REDSEC_PASSWORD or REDISCLI_AUTH)', target.display);
    return parseSnapshot(
      replies,
      {
        target: opts.name ?? target.display,
        at: Date.now(),
        durationMs: performance.now() - started,
        commandsSent: commands.length + (auth ? 1 : 0),
        certificates: servedChain(conn),
      },
      opts,
    );
  } finally {
    conn?.close();
  }
}

/** The chain the handshake showed; a certificate that does not parse is left out, not fatal. */
function servedChain(conn: RespConnection): CertificateFacts[] {
  const out: CertificateFacts[] = [];
  for (const der of conn.tlsInfo?.peerCertificates ?? []) {
    try {
      out.push(certificateFactsFromDer(der));
    } catch {
      // A hostile or odd certificate: nothing to date.
    }
  }
  return out;
}
