/**
 * What one target's series say, from its polls: the raw counters of the latest poll, and what only
 * comparing polls can tell (users and directives differing from the baseline, failures counted
 * from ACL LOG where INFO has no counter). No I/O: each poll is folded into the target's state in
 * place, nothing is read or sent here.
 */
import type { UserBaseline } from '../rules/types.js';
import type { Report } from '../report/types.js';
import type { VersionId } from '../versions/index.js';
import { commandStats, infoNumber, type WatchSnapshot } from '../watch/snapshot.js';
import { EMPTY_ACL_LOG_TALLY, newLogEvents, type AclLogTally } from '../watch/detect/index.js';
import { DANGEROUS_COMMAND_NAMES } from '../watch/dangerous.js';
import { ACL_DENIED_REASONS } from './contract.js';

/** The user label value for users past --label-users' cap. */
export const OTHER_USERS = '(other)';

export interface ObserveOptions {
  /** Per-user auth failure series (--label-users), at most this many users; 0 = off. */
  labelUsers: number;
  /** --baseline users.acl; else the first poll's ACL LIST is the baseline. */
  userBaseline?: UserBaseline | undefined;
  /** Directive → expected value (the plan, for the server's version); else the first poll's CONFIG GET * is the baseline. */
  configBaseline?: ((version: VersionId | null) => Readonly<Record<string, string>>) | undefined;
}

export interface TargetState {
  /** CONFIG GET * of the first poll (when no plan was given). */
  firstConfig?: Record<string, string> | undefined;
  /** ACL LIST of the first poll: name → rules (when no --baseline was given). */
  firstUsers?: Map<string, string> | undefined;
  /** ACL LOG of the last poll, as the watcher remembers it. */
  tally?: AclLogTally | undefined;
  /** Counters accumulated from ACL LOG. */
  authFromLog: number;
  deniedFromLog: Record<string, number>;
  authByUser: Map<string, number>;
}

export function newTargetState(): TargetState {
  return { authFromLog: 0, deniedFromLog: {}, authByUser: new Map() };
}

export interface Observation {
  connectionsReceived?: number | undefined;
  rejectedConnections?: number | undefined;
  connectedClients?: number | undefined;
  maxclients?: number | undefined;
  authFailures?: number | undefined;
  authFailuresByUser?: Map<string, number> | undefined;
  aclDenied?: Record<string, number> | undefined;
  dangerous?: Map<string, number> | undefined;
  aclUsers?: number | undefined;
  userChanges?: { added: number; removed: number; modified: number } | undefined;
  driftDirectives?: string[] | undefined;
  certExpirySeconds?: number | undefined;
}

const finite = (n: number | undefined): number | undefined => (n !== undefined && Number.isFinite(n) && n >= 0 ? n : undefined);

/** Folds one poll into the state and returns what the series show. */
export function observe(state: TargetState, snap: WatchSnapshot, opts: ObserveOptions): Observation {
  const obs: Observation = {
    connectionsReceived: finite(infoNumber(snap, 'stats', 'total_connections_received')),
    rejectedConnections: finite(infoNumber(snap, 'stats', 'rejected_connections')),
    connectedClients: finite(infoNumber(snap, 'clients', 'connected_clients')),
  };
  const maxclients = snap.config.known ? Number(snap.config.value['maxclients']) : NaN;
  if (Number.isFinite(maxclients) && maxclients >= 0) obs.maxclients = maxclients;

  countAclLog(state, snap, opts);
  const infoAuth = finite(infoNumber(snap, 'stats', 'acl_access_denied_auth'));
  if (infoAuth !== undefined) obs.authFailures = infoAuth;
  else if (snap.aclLog.known) obs.authFailures = state.authFromLog;
  if (opts.labelUsers > 0 && snap.aclLog.known) obs.authFailuresByUser = new Map(state.authByUser);

  const infoDenied: Record<string, number | undefined> = {
    command: finite(infoNumber(snap, 'stats', 'acl_access_denied_cmd')),
    key: finite(infoNumber(snap, 'stats', 'acl_access_denied_key')),
    channel: finite(infoNumber(snap, 'stats', 'acl_access_denied_channel')),
  };
  if (ACL_DENIED_REASONS.every((r) => infoDenied[r] !== undefined)) obs.aclDenied = infoDenied as Record<string, number>;
  else if (snap.aclLog.known) obs.aclDenied = Object.fromEntries(ACL_DENIED_REASONS.map((r) => [r, state.deniedFromLog[r] ?? 0]));

  const stats = commandStats(snap);
  if (stats) {
    // 6.2 counts CONFIG, MODULE, ACL ... as a whole (our own CONFIG GET included): only the
    // commands it names alone are counted there.
    const splitsSubcommands = Object.keys(stats).some((k) => k.includes('|')) || (snap.versionId !== null && Number.parseFloat(snap.versionId) >= 7);
    obs.dangerous = new Map();
    for (const c of DANGEROUS_COMMAND_NAMES) {
      if (c.includes('|') && !splitsSubcommands) continue;
      obs.dangerous.set(c, finite(stats[c]?.calls) ?? 0);
    }
  }

  if (snap.users.known) {
    obs.aclUsers = snap.users.value.length;
    const live = new Map(snap.users.value.map((u) => [u.name, u.rules]));
    if (opts.userBaseline) obs.userChanges = usersAgainstFile(live, opts.userBaseline);
    else {
      state.firstUsers ??= live;
      obs.userChanges = usersAgainstFirst(live, state.firstUsers);
    }
  }

  if (snap.config.known) {
    const baseline = opts.configBaseline?.(snap.versionId) ?? (state.firstConfig ??= { ...snap.config.value });
    obs.driftDirectives = driftedDirectives(snap.config.value, baseline, opts.configBaseline === undefined);
  }

  if (snap.certificates.length > 0) {
    const ends = snap.certificates.map((c) => Date.parse(c.notAfter)).filter((t) => Number.isFinite(t));
    if (ends.length > 0) obs.certExpirySeconds = Math.round((Math.min(...ends) - snap.at) / 1000);
  }
  return obs;
}

