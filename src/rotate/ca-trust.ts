/**
 * The client side of a CA rotation's verification: real TLS clients, each on a fresh connection,
 * that trust the old CA, the new CA or both, and clients presenting a certificate from the old or
 * the new CA. A client "connects" when the handshake completes and the server answers PING (any
 * answer, NOAUTH included: TLS let it through). What each should do follows from two facts read
 * from the server: which CA issued the certificate it serves, and which CAs its CA file holds.
 */
import { ConnectionError, connect, type Target, type TlsOptions } from '../resp/index.js';
import { visible } from '../text/visible.js';
import type { RotateCheck } from './password.js';

export interface KeyPair {
  cert: string;
  key: string;
}

export interface TrustProbe {
  target: Target;
  /** SNI / host name to verify, as the operator's own connection uses. */
  servername?: string | undefined;
  timeoutMs: number;
}

export interface Outcome {
  connected: boolean;
  detail: string;
}

/** One fresh TLS client: handshake with `ca` as its only trust, optional client certificate, then PING. */
export async function tryClient(p: TrustProbe, ca: string, clientCert: KeyPair | undefined): Promise<Outcome> {
  const tls: TlsOptions = { ca, ...(clientCert ? { cert: clientCert.cert, key: clientCert.key } : {}), ...(p.servername !== undefined ? { servername: p.servername } : {}) };
  try {
    const conn = await connect(p.target, { tls, retries: 0, connectTimeoutMs: p.timeoutMs, replyTimeoutMs: p.timeoutMs });
    try {
      const reply = await conn.call(['PING']);
      return { connected: true, detail: `connected, PING answered${reply instanceof Error ? ` (${visible(reply.message.split(' ')[0] ?? '')})` : ''}` };
    } finally {
      conn.close();
    }
  } catch (e) {
    if (e instanceof ConnectionError) return { connected: false, detail: `refused: ${visible(e.tlsReason ?? e.fault)}` };
    throw e;
  }
}

export type CaName = 'old' | 'new';

export interface ServerFacts {
  /** Which CA issued the certificate the server serves. */
  serves: CaName | 'other';
  /** Which of the two CAs the server's CA file holds. */
  trusts: { old: boolean; new: boolean };
}

export interface MatrixInput {
  probe: TrustProbe;
  oldCaPem: string;
  newCaPem: string;
  facts: ServerFacts;
  /** tls-auth-clients: with `no` the server never asks for a client certificate. */
  authClients: 'yes' | 'no' | 'optional';
  /** Certificates issued (in memory) from each CA, to present; undefined when that CA's key is not at hand. */
  clientCerts: { old?: KeyPair | undefined; new?: KeyPair | undefined };
}

const TRUST_SETS: readonly { name: string; cas: readonly CaName[] }[] = [
  { name: 'the old CA only', cas: ['old'] },
  { name: 'the new CA only', cas: ['new'] },
  { name: 'both CAs', cas: ['old', 'new'] },
];

const says = (b: boolean): string => (b ? 'connects' : 'is refused');

/**
 * Server certificate: a client trusting each CA set connects exactly when the served certificate's
 * CA is in its set. Client certificates (when the server asks for them): a certificate from each
 * CA is accepted exactly when the server's CA file holds that CA.
 */
export async function trustMatrix(m: MatrixInput): Promise<RotateCheck[]> {
  const pem = (cas: readonly CaName[]): string => cas.map((c) => (c === 'old' ? m.oldCaPem : m.newCaPem)).join('');
  // To isolate the server certificate, present a client certificate the server accepts.
  const presented = m.authClients === 'no' ? undefined : m.facts.trusts.new && m.clientCerts.new ? m.clientCerts.new : m.facts.trusts.old && m.clientCerts.old ? m.clientCerts.old : undefined;
  const checks: RotateCheck[] = [];
  const jobs: Promise<void>[] = [];
  for (const set of TRUST_SETS) {
    const expected = m.facts.serves !== 'other' && set.cas.includes(m.facts.serves);
    const name = `client trusting ${set.name}`;
    const slot = checks.push({ name, ok: null, detail: '' }) - 1;
    if (m.authClients !== 'no' && presented === undefined) {
      checks[slot] = { name, ok: null, detail: 'not run: the server asks for a client certificate and no CA key is at hand to issue one (give the old CA key)' };
      continue;
    }
    jobs.push(
      tryClient(m.probe, pem(set.cas), presented).then((o) => {
        checks[slot] = { name, ok: o.connected === expected, detail: `${o.detail} (expected: ${says(expected)})` };
      }),
    );
  }
  if (m.authClients !== 'no') {
    for (const ca of ['old', 'new'] as const) {
      const name = `client certificate from the ${ca} CA`;
      const slot = checks.push({ name, ok: null, detail: '' }) - 1;
      const cert = m.clientCerts[ca];
      if (!cert) {
        checks[slot] = { name, ok: null, detail: `not run: the ${ca} CA's key is not at hand to issue a test certificate` };
        continue;
      }
      const expected = m.facts.trusts[ca];
      // The client trusts both CAs, so only the server's verdict on the certificate decides.
      jobs.push(
        tryClient(m.probe, pem(['old', 'new']), cert).then((o) => {
          checks[slot] = { name, ok: o.connected === expected, detail: `${o.detail} (expected: ${says(expected)})` };
        }),
      );
    }
  }
  await Promise.all(jobs);
  return checks;
}
