/**
 * What every detector gets: the previous state of the target, this poll's snapshot, the options,
 * and a builder for events. Detectors are pure: state in, state and events out.
 */
import type { Severity } from '../../report/types.js';
import type { UserBaseline } from '../../rules/types.js';
import type { AnomalyOptions } from '../anomaly.js';
import type { EventBaseline, WatchEvent, WatchEventKind } from '../event.js';
import type { WatchSnapshot } from '../snapshot.js';
import type { TargetState } from '../target-state.js';
import { visible } from '../../text/visible.js';

export interface DetectOptions {
  /** --allow-clients: addresses and IPv4 CIDRs clients may come from. */
  allowClients?: readonly string[] | undefined;
  /** Failed AUTHs from one source within the window that make a brute force (default 20). */
  bruteForceFailures?: number | undefined;
  /** Distinct user names tried from one source within the window that make a brute force (default 5). */
  bruteForceUsers?: number | undefined;
  /** The brute-force window (default 60 s). */
  bruteForceWindowMs?: number | undefined;
  /** New connections within one poll that make a spike, whatever the baseline (default 100). */
  spikeConnections?: number | undefined;
  /** connected_clients at this share of maxclients is reported (default 0.9). */
  maxclientsShare?: number | undefined;
  /** Certificates expiring within this many days are reported (default 30). */
  certWindowDays?: number | undefined;
  /** --baseline-plan: the plan's values in CONFIG GET's spelling. */
  planConfig?: Record<string, string> | undefined;
  /** --baseline users.acl: the approved users. */
  baselineUsers?: UserBaseline | undefined;
  /** Anomaly detection settings; false turns it off. */
  anomaly?: AnomalyOptions | false | undefined;
  /** Connections the watcher itself opened since the previous poll (default 1: the poll's own). */
  ownConnections?: number | undefined;
}

export interface DetectInput {
  prev: TargetState;
  snap: WatchSnapshot;
  opts: DetectOptions;
  /** Seconds since the previous good poll (undefined on the first). */
  seconds: number | undefined;
}

export interface DetectOutput {
  state: Partial<TargetState>;
  events: WatchEvent[];
}

export type Evidence = WatchEvent['evidence'];

export function makeEvent(
  snap: Pick<WatchSnapshot, 'target' | 'at'>,
  kind: WatchEventKind,
  severity: Severity,
  summary: string,
  evidence: Evidence,
  extra: { baseline?: EventBaseline | undefined; investigate?: string | undefined } = {},
): WatchEvent {
  return {
    time: new Date(snap.at).toISOString(),
    target: snap.target,
    kind,
    severity,
    summary,
    evidence,
    ...(extra.baseline ? { baseline: extra.baseline } : {}),
    investigate: extra.investigate ?? `redsec audit ${visible(snap.target)}`,
  };
}

/** A server-supplied string shortened and made printable for a summary or evidence. */
export function shown(s: string, max = 120): string {
  const v = visible(s);
  return v.length > max ? `${v.slice(0, max - 3)}...` : v;
}

/** "host:port" or "[v6]:port" → host. */
export function hostOf(addr: string): string {
  return addr.replace(/^\[(.*)\]:\d+$/, '$1').replace(/:\d+$/, '');
}

/** A few names for a summary: "a, b, c and 4 more". */
export function someOf(names: readonly string[], max = 5): string {
  const head = names.slice(0, max).map((n) => shown(n, 40));
  return names.length > max ? `${head.join(', ')} and ${names.length - max} more` : head.join(', ');
}
