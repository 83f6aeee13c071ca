/**
 * A connection that failed (ConnectionError from the RESP layer) becomes a Problem. TLS failures
 * are explained with a second, unverified probe of the same port (resp's probeTls), so the
 * evidence shows the certificate, the protocols the server accepts and its client-cert policy.
 */
import { certificateFactsFromDer } from '../certs/index.js';
import { ConnectionError, connect, isRespError, probeTls, type RespConnection, type TlsProbeResult } from '../resp/index.js';
import type { TlsVersion } from '../resp/index.js';
import { closedProblem, connRefusedProblem, dnsProblem, maxClientsProblem, timeoutProblem } from './network.js';
import { protectedProblem } from './protected.js';
import { classifyReply } from './replies.js';
import type { Problem, TlsSession } from './schema.js';
import { loadingProblem } from './state.js';
import { tlsKindOfFault, tlsProblem, type TlsFailureKind } from './tls.js';
import type { TargetContext } from './context.js';

export interface ClientTls {
  ca?: string;
  cert?: string;
  key?: string;
  servername?: string;
  minVersion?: TlsVersion;
  maxVersion?: TlsVersion;
}

export interface FailureInput {
  ctx: TargetContext;
  error: ConnectionError;
  /** The TLS options the client used; undefined for a plain connection. */
  tls: ClientTls | undefined;
  timeoutMs: number;
  now: Date;
}

export async function failureProblem({ ctx, error, tls, timeoutMs, now }: FailureInput): Promise<{ problem: Problem; tls: TlsSession | null }> {
  const detail = error.message;
  switch (error.fault) {
    case 'connection-refused':
      return { problem: connRefusedProblem(ctx, detail), tls: null };
    case 'dns':
      return { problem: dnsProblem(ctx, detail), tls: null };
    case 'connect-timeout':
    case 'reply-timeout':
    case 'unreachable':
      return { problem: timeoutProblem(ctx, detail), tls: null };
    case 'protected-mode': {
      const text = error.serverText ?? detail;
      const kind = classifyReply(text);
      return { problem: protectedProblem(ctx, text, kind.kind === 'denied' ? kind.rule : 'unknown'), tls: null };
    }
    case 'max-clients':
      return { problem: maxClientsProblem(ctx, error.serverText ?? detail), tls: null };
    case 'loading':
      return { problem: loadingProblem(ctx, error.serverText ?? detail, null), tls: null };
    case 'reset':
    case 'closed':
    case 'protocol':
      return { problem: closedProblem(ctx, error.code === 'RESET' ? 'RESET' : error.code === 'PROTOCOL' ? 'PROTOCOL' : 'CLOSED', detail), tls: null };
    default:
      break;
  }
  let kind: TlsFailureKind = tlsKindOfFault(error.fault) ?? 'handshake-failed';
  if (kind === 'plain-to-tls-port') {
    // The port speaks TLS: show what a TLS client would meet there.
    const probe = await safeProbe(ctx, {}, timeoutMs);
    return { problem: tlsProblem(ctx, kind, evidence(ctx, error, probe, undefined, now)), tls: probe ? sessionOf(probe) : null };
  }
  if (error.fault === 'tls-handshake-timeout' || kind === 'tls-to-plain-port') {
    // Confirm by speaking plain RESP to the same port; without an answer it is only a timeout.
    const plain = await plainAnswer(ctx, timeoutMs);
    if (plain === null) return { problem: error.fault === 'tls-handshake-timeout' ? timeoutProblem(ctx, detail) : tlsProblem(ctx, kind, evidence(ctx, error, null, tls, now)), tls: null };
    const ev = evidence(ctx, error, null, tls, now);
    return { problem: { ...tlsProblem(ctx, 'tls-to-plain-port', ev), evidence: [`client error: ${ev.clientError}`, `the same port answers plain RESP: PING -> ${plain}`] }, tls: null };
  }
  const probe = await safeProbe(ctx, tls ?? {}, timeoutMs);
  // TLS 1.2 reports a missing client certificate as a bare handshake failure: the probe tells.
  if (kind === 'handshake-failed' && probe?.clientAuth === 'required' && !tls?.cert) kind = 'client-cert-required';
  if (kind === 'handshake-failed' && probe && tls && !overlaps(probe.protocols, tls)) kind = 'protocol-mismatch';
  // An untrusted self-signed root sent along with the chain (SELF_SIGNED_CERT_IN_CHAIN) is a CA the
  // client lacks; only a self-signed leaf is "self-signed".
  const leaf = probe ? sessionOf(probe).certificate : null;
  if ((kind === 'self-signed' || kind === 'wrong-ca') && leaf) kind = leaf.selfSigned ? 'self-signed' : 'wrong-ca';
  return { problem: tlsProblem(ctx, kind, evidence(ctx, error, probe, tls, now)), tls: probe ? sessionOf(probe) : null };
}

