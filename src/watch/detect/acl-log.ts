/**
 * Failed authentications, brute force and permission denials, from the ACL LOG entries that are
 * new since the previous poll. Where the server numbers its entries (entry-id, 7.2+) an entry is
 * new by its id and its count rise; older servers group events by reason, context, object and
 * user, so the rise of each group's summed count is what happened (a log trimmed at acllog-max-len
 * or reset by an operator only lowers sums: never counted as events). The first poll learns the
 * log as it is: history is not an alert.
 */
import type { AclLogRecord } from '../snapshot.js';
import { infoNumber } from '../snapshot.js';
import { makeEvent, hostOf, shown, someOf, type DetectInput, type DetectOutput } from './context.js';
import type { WatchEvent } from '../event.js';

/** New events of one kind, grouped as one ACL LOG entry shows them. */
export interface NewLogEvents {
  reason: string;
  context: string;
  object: string;
  username: string;
  /** The last client's host (7.0 keeps only the last one per group). */
  source: string;
  count: number;
}

/** What a poll remembers of the log: entry-id → count (7.2+), or group key → summed count (older). */
export interface AclLogTally {
  byId: boolean;
  counts: Record<string, number>;
}

/** A log known to be empty: against it every listed event is new (the exporter's first scrape counts the log's history). */
export const EMPTY_ACL_LOG_TALLY: AclLogTally = { byId: false, counts: {} };

const groupKey = (e: AclLogRecord): string => `${e.reason}\0${e.context}\0${e.object}\0${e.username}`;

/**
 * What is new in the log against the previous tally; the tally to remember. The watcher's
 * detectors and the exporter's counters both count with this, so an alert and a counter never
 * disagree. Without a previous tally nothing is new (learn only).
 * - entry-id: a known id counts by its rise; an unknown id above every id seen counts whole; an
 *   unknown id below them is an entry seen before outside the window read, not new. When the
 *   highest id went down the ids started again (server restart: the log is in memory), so every
 *   entry listed happened since the previous poll and counts whole.
 * - no entry-id: the rise of each group's sum (a trimmed or reset log only lowers sums).
 * - the log's form changed (an upgrade or downgrade restarted the server): nothing of the previous
 *   tally matches, so every listed event counts, as after a restart.
 */
export function newLogEvents(log: readonly AclLogRecord[], prev: AclLogTally | undefined): { fresh: NewLogEvents[]; counts: AclLogTally } {
  const byId = log.length > 0 && log.every((e) => e.entryId !== null);
  const counts: Record<string, number> = {};
  const latest = new Map<string, AclLogRecord>();
  if (byId) for (const e of log) counts[String(e.entryId)] = e.count;
  else
    for (const e of log) {
      const k = groupKey(e);
      counts[k] = (counts[k] ?? 0) + e.count;
      // Newest first: the first entry of a group has the latest client.
      if (!latest.has(k)) latest.set(k, e);
    }
  const next = { byId, counts };
  if (!prev) return { fresh: [], counts: next };
  const before: Record<string, number> = prev.byId === byId ? prev.counts : {};
  const fresh: NewLogEvents[] = [];
  if (byId) {
    const seenIds = Object.keys(before).map(Number).filter(Number.isFinite);
    const maxSeenId = Math.max(-1, ...seenIds);
    const restarted = Math.max(...log.map((e) => e.entryId ?? -1)) < maxSeenId;
    for (const e of log) {
      const id = e.entryId ?? -1;
      const had = restarted ? 0 : (before[String(id)] ?? (id <= maxSeenId ? e.count : 0));
      const rise = e.count - had;
      if (rise > 0) fresh.push({ reason: e.reason, context: e.context, object: e.object, username: e.username, source: hostOf(e.clientAddr ?? ''), count: rise });
    }
  } else {
    for (const [k, total] of Object.entries(counts)) {
      const rise = total - (before[k] ?? 0);
      const e = latest.get(k);
      if (rise > 0 && e) fresh.push({ reason: e.reason, context: e.context, object: e.object, username: e.username, source: hostOf(e.clientAddr ?? ''), count: rise });
    }
  }
  return { fresh, counts: next };
}

/** Events a poll reports at most per kind; the rest are summed into the last one. */
const MAX_EVENTS_PER_KIND = 10;

/** Failed-AUTH groups remembered for the brute-force window. */
const MAX_RECENT = 1000;