/** Directives whose value differs; against the first poll a directive that appeared or vanished counts too. */
export function driftedDirectives(live: Readonly<Record<string, string>>, baseline: Readonly<Record<string, string>>, bothWays: boolean): string[] {
  const out: string[] = [];
  for (const [name, want] of Object.entries(baseline)) {
    const have = live[name];
    if (have === undefined ? bothWays : norm(have) !== norm(want)) out.push(name);
  }
  if (bothWays) for (const name of Object.keys(live)) if (!(name in baseline)) out.push(name);
  return out.sort();
}

const norm = (v: string): string => v.trim().replace(/\s+/g, ' ').toLowerCase();

function usersAgainstFirst(live: Map<string, string>, first: Map<string, string>): { added: number; removed: number; modified: number } {
  let added = 0;
  let modified = 0;
  for (const [name, rules] of live) {
    const was = first.get(name);
    if (was === undefined) added++;
    else if (was !== rules) modified++;
  }
  let removed = 0;
  for (const name of first.keys()) if (!live.has(name)) removed++;
  return { added, removed, modified };
}

/** ACL LIST rules → what a users.acl baseline records: enabled, nopass, password hashes. */
function aclState(rules: string): { enabled: boolean; nopass: boolean; hashes: Set<string> } {
  let enabled = false;
  let nopass = false;
  const hashes = new Set<string>();
  for (const token of rules.split(' ')) {
    if (token === 'on') enabled = true;
    else if (token === 'off') enabled = false;
    else if (token === 'nopass') nopass = true;
    else if (token.startsWith('#')) hashes.add(token.slice(1).toLowerCase());
  }
  return { enabled, nopass, hashes };
}

function usersAgainstFile(live: Map<string, string>, baseline: UserBaseline): { added: number; removed: number; modified: number } {
  const approved = new Map(baseline.users.map((u) => [u.name, u]));
  let added = 0;
  let modified = 0;
  for (const [name, rules] of live) {
    const want = approved.get(name);
    if (!want) {
      added++;
      continue;
    }
    const have = aclState(rules);
    const wantHashes = new Set(want.hashes.map((h) => h.toLowerCase()));
    const sameHashes = have.hashes.size === wantHashes.size && [...have.hashes].every((h) => wantHashes.has(h));
    if (have.enabled !== want.enabled || have.nopass !== want.nopass || !sameHashes) modified++;
  }
  let removed = 0;
  for (const name of approved.keys()) if (!live.has(name)) removed++;
  return { added, removed, modified };
}

/**
 * New ACL LOG events since the last poll, added to the state's counters: the watcher's own
 * reading of the log (newLogEvents), so a counter rises exactly when the watcher alerts. The first
 * poll counts the log's history against an empty log, as INFO's counters include what happened
 * before the first scrape.
 */
function countAclLog(state: TargetState, snap: WatchSnapshot, opts: ObserveOptions): void {
  if (!snap.aclLog.known) return;
  const { fresh, counts } = newLogEvents(snap.aclLog.value, state.tally ?? EMPTY_ACL_LOG_TALLY);
  state.tally = counts;
  for (const f of fresh) {
    if (f.reason === 'auth') {
      state.authFromLog += f.count;
      if (opts.labelUsers > 0) {
        const user = state.authByUser.has(f.username) || state.authByUser.size < opts.labelUsers ? f.username : OTHER_USERS;
        state.authByUser.set(user, (state.authByUser.get(user) ?? 0) + f.count);
      }
    } else if ((ACL_DENIED_REASONS as readonly string[]).includes(f.reason)) {
      state.deniedFromLog[f.reason] = (state.deniedFromLog[f.reason] ?? 0) + f.count;
    }
  }
}

/** The audit's verdicts: per (rule, severity), 1 when any finding of it fails, 0 when all pass or are waived. */
export function findingVerdicts(report: Report): { rule: string; severity: string; failing: number }[] {
  const byKey = new Map<string, { rule: string; severity: string; failing: number }>();
  for (const f of report.findings) {
    if (f.status !== 'fail' && f.status !== 'pass' && f.status !== 'waived') continue;
    const key = `${f.id}\0${f.severity}`;
    const v = byKey.get(key) ?? { rule: f.id, severity: f.severity, failing: 0 };
    if (f.status === 'fail') v.failing = 1;
    byKey.set(key, v);
  }
  return [...byKey.values()].sort((a, b) => (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : a.severity < b.severity ? -1 : 1));
}
