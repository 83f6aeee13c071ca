/**
 * One poll judged: every detector over the previous state and the snapshot, then the anomaly
 * baselines over the rates they measured. Pure: the new state and the events come back.
 */
import { detectAnomalies } from '../anomaly.js';
import type { WatchEvent } from '../event.js';
import { infoNumber, type WatchSnapshot } from '../snapshot.js';
import type { TargetState } from '../target-state.js';
import { counterRise, detectAclLog } from './acl-log.js';
import { detectCerts } from './certs.js';
import { detectCommands } from './commands.js';
import { detectConfig } from './config.js';
import { detectConnections } from './connections.js';
import type { DetectOptions } from './context.js';
import { detectUsers } from './users.js';

/** INFO counters kept between polls. */
const COUNTERS: readonly [string, string][] = [
  ['stats', 'total_connections_received'],
  ['stats', 'rejected_connections'],
  ['stats', 'total_commands_processed'],
  ['stats', 'acl_access_denied_auth'],
  ['stats', 'acl_access_denied_cmd'],
  ['stats', 'acl_access_denied_key'],
  ['stats', 'acl_access_denied_channel'],
];

export function detectSnapshot(prev: TargetState, snap: WatchSnapshot, opts: DetectOptions = {}): { state: TargetState; events: WatchEvent[] } {
  const seconds = prev.lastPollAt !== undefined && snap.at > prev.lastPollAt ? (snap.at - prev.lastPollAt) / 1000 : undefined;
  const input = { prev, snap, opts, seconds };
  const log = detectAclLog(input);
  const conns = detectConnections(input);
  const parts = [log, conns, detectCommands(input), detectConfig(input), detectUsers(input), detectCerts(input)];
  const counters: Record<string, number> = {};
  for (const [section, key] of COUNTERS) {
    const v = infoNumber(snap, section, key);
    if (v !== undefined) counters[key] = v;
  }
  let state: TargetState = { ...prev, up: true, downSince: undefined, lastError: undefined, lastPollAt: snap.at, counters };
  const events: WatchEvent[] = [];
  for (const p of parts) {
    state = { ...state, ...p.state };
    events.push(...p.events);
  }
  if (opts.anomaly !== false && seconds !== undefined) {
    const commands = counterRise(prev.counters?.['total_commands_processed'], counters['total_commands_processed']);
    const rate = (n: number | undefined) => (n === undefined ? undefined : n / seconds);
    const a = detectAnomalies(
      snap.target,
      prev.anomaly ?? {},
      {
        auth_failures: rate(log.authFailures),
        acl_denied: rate(log.denials),
        connections: rate(conns.connections),
        rejected_connections: rate(conns.rejected),
        // The poll's own commands are not the server's traffic.
        commands: rate(commands === undefined ? undefined : Math.max(0, commands - snap.commandsSent)),
      },
      new Date(snap.at),
      opts.anomaly ?? undefined,
    );
    state.anomaly = a.state;
    events.push(...a.events);
  }
  return { state, events };
}
