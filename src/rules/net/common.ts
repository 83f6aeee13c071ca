/** Shared network helpers: address classification and the "is anyone unauthenticated" question. */
import type { ServerFacts } from '../../facts/types.js';
import { effectiveUsers, userFlags } from '../users.js';

export type AddressClass = 'wildcard' | 'loopback' | 'private' | 'public';

const WILDCARDS = new Set(['*', '0.0.0.0', '::', '::*', '-::*', '-*', '-0.0.0.0', '-::']);

/** Classifies one bind token (a leading "-" marks an optional address in 6.2+). */
export function classifyAddress(token: string): AddressClass {
  if (WILDCARDS.has(token)) return 'wildcard';
  const a = token.replace(/^-/, '').toLowerCase();
  if (a === '::1' || a === 'localhost' || /^127\./.test(a)) return 'loopback';
  const v4 = /^(\d+)\.(\d+)\.\d+\.\d+$/.exec(a);
  if (v4) {
    const [x, y] = [Number(v4[1]), Number(v4[2])];
    if (x === 10 || (x === 172 && y >= 16 && y <= 31) || (x === 192 && y === 168)) return 'private';
    if ((x === 169 && y === 254) || (x === 100 && y >= 64 && y <= 127)) return 'private';
    return 'public';
  }
  if (/^f[cd][0-9a-f]{2}:/.test(a) || /^fe[89ab][0-9a-f]:/.test(a)) return 'private';
  return 'public';
}

export function bindTokens(value: string): string[] {
  return value.split(/\s+/).filter((t) => t !== '');
}

/**
 * Whether the default user lets anyone in without a password: true/false, or null when unknown.
 * Falls back to the unauthenticated PING when users could not be read.
 */
export function defaultUserOpen(facts: ServerFacts): boolean | null {
  const users = effectiveUsers(facts);
  if (users.known) {
    const d = users.value.find((u) => u.name === 'default');
    if (!d) return false;
    const f = userFlags(facts, d);
    return f.enabled && f.nopass;
  }
  if (facts.unauthenticated.known && facts.unauthenticated.value.reachable) {
    return /^\+?PONG/i.test(facts.unauthenticated.value.reply);
  }
  return null;
}
