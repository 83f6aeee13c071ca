/**
 * Reading RESP replies without trusting their shape: a collector must turn anything unexpected
 * into `unknown` with a reason, never crash and never guess.
 */
import { known, unknown, type Known } from './types.js';

/** An error reply as the RESP layer hands it over (RespError {code, message}) or a thrown Error. */
export function isErrorReply(reply: unknown): reply is { message: string; code?: string } {
  if (reply instanceof Error) return true;
  return (
    typeof reply === 'object' && reply !== null && !Array.isArray(reply) && !Buffer.isBuffer(reply) &&
    typeof (reply as { message?: unknown }).message === 'string' &&
    ('code' in reply || 'error' in reply)
  );
}

/** One line describing an error reply, e.g. "NOPERM this user has no permissions ...". */
export function errorText(reply: unknown): string {
  if (!isErrorReply(reply)) return 'unexpected reply';
  const code = reply.code ?? '';
  const msg = reply.message;
  return (msg.startsWith(code) ? msg : `${code} ${msg}`).trim().split('\n')[0] ?? '';
}

/** Why a reply tells nothing: the server's error line, or that its shape was unexpected. */
export function replyProblem(what: string, reply: unknown): string {
  return isErrorReply(reply) ? `${what} failed: ${errorText(reply)}` : `${what} returned an unexpected reply`;
}

/** A reply parsed into a Known: `unknown` with replyProblem's reason when it is an error or does not parse. */
export function knownFromReply<T>(what: string, reply: unknown, parse: (r: unknown) => T | undefined): Known<T> {
  if (isErrorReply(reply)) return unknown(replyProblem(what, reply));
  const v = parse(reply);
  return v === undefined ? unknown(replyProblem(what, reply)) : known(v);
}

export function asText(reply: unknown): string | undefined {
  if (typeof reply === 'string') return reply;
  if (Buffer.isBuffer(reply)) return reply.toString('utf8');
  if (typeof reply === 'number' || typeof reply === 'bigint') return String(reply);
  return undefined;
}

export function asArray(reply: unknown): unknown[] | undefined {
  return Array.isArray(reply) ? reply : undefined;
}

/** Flat [k, v, k, v] arrays (RESP2) or maps (RESP3) to a record of texts. */
export function asPairs(reply: unknown): Record<string, unknown> | undefined {
  if (reply instanceof Map) return Object.fromEntries([...reply].map(([k, v]) => [asText(k) ?? String(k), v]));
  const arr = asArray(reply);
  if (!arr || arr.length % 2 !== 0) return undefined;
  const out: Record<string, unknown> = {};
  for (let i = 0; i < arr.length; i += 2) {
    const k = asText(arr[i]);
    if (k === undefined) return undefined;
    out[k] = arr[i + 1];
  }
  return out;
}
