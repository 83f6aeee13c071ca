/**
 * A native TLS probe of a Redis TLS port, no external scanner: one handshake per protocol version,
 * one per candidate cipher suite (bounded concurrency), the peer chain, and whether a client
 * certificate is required, optional or not asked. Every handshake is a fresh connection; the only
 * Redis command ever written is PING (allowlisted), needed because on TLS 1.3 a missing client
 * certificate is refused only after the handshake.
 */
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect, DEFAULT_CIPHERS, DEFAULT_MIN_VERSION, type ConnectionOptions, type SecureVersion, type TLSSocket } from 'node:tls';
import type { TlsSessionFacts } from '../facts/types.js';
import { encodeCommand } from './encode.js';
import { ConnectionError, isTlsError, opensslReason, socketError, tlsFault, type Fault } from './faults.js';
import { RespParser } from './parser.js';
import { NOT_TRIED_FAMILIES, TLS13_CANDIDATES, tls12Candidates } from './tls-candidates.js';
import { sessionInfo, toPem, type TlsInfo } from './tls-session.js';
import { throwawayClientCert } from './throwaway-cert.js';
import { nodeTlsOptions, type Endpoint } from './transport.js';

export const TLS_VERSIONS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
export type TlsVersion = (typeof TLS_VERSIONS)[number];

export interface TlsProbeOptions {
  /** PEM text, Buffer or file path, as for connect(). */
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  servername?: string;
  /** Only affects `negotiated`/`authorized` reporting: the probe itself never rejects a chain. */
  insecure?: boolean;
  /** Per handshake (default 5000 ms). */
  timeoutMs?: number;
  /** Handshakes in flight at once (default 4). */
  concurrency?: number;
  /** Enumerate cipher suites (default true). */
  ciphers?: boolean;
  /** Masked target for messages (default host:port). */
  display?: string;
}

export interface ProtocolOutcome {
  accepted: boolean;
  /** OpenSSL's reason when refused, or the alert that proved acceptance. */
  reason?: string;
}

export interface TlsProbeResult extends TlsSessionFacts {
  host: string;
  port: number;
  protocolDetails: Record<TlsVersion, ProtocolOutcome>;
  /** What a Node client with default settings (and the given CA/cert) negotiates. */
  negotiated?: { protocol: string; cipher: string; group?: string; groupBits?: number; offered: { ciphers: string; minVersion: string } };
  /**
   * Peer chain, leaf first, as the server sent it. resp/ reads no certificate: callers turn the DER
   * into facts with certs/ (certificateFactsFromDer, inspectCertificate), the one certificate reader.
   */
  peerCertificates: { der: Buffer; pem: string }[];
  /** Whether the chain and host name verified against the given CA (or the system store). */
  authorized: boolean;
  authorizationError?: string;
  /** How clientAuth was concluded, in words. */
  clientAuthEvidence: string;
  /** False when cipher enumeration was switched off: then `ciphers` is empty and says nothing. */
  ciphersEnumerated: boolean;
  /** Candidates the local OpenSSL cannot offer (e.g. export or static DH suites): neither accepted nor rejected. */
  skippedCiphers: string[];
  /** Per protocol, each accepted suite with the key exchange its handshake used (as testssl.sh prints it). */
  cipherDetails: Record<string, AcceptedSuite[]>;
  /** Exactly what the enumeration covered: the suites tried per protocol, the library, what was never tried. */
  cipherScope?: CipherScope;
  /** Handshakes made. */
  handshakes: number;
}

export interface AcceptedSuite {
  suite: string;
  /** "ECDH 253 (X25519)", "DH 2048", "RSA" (key transport): the server's ephemeral key, as testssl.sh reports it. */
  keyExchange: string;
}

export interface CipherScope {
  /** The OpenSSL the probe ran with (the suites tried are all it can offer at security level 0). */
  openssl: string;
  tried: Record<string, string[]>;
  notTried: string;
}

interface Attempt {
  minVersion?: SecureVersion;
  maxVersion?: SecureVersion;
  ciphers?: string;
  clientCert?: { cert: string | Buffer; key: string | Buffer } | 'none';
  /** After the handshake, send PING and wait for the answer or the alert. */
  ping?: boolean;
  /** Cipher enumeration: accept any DH size and offer every curve, so the server's choice decides. */
  enumerate?: boolean;
}