export function detectAclLog({ prev, snap, opts }: DetectInput): DetectOutput & { authFailures: number | undefined; denials: number | undefined } {
  if (!snap.aclLog.known) return { state: {}, events: [], authFailures: undefined, denials: undefined };
  const { fresh, counts } = newLogEvents(snap.aclLog.value, prev.aclLog);
  const events: WatchEvent[] = [];
  const firstPoll = prev.aclLog === undefined;
  const auth = fresh.filter((f) => f.reason === 'auth');
  const denied = fresh.filter((f) => f.reason !== 'auth');

  // INFO's own counters (7.2+) count every failure, also those the log's grouping hides.
  const infoAuth = counterRise(prev.counters?.['acl_access_denied_auth'], infoNumber(snap, 'stats', 'acl_access_denied_auth'));
  const logAuth = auth.reduce((s, f) => s + f.count, 0);
  const authFailures = firstPoll ? undefined : Math.max(logAuth, infoAuth ?? 0);

  const perPair = new Map<string, { user: string; source: string; count: number }>();
  for (const f of auth) {
    const k = `${f.username}\0${f.source}`;
    const cur = perPair.get(k) ?? { user: f.username, source: f.source, count: 0 };
    cur.count += f.count;
    perPair.set(k, cur);
  }
  const pairs = [...perPair.values()].sort((a, b) => b.count - a.count);
  pairs.slice(0, MAX_EVENTS_PER_KIND).forEach((p, i) => {
    const rest = i === MAX_EVENTS_PER_KIND - 1 ? pairs.slice(MAX_EVENTS_PER_KIND) : [];
    const count = p.count + rest.reduce((s, r) => s + r.count, 0);
    events.push(
      makeEvent(snap, 'auth-failure', 'medium', `${count} failed AUTH for user ${shown(p.user, 40)} from ${shown(p.source || 'unknown', 60)}${rest.length ? ` (and ${rest.length} more user/source pairs)` : ''}`, {
        user: shown(p.user, 128),
        source: shown(p.source, 64) || null,
        count,
        ...(rest.length ? { more_pairs: rest.length } : {}),
      }),
    );
  });
  if (infoAuth !== undefined && infoAuth > logAuth && !firstPoll) {
    events.push(makeEvent(snap, 'auth-failure', 'medium', `${infoAuth} failed AUTH (INFO acl_access_denied_auth; ${logAuth} in ACL LOG)`, { count: infoAuth, source: null, user: null, from: 'acl_access_denied_auth' }));
  }

  // Brute force: many failures or many user names from one source within the window (several polls).
  const failures = opts.bruteForceFailures ?? 20;
  const userLimit = opts.bruteForceUsers ?? 5;
  const windowMs = opts.bruteForceWindowMs ?? 60_000;
  const recent = [...(prev.authRecent ?? []).filter((r) => snap.at - r.at < windowMs), ...auth.map((f) => ({ at: snap.at, source: f.source, user: f.username.slice(0, 128), count: f.count }))].slice(-MAX_RECENT);
  const reported: Record<string, number> = {};
  for (const [source, at] of Object.entries(prev.bruteReported ?? {})) if (snap.at - at < windowMs) reported[source] = at;
  const bySource = new Map<string, { count: number; users: Set<string> }>();
  for (const r of recent) {
    const s = bySource.get(r.source) ?? { count: 0, users: new Set<string>() };
    s.count += r.count;
    s.users.add(r.user);
    bySource.set(r.source, s);
  }
  for (const [source, s] of bySource) {
    if ((s.count < failures && s.users.size < userLimit) || source in reported) continue;
    // Only a source that failed in this poll is new evidence.
    if (!auth.some((f) => f.source === source)) continue;
    reported[source] = snap.at;
    const users = [...s.users].sort();
    events.push(
      makeEvent(snap, 'auth-bruteforce', 'high', `brute force from ${shown(source || 'unknown', 60)}: ${s.count} failed AUTH for ${users.length} user name(s) (${someOf(users)}) within ${Math.round(windowMs / 1000)} s`, {
        source: shown(source, 64) || null,
        count: s.count,
        users: users.length,
        user_names: someOf(users, 10),
        window_seconds: Math.round(windowMs / 1000),
        threshold_failures: failures,
        threshold_users: userLimit,
      }),
    );
  }

  const grouped = new Map<string, NewLogEvents>();
  for (const f of denied) {
    const k = `${f.reason}\0${f.username}\0${f.object}\0${f.source}`;
    const cur = grouped.get(k);
    if (cur) cur.count += f.count;
    else grouped.set(k, { ...f });
  }
  const list = [...grouped.values()].sort((a, b) => b.count - a.count);
  for (const d of list.slice(0, MAX_EVENTS_PER_KIND)) {
    events.push(
      makeEvent(snap, 'acl-denied', 'medium', `${d.count} ${shown(d.reason, 20)} denial(s) for user ${shown(d.username, 40)}: ${shown(d.object, 60)} (${shown(d.context, 20)}) from ${shown(d.source || 'unknown', 60)}`, {
        reason: shown(d.reason, 32),
        user: shown(d.username, 128),
        object: shown(d.object, 128),
        context: shown(d.context, 32),
        source: shown(d.source, 64) || null,
        count: d.count,
      }),
    );
  }
  const denials = firstPoll ? undefined : denied.reduce((s, f) => s + f.count, 0);
  return { state: { aclLog: counts, authRecent: recent, bruteReported: reported }, events, authFailures, denials };
}

/** A counter's rise; undefined when either side is missing or it went down (restart, RESETSTAT). */
export function counterRise(before: number | undefined, now: number | undefined): number | undefined {
  if (before === undefined || now === undefined || now < before) return undefined;
  return now - before;
}
