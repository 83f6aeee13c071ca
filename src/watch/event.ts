/**
 * The watch event contract: what `redsec watch` prints (one JSON object a line with --format jsonl),
 * POSTs to a webhook, keeps in its state file and hands to MCP `watch_events`. Others parse these
 * names: only add.
 */
import type { Severity } from '../report/types.js';

export const WATCH_EVENT_KINDS = [
  /** New ACL LOG entries with reason `auth` (or a rise of acl_access_denied_auth). */
  'auth-failure',
  /** Many failed AUTHs, or many user names, from one source within a poll window. */
  'auth-bruteforce',
  /** New ACL LOG entries with reason command, key or channel. */
  'acl-denied',
  /** Connection rate or count far above the target's normal, or rejected connections. */
  'connection-spike',
  /** Connections from sources outside --allow-clients. */
  'client-outside-allowlist',
  /** INFO commandstats calls rose for a dangerous command (CONFIG SET, FLUSHALL, DEBUG ...). */
  'dangerous-command',
  /** A CONFIG GET * value changed against the previous poll or the baseline. */
  'config-drift',
  /** ACL users added, removed, enabled/disabled, given new passwords or other rules. */
  'acl-change',
  /** An audit rule fails that did not fail at the previous audit. */
  'finding-new',
  /** An audit rule that failed passes now. */
  'finding-resolved',
  /** The served certificate chain expires within the window (or has expired). */
  'cert-expiry',
  /** A rate far from the target's learned baseline (EWMA with a robust deviation). */
  'anomaly',
  /** The target stopped answering (connect, auth or reply failure). */
  'target-down',
  /** The target answers again. */
  'target-up',
] as const;
export type WatchEventKind = (typeof WATCH_EVENT_KINDS)[number];

/** For a rate-based event: what was seen, what is normal, and where the line was drawn. */
export interface EventBaseline {
  /** The observed value (per second for rates). */
  observed: number;
  /** The learned normal (EWMA mean) or the baseline's value. */
  expected: number;
  /** The robust deviation the threshold is built from. */
  deviation?: number | undefined;
  /** The value above which an alert is raised. */
  threshold: number;
}

export interface WatchEvent {
  /** ISO 8601, UTC. */
  time: string;
  /** The target's name (its URL without credentials, or the name in the targets file). */
  target: string;
  kind: WatchEventKind;
  severity: Severity;
  /** One line for a terminal, server text passed through visible(). */
  summary: string;
  /** Machine-readable facts behind the event (user, client address, directive, old/new value, counts ...). */
  evidence: Record<string, string | number | boolean | null>;
  /** For rate-based events. */
  baseline?: EventBaseline | undefined;
  /** The redsec command that investigates it. */
  investigate?: string | undefined;
}
