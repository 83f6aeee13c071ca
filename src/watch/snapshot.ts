/**
 * One watch poll of one target, typed: what `redsec watch`'s detectors and `redsec exporter`'s
 * metrics read. Built from the replies to WATCH_POLL_COMMANDS (a fixed, bounded list of the
 * audit's read-only commands, one round trip, no MONITOR); anything a reply does not show is
 * `unknown` with the reason, so no detector or metric guesses.
 */
import type { CertificateFacts, Known, UserFacts } from '../facts/types.js';
import { known, unknown } from '../facts/types.js';
import { parseInfo, type InfoSections } from '../facts/info.js';
import { identifyServer } from '../facts/identity.js';
import { asArray, asPairs, asText, knownFromReply, replyProblem } from '../facts/replies.js';
import { parseAclList, parseModuleList } from '../facts/parse-replies.js';
import type { VersionId } from '../versions/index.js';

/** INFO sections a poll reads, one by one (6.2 takes one section per INFO). */
export const POLL_INFO_SECTIONS = ['server', 'clients', 'stats', 'commandstats', 'replication'] as const;

/** ACL LOG entries read per poll (the server keeps 128 by default: acllog-max-len). */
export const POLL_ACL_LOG_COUNT = 128;

export interface PollCommandOptions {
  /** Add CLIENT LIST (for --allow-clients): the only command whose reply grows with the clients. */
  clients?: boolean | undefined;
}

/** The commands of one poll, in reply order: at most 10, every one on the audit's allowlist. */
export function pollCommands(opts: PollCommandOptions = {}): string[][] {
  return [
    ...POLL_INFO_SECTIONS.map((s) => ['INFO', s]),
    ['CONFIG', 'GET', '*'],
    ['ACL', 'LIST'],
    ['ACL', 'LOG', String(POLL_ACL_LOG_COUNT)],
    ['MODULE', 'LIST'],
    ...(opts.clients ? [['CLIENT', 'LIST']] : []),
  ];
}

/** One ACL LOG entry; entryId and timestampCreated only where the server has them (7.2+). */
export interface AclLogRecord {
  reason: string;
  context: string;
  object: string;
  username: string;
  /** How many events the server grouped into this entry. */
  count: number;
  /** Seconds since the entry was last updated. */
  ageSeconds: number | null;
  /** The last client's address (host:port) from client-info. */
  clientAddr: string | null;
  entryId: number | null;
  /** Milliseconds since the epoch. */
  timestampCreated: number | null;
}

export interface ClientRecord {
  id: string;
  addr: string;
  user: string;
  name: string;
  /** The last command, e.g. "client|list" (the poll's own connection shows that one). */
  cmd: string;
}

export interface WatchSnapshot {
  /** The target's display name (URL without credentials, or its name in the targets file). */
  target: string;
  /** When the replies arrived (ms since the epoch). */
  at: number;
  /** Connect, AUTH and the poll's round trip. */
  durationMs: number;
  /** Commands sent for this poll, AUTH included. */
  commandsSent: number;
  version: string | null;
  versionId: VersionId | null;
  /** Parsed INFO of POLL_INFO_SECTIONS. */
  info: Known<InfoSections>;
  /** CONFIG GET *: lowercase name → value. */
  config: Known<Record<string, string>>;
  users: Known<UserFacts[]>;
  /** Newest first, as the server lists them. */
  aclLog: Known<AclLogRecord[]>;
  modules: Known<{ name: string; version: string; path?: string }[]>;
  /** Only when the poll asked CLIENT LIST. */
  clients?: Known<ClientRecord[]> | undefined;
  /** The served chain (leaf first) of a TLS target, as the poll's handshake saw it. */
  certificates: CertificateFacts[];
}

export interface SnapshotMeta {
  target: string;
  at: number;
  durationMs: number;
  commandsSent: number;
  certificates?: CertificateFacts[] | undefined;
}

/** The replies to pollCommands(opts), in order → the snapshot. Pure. */
export function parseSnapshot(replies: readonly unknown[], meta: SnapshotMeta, opts: PollCommandOptions = {}): WatchSnapshot {
  const n = POLL_INFO_SECTIONS.length;
  const info = mergeInfo(replies.slice(0, n));
  const [configR, aclListR, aclLogR, moduleR, clientR] = replies.slice(n);
  const identity = identifyServer(info.known ? info.value['server'] : undefined);
  return {
    target: meta.target,
    at: meta.at,
    durationMs: meta.durationMs,
    commandsSent: meta.commandsSent,
    version: identity.version,
    versionId: identity.versionId,
    info,
    config: knownFromReply('CONFIG GET *', configR, parseConfigMap),
    users: knownFromReply('ACL LIST', aclListR, parseAclList),
    aclLog: knownFromReply('ACL LOG', aclLogR, parseAclLogRecords),
    modules: knownFromReply('MODULE LIST', moduleR, parseModuleList),
    ...(opts.clients ? { clients: knownFromReply('CLIENT LIST', clientR, parseClientRecords) } : {}),
    certificates: meta.certificates ?? [],
  };
}