const ORDER: TlsVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

function clientRange(tls: ClientTls | undefined): TlsVersion[] {
  const lo = ORDER.indexOf(tls?.minVersion ?? 'TLSv1.2');
  const hi = ORDER.indexOf(tls?.maxVersion ?? 'TLSv1.3');
  return ORDER.slice(lo, hi + 1);
}

function overlaps(serverProtocols: string[], tls: ClientTls): boolean {
  return clientRange(tls).some((v) => serverProtocols.includes(v));
}

/** PING over plain TCP: the reply text (PONG, NOAUTH ...) or null when the port does not speak RESP. */
async function plainAnswer(ctx: TargetContext, timeoutMs: number): Promise<string | null> {
  let conn: RespConnection | undefined;
  try {
    conn = await connect({ host: ctx.host, port: ctx.port, tls: false, display: ctx.display }, { connectTimeoutMs: timeoutMs, replyTimeoutMs: timeoutMs, retries: 0 });
    const reply = await conn.call(['PING']);
    return isRespError(reply) ? reply.message.split('. ')[0] ?? reply.message : String(reply);
  } catch {
    return null;
  } finally {
    conn?.close();
  }
}

async function safeProbe(ctx: TargetContext, tls: ClientTls, timeoutMs: number): Promise<TlsProbeResult | null> {
  try {
    return await probeTls(ctx.host, ctx.port, {
      ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
      ...(tls.cert !== undefined ? { cert: tls.cert } : {}),
      ...(tls.key !== undefined ? { key: tls.key } : {}),
      ...(tls.servername !== undefined ? { servername: tls.servername } : {}),
      ciphers: false,
      timeoutMs,
      display: ctx.display,
    });
  } catch {
    return null;
  }
}

function evidence(ctx: TargetContext, error: ConnectionError, probe: TlsProbeResult | null, tls: ClientTls | undefined, now: Date) {
  const range = clientRange(tls);
  return {
    clientError: `${error.message}${error.tlsReason && !error.message.includes(error.tlsReason) ? ` (${error.tlsReason})` : ''}`,
    session: probe ? sessionOf(probe) : null,
    serverProtocols: probe ? probe.protocols : null,
    clientProtocols: tls ? `${range[0] ?? '?'} to ${range[range.length - 1] ?? '?'}` : null,
    clientAuth: probe && probe.clientAuth !== 'unknown' ? `${probe.clientAuth} (${probe.clientAuthEvidence})` : null,
    hostname: tls?.servername ?? ctx.host,
    now,
  };
}

export function sessionOf(probe: TlsProbeResult): TlsSession {
  const der = probe.peerCertificates[0]?.der;
  return {
    protocol: probe.negotiated?.protocol ?? null,
    cipher: probe.negotiated?.cipher ?? null,
    certificate: der ? certificateSummary(der) : null,
  };
}

export function certificateSummary(der: Buffer): NonNullable<TlsSession['certificate']> {
  const f = certificateFactsFromDer(der);
  return {
    subject: f.subject,
    issuer: f.issuer,
    subjectAltNames: [...f.dnsNames.map((d) => `DNS:${d}`), ...f.ipAddresses.map((i) => `IP:${i}`)],
    validFrom: f.notBefore,
    validTo: f.notAfter,
    selfSigned: f.selfSigned,
  };
}
