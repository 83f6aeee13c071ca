/**
 * What the watcher remembers of one target between polls: small, plain JSON (a --state file can
 * hold it), and free of secrets: passwords and secret directives are kept as digests only, so a
 * change shows without the value being stored.
 */
import { createHash } from 'node:crypto';
import type { AnomalyState } from './anomaly.js';

/** One user as ACL LIST shows it, without its password hashes. */
export interface UserDigest {
  enabled: boolean;
  /** The rules without `#hash` / `>password` tokens and without on/off. */
  rules: string;
  /** A digest of the user's password hashes (empty string: no password). */
  passwords: string;
  nopass: boolean;
}

export interface TargetState {
  /** null until the first poll ended. */
  up: boolean | null;
  /** When the target went down (ISO), and why, while it is down. */
  downSince?: string | undefined;
  lastError?: string | undefined;
  /** ms since the epoch of the last good poll. */
  lastPollAt?: number | undefined;
  /** INFO counters of the last good poll (total_connections_received, rejected_connections ...). */
  counters?: Record<string, number> | undefined;
  /** INFO commandstats calls / rejected_calls of the dangerous commands. */
  commandCalls?: Record<string, number> | undefined;
  /** ACL LOG of the last poll: entry-id → count (7.2+), or group key → summed count (older). */
  aclLog?: { byId: boolean; counts: Record<string, number> } | undefined;
  /** Failed-AUTH groups of the brute-force window: when, from where, which user, how many. */
  authRecent?: { at: number; source: string; user: string; count: number }[] | undefined;
  /** Sources reported as brute force within the window (source → when). */
  bruteReported?: Record<string, number> | undefined;
  /** CONFIG GET * of the last poll (secret directives as digests). */
  config?: Record<string, string> | undefined;
  /** The config baseline: the plan's values (--baseline-plan) or the first poll's. */
  baselineConfig?: Record<string, string> | undefined;
  baselineFrom?: 'plan' | 'first-poll' | undefined;
  /** ACL LIST of the last poll. */
  users?: Record<string, UserDigest> | undefined;
  /** Loaded modules (name@version) of the last poll. */
  modules?: string[] | undefined;
  /** Client hosts outside --allow-clients already reported. */
  clientsReported?: string[] | undefined;
  /** connected_clients is near maxclients (reported once until it drops back). */
  nearMaxclients?: boolean | undefined;
  /** Certificates (serial@notAfter) whose expiry was reported. */
  certsReported?: string[] | undefined;
  anomaly?: AnomalyState | undefined;
  /** The last audit: when, and the rule IDs that failed (finding-new / finding-resolved compare them). */
  audit?: { at: number; failing: string[] } | undefined;
}

export type TargetStates = Record<string, TargetState>;

export function emptyTargetState(): TargetState {
  return { up: null };
}

/** Directives whose value is a secret: compared by digest, never printed or stored. */
const SECRET_DIRECTIVE = /(^|-)(requirepass|masterauth|primaryauth)$|-pass$|^tls-key-file-pass$|^tls-client-key-file-pass$/;

export function isSecretDirective(name: string): boolean {
  return SECRET_DIRECTIVE.test(name);
}

/** A short digest that shows a change of a secret without holding it. */
export function secretDigest(value: string): string {
  return value === '' ? '' : `digest:${createHash('sha256').update('redsec-watch\0').update(value).digest('hex').slice(0, 16)}`;
}

/** CONFIG GET * with secret values replaced by their digests. */
export function configForState(config: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(config)) out[name] = isSecretDirective(name) ? secretDigest(value) : value;
  return out;
}

/** An ACL LIST rules line → its digest form (password tokens out, on/off apart). */
export function userDigest(rules: string): UserDigest {
  const tokens = rules.split(' ').filter((t) => t !== '');
  const passwords = tokens.filter((t) => t.startsWith('#') || t.startsWith('>')).sort();
  const rest = tokens.filter((t) => !(t.startsWith('#') || t.startsWith('>') || t.startsWith('<') || t.startsWith('!') || t === 'on' || t === 'off'));
  return {
    enabled: tokens.includes('on'),
    rules: rest.join(' '),
    passwords: passwords.length === 0 ? '' : secretDigest(passwords.join(' ')),
    nopass: tokens.includes('nopass'),
  };
}