interface Outcome {
  secure: boolean;
  info?: TlsInfo;
  /** Error during or after the handshake. */
  error?: NodeJS.ErrnoException;
  fault?: Fault;
  /** After PING: got bytes back. */
  answered?: boolean;
  timedOut?: boolean;
}

/** Seclevel 0 lets OpenSSL 3 offer TLS 1.0/1.1 and SHA-1 suites at all. */
const LEGACY_ALL = 'ALL:@SECLEVEL=0';
const PING = encodeCommand(['PING']);
/** Offered when enumerating suites, so the group reported is the server's pick among all common ones. */
const ENUMERATION_CURVES = 'X25519:prime256v1:secp384r1:secp521r1:X448';

/** The key exchange of a completed handshake, in testssl.sh's words ("ECDH 253", "DH 2048", "RSA") plus the group. */
function keyExchangeOf(info: TlsInfo | undefined, suite: string): string {
  if (info?.groupBits !== undefined) {
    const kind = info.keyType ?? (info.group !== undefined ? 'ECDH' : 'DH');
    return `${kind} ${info.groupBits}${info.group !== undefined ? ` (${info.group})` : ''}`;
  }
  return /^(TLS_|E?DHE?-|ADH-|AECDH-|EXP-EDH-|EXP-ADH-)/.test(suite) ? 'unknown' : 'RSA';
}

function legacyOnly(name: string): boolean {
  return !/GCM|CHACHA|CCM|SHA256|SHA384/.test(name);
}

class Prober {
  handshakes = 0;
  constructor(
    private readonly ep: Endpoint,
    private readonly base: ConnectionOptions,
    private readonly timeoutMs: number,
  ) {}

  attempt(a: Attempt): Promise<Outcome> {
    this.handshakes++;
    const { cert: _c, key: _k, ...withoutCert } = this.base;
    const certOpts = a.clientCert === 'none' ? {} : a.clientCert ? { cert: a.clientCert.cert, key: a.clientCert.key } : {};
    const options: ConnectionOptions = {
      ...(a.clientCert === undefined ? this.base : withoutCert),
      ...certOpts,
      host: this.ep.host,
      port: this.ep.port,
      rejectUnauthorized: false,
      ...(a.minVersion ? { minVersion: a.minVersion } : {}),
      ...(a.maxVersion ? { maxVersion: a.maxVersion } : {}),
      ...(a.ciphers ? { ciphers: a.ciphers } : {}),
      ...(a.enumerate ? { minDHSize: 1, ecdhCurve: ENUMERATION_CURVES } : {}),
    };
    return new Promise((resolve) => {
      const out: Outcome = { secure: false };
      let socket: TLSSocket;
      try {
        socket = tlsConnect(options);
      } catch (e) {
        resolve({ secure: false, error: e as NodeJS.ErrnoException, fault: 'tls-other' });
        return;
      }
      const finish = () => {
        clearTimeout(timer);
        socket.destroy();
        resolve(out);
      };
      const timer = setTimeout(() => {
        out.timedOut = true;
        finish();
      }, this.timeoutMs);
      socket.on('secureConnect', () => {
        out.secure = true;
        out.info = sessionInfo(socket);
        if (a.ping) socket.write(PING);
        else finish();
      });
      socket.on('data', () => {
        out.answered = true;
        finish();
      });
      socket.on('error', (err: NodeJS.ErrnoException) => {
        out.error = err;
        if (isTlsError(err)) out.fault = tlsFault(err);
        finish();
      });
      socket.on('close', finish);
    });
  }
}

/** Runs `fn` over `items` with at most `limit` in flight, keeping order. */
async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  });
  await Promise.all(workers);
  return results;
}

/** A handshake that failed only because our (untrusted) client certificate was refused still proves acceptance. */
function accepted(o: Outcome): boolean {
  return o.secure || o.fault === 'client-cert-rejected';
}