function mergeInfo(replies: readonly unknown[]): Known<InfoSections> {
  const merged: InfoSections = {};
  for (const r of replies) {
    const text = asText(r);
    if (text === undefined) return unknown(replyProblem('INFO', r));
    Object.assign(merged, parseInfo(text));
  }
  return known(merged);
}

/** CONFIG GET * (RESP2 flat pairs or a RESP3 map) → lowercase name → value. */
export function parseConfigMap(reply: unknown): Record<string, string> | undefined {
  const pairs = asPairs(reply);
  if (!pairs) return undefined;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(pairs)) {
    const text = asText(value);
    if (text === undefined) return undefined;
    out[name.toLowerCase()] = text;
  }
  return out;
}

const numberOrNull = (v: unknown): number | null => {
  const t = asText(v);
  if (t === undefined || t.trim() === '') return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
};

/** ACL LOG → records; 7.0 has no entry-id / timestamp-created (null then). */
export function parseAclLogRecords(reply: unknown): AclLogRecord[] | undefined {
  const arr = asArray(reply);
  if (!arr) return undefined;
  const out: AclLogRecord[] = [];
  for (const item of arr) {
    const p = asPairs(item);
    if (!p) return undefined;
    const clientInfo = asText(p['client-info']) ?? '';
    out.push({
      reason: asText(p['reason']) ?? '',
      context: asText(p['context']) ?? '',
      object: asText(p['object']) ?? '',
      username: asText(p['username']) ?? '',
      count: Math.max(0, numberOrNull(p['count']) ?? 0),
      ageSeconds: numberOrNull(p['age-seconds']),
      clientAddr: field(clientInfo, 'addr') || null,
      entryId: numberOrNull(p['entry-id']),
      timestampCreated: numberOrNull(p['timestamp-created']),
    });
  }
  return out;
}

/** CLIENT LIST text → records (id, addr, user, name, cmd). */
export function parseClientRecords(reply: unknown): ClientRecord[] | undefined {
  const text = asText(reply);
  if (text === undefined) return undefined;
  const out: ClientRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.length < 3) continue;
    out.push({ id: field(line, 'id'), addr: field(line, 'addr'), user: field(line, 'user'), name: field(line, 'name'), cmd: field(line, 'cmd') });
  }
  return out;
}

/** The value of `key=` in a space-separated k=v line. */
function field(line: string, key: string): string {
  let at: number;
  if (line.startsWith(`${key}=`)) at = 0;
  else {
    const i = line.indexOf(` ${key}=`);
    if (i < 0) return '';
    at = i + 1;
  }
  const start = at + key.length + 1;
  const end = line.indexOf(' ', start);
  return line.slice(start, end < 0 ? line.length : end).replace(/\r$/, '');
}

/** A numeric INFO field, undefined when INFO or the field is missing (older versions lack some). */
export function infoNumber(snap: WatchSnapshot, section: string, key: string): number | undefined {
  if (!snap.info.known) return undefined;
  const v = snap.info.value[section]?.[key];
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

export interface CommandStat {
  calls: number;
  /** Rejected before running (ACL, OOM ...), 7.0+. */
  rejectedCalls: number;
  /** Ran and failed, 7.0+. */
  failedCalls: number;
}

/** INFO commandstats → "config|set" → counts (lowercase names as the server prints them). */
export function commandStats(snap: WatchSnapshot): Record<string, CommandStat> | undefined {
  if (!snap.info.known) return undefined;
  const section = snap.info.value['commandstats'];
  if (!section) return undefined;
  const out: Record<string, CommandStat> = {};
  for (const [key, value] of Object.entries(section)) {
    if (!key.startsWith('cmdstat_')) continue;
    const stat: CommandStat = { calls: 0, rejectedCalls: 0, failedCalls: 0 };
    for (const part of value.split(',')) {
      const eq = part.indexOf('=');
      const n = Number(part.slice(eq + 1));
      if (eq < 0 || !Number.isFinite(n)) continue;
      const name = part.slice(0, eq);
      if (name === 'calls') stat.calls = n;
      else if (name === 'rejected_calls') stat.rejectedCalls = n;
      else if (name === 'failed_calls') stat.failedCalls = n;
    }
    out[key.slice('cmdstat_'.length).toLowerCase()] = stat;
  }
  return out;
}