function reasonOf(o: Outcome): string {
  if (o.error) return opensslReason(o.error);
  if (o.timedOut) return 'no answer';
  return o.secure ? 'handshake completed' : 'connection closed';
}

/** After a TLS timeout: does the port answer PING in plain RESP? */
function answersPlainResp(ep: Endpoint, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = netConnect({ host: ep.host, port: ep.port });
    const parser = new RespParser();
    const finish = (v: string | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    socket.once('connect', () => socket.write(PING));
    socket.on('data', (d: Buffer) => {
      try {
        const [first] = parser.feed(d);
        if (first !== undefined) finish(String(first).split(' ')[0]);
      } catch {
        finish(undefined);
      }
    });
    socket.once('error', () => finish(undefined));
    socket.once('close', () => finish(undefined));
  });
}

export async function probeTls(host: string, port: number, opts: TlsProbeOptions = {}): Promise<TlsProbeResult> {
  const display = opts.display ?? `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const ep: Endpoint = { host, port, display };
  const timeoutMs = opts.timeoutMs ?? 5000;
  const base = nodeTlsOptions(host, {
    ...(opts.ca !== undefined ? { ca: opts.ca } : {}),
    ...(opts.cert !== undefined ? { cert: opts.cert } : {}),
    ...(opts.key !== undefined ? { key: opts.key } : {}),
    ...(opts.servername !== undefined ? { servername: opts.servername } : {}),
  });
  const prober = new Prober(ep, base, timeoutMs);
  const own = base.cert !== undefined && base.key !== undefined ? { cert: base.cert as string | Buffer, key: base.key as string | Buffer } : undefined;
  const throwaway = await throwawayClientCert();
  // Protocol and cipher probes present a certificate (the caller's, else an untrusted one) so a
  // required-certificate server still shows which protocols and suites it takes.
  const probeCert = own ?? throwaway;

  // 1. What a default client negotiates; also tells a TLS port from anything else.
  const first = await prober.attempt({});
  if (!first.secure) {
    if (first.fault === 'tls-to-plain-port') {
      throw new ConnectionError('E604', 'tls-to-plain-port', `TLS handshake failed: the port answered in plain text, not TLS (${reasonOf(first)}); use redis://`, display, { tlsReason: reasonOf(first) });
    }
    if (first.timedOut) {
      const plain = await answersPlainResp(ep, timeoutMs);
      if (plain !== undefined) {
        throw new ConnectionError('E604', 'tls-to-plain-port', `TLS handshake not answered, but the port answers plain RESP (${plain}): this is not a TLS port; use redis://`, display);
      }
      throw new ConnectionError('TIMEOUT', 'tls-handshake-timeout', `TLS handshake not answered within ${timeoutMs} ms`, display);
    }
    // Refused, unresolvable, reset: nothing TLS to inspect. TLS alerts go on to the probes below.
    if (first.error && first.fault === undefined) throw socketError(first.error, display);
    if (!first.error) throw new ConnectionError('CLOSED', 'closed', 'the server closed the connection during the TLS handshake', display);
  }

  // 2. One handshake per protocol version.
  const protocolDetails = {} as Record<TlsVersion, ProtocolOutcome>;
  const outcomes = await pool(TLS_VERSIONS, opts.concurrency ?? 4, (v) =>
    prober.attempt({ minVersion: v, maxVersion: v, clientCert: probeCert, ...(v === 'TLSv1.3' ? {} : { ciphers: LEGACY_ALL }) }),
  );
  TLS_VERSIONS.forEach((v, i) => {
    const o = outcomes[i] as Outcome;
    protocolDetails[v] = { accepted: accepted(o), reason: reasonOf(o) };
  });
  const protocols = TLS_VERSIONS.filter((v) => protocolDetails[v].accepted);

  // 3. Cipher suites per accepted protocol: every suite the local OpenSSL can offer, one handshake each.
  const candidates = tls12Candidates();
  const ciphers: Record<string, string[]> = {};
  const cipherDetails: Record<string, AcceptedSuite[]> = {};
  const tried: Record<string, string[]> = {};
  if (opts.ciphers !== false) {
    const jobs: { version: TlsVersion; suite: string }[] = [];
    for (const v of protocols) {
      const list = v === 'TLSv1.3' ? TLS13_CANDIDATES : candidates.offerable.filter((c) => v === 'TLSv1.2' || legacyOnly(c));
      tried[v] = [...list];
      for (const suite of list) jobs.push({ version: v, suite });
      ciphers[v] = [];
      cipherDetails[v] = [];
    }
    const results = await pool(jobs, opts.concurrency ?? 4, (j) =>
      prober.attempt({ minVersion: j.version, maxVersion: j.version, clientCert: probeCert, enumerate: true, ciphers: j.version === 'TLSv1.3' ? j.suite : `${j.suite}:@SECLEVEL=0` }),
    );
    jobs.forEach((j, i) => {
      const o = results[i] as Outcome;
      if (!accepted(o)) return;
      ciphers[j.version]?.push(j.suite);
      cipherDetails[j.version]?.push({ suite: j.suite, keyExchange: keyExchangeOf(o.info, j.suite) });
    });
  }

  // 4. Client certificate: required, optional (asked, and an untrusted one is refused) or not asked.
  const top = protocols[protocols.length - 1];
  let clientAuth: TlsSessionFacts['clientAuth'] = 'unknown';
  let clientAuthEvidence = 'no protocol accepted';
  if (top) {
    const versionOpts = { minVersion: top, maxVersion: top, ...(top === 'TLSv1.3' ? {} : { ciphers: LEGACY_ALL }) };
    const bare = await prober.attempt({ ...versionOpts, clientCert: 'none', ping: true });
    if (bare.fault === 'client-cert-required' || (!bare.secure && bare.fault === 'handshake-failure')) {
      clientAuth = 'required';
      clientAuthEvidence = `${top} without a client certificate: ${reasonOf(bare)}`;
    } else if (bare.secure && (bare.answered || top !== 'TLSv1.3')) {
      const withUntrusted = await prober.attempt({ ...versionOpts, clientCert: throwaway, ping: true });
      if (withUntrusted.fault === 'client-cert-rejected') {
        clientAuth = 'optional';
        clientAuthEvidence = `${top}: works without a certificate, an untrusted one is refused (${reasonOf(withUntrusted)})`;
      } else if (withUntrusted.secure && (withUntrusted.answered || top !== 'TLSv1.3')) {
        clientAuth = 'none';
        clientAuthEvidence = `${top}: the server does not ask for a client certificate`;
      } else {
        clientAuthEvidence = `${top} with an untrusted certificate: ${reasonOf(withUntrusted)}`;
      }
    } else {
      clientAuthEvidence = `${top} without a client certificate: ${reasonOf(bare)}`;
    }
  }

  // 5. The chain and its trust, from the default handshake or else any that completed.
  const session = first.info ?? outcomes.find((o) => o.info)?.info;
  const chain = (session?.peerCertificates ?? []).map((der) => ({ der, pem: toPem(der) }));
  const authorized = first.info?.authorized ?? false;
  const authorizationError = first.info ? first.info.authorizationError : 'no complete default handshake';

  return {
    host,
    port,
    protocols,
    ciphers,
    clientAuth,
    protocolDetails,
    ...(first.info
      ? {
          negotiated: {
            protocol: first.info.protocol,
            cipher: first.info.cipher,
            ...(first.info.group !== undefined ? { group: first.info.group } : {}),
            ...(first.info.groupBits !== undefined ? { groupBits: first.info.groupBits } : {}),
            offered: { ciphers: DEFAULT_CIPHERS, minVersion: DEFAULT_MIN_VERSION },
          },
        }
      : {}),
    peerCertificates: chain,
    authorized,
    ...(authorizationError !== undefined ? { authorizationError } : {}),
    clientAuthEvidence,
    ciphersEnumerated: opts.ciphers !== false,
    skippedCiphers: opts.ciphers !== false ? candidates.skipped : [],
    cipherDetails,
    ...(opts.ciphers !== false ? { cipherScope: { openssl: process.versions.openssl, tried, notTried: NOT_TRIED_FAMILIES } } : {}),
    handshakes: prober.handshakes,
  };
}
