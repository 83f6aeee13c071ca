/**
 * The copies of a rotated password that other processes hold: a replica's `masterauth` (when the
 * rotated user is its `masteruser`) and a sentinel's `auth-pass` for the monitored master. Each is
 * updated between begin and finish, while the old and the new password are both valid, so no link
 * breaks whichever one it uses. Every connection is a rotation connection (rotation-allowlist.ts).
 *   replica   CONFIG GET masteruser (must be the rotated user), CONFIG SET masterauth NEW,
 *             CONFIG REWRITE, then master_link_status:up. The open link stays as it is (the link
 *             stays up throughout); the replica uses NEW when it next connects, which the master
 *             accepts (begin verified AUTH with NEW on a fresh connection). With `relink`, CLIENT
 *             KILL TYPE master makes it re-link at once: up again proves NEW end to end, at the
 *             cost of a brief link drop and a partial resync.
 *   sentinel  SENTINEL MASTER <name> (it monitors it and sees it up), SENTINEL SET <name>
 *             auth-pass NEW (Sentinel rewrites its own config file). Sentinel keeps its open links
 *             and uses NEW when it reconnects; redsec cannot make it reconnect, and says so.
 */
import { TargetError } from '../errors.js';
import { connect, parseTarget, RespError, type RespConnection, type RespReply, type Target, type TlsOptions } from '../resp/index.js';
import { visible } from '../text/visible.js';
import type { RotateCheck } from './password.js';

export interface PeerOptions {
  url: string;
  /** The rotated user: what the peer must authenticate as. */
  user: string;
  auth: { user?: string; password: string } | undefined;
  tls?: TlsOptions | undefined;
  timeoutMs: number;
  /** Drop the replica's master link after the change so it re-links with NEW (a brief resync). */
  relink?: boolean | undefined;
  /** Upper bound for a replica to re-link after CLIENT KILL TYPE master. */
  linkWaitMs?: number | undefined;
  persist?: boolean | undefined;
  /** A dry run: the connection carries the audit's read-only allowlist, so it cannot write. */
  readOnly?: boolean | undefined;
}

export interface PeerReport {
  role: 'replica' | 'sentinel';
  target: string;
  /** Commands sent (or that a dry run would send), secrets masked. */
  commands: string[];
  checks: RotateCheck[];
  notes: string[];
}

export function peerReport(role: PeerReport['role'], url: string): PeerReport {
  return { role, target: parseTarget(url).display, commands: [], checks: [], notes: [] };
}

async function open(opts: PeerOptions): Promise<{ conn: RespConnection; target: Target }> {
  const target = parseTarget(opts.url);
  const conn = await connect(target, { auth: opts.auth, tls: opts.tls, rotationUser: opts.readOnly ? undefined : opts.user, connectTimeoutMs: opts.timeoutMs, replyTimeoutMs: opts.timeoutMs, retries: 0 });
  return { conn, target };
}

function refused(reply: RespReply, what: string, target: Target): void {
  if (reply instanceof RespError) throw new TargetError('PROTOCOL', `${what} failed: ${visible(reply.message.slice(0, 200))}`, target.display);
}

/** CONFIG GET's value (RESP2 pair list or RESP3 map). */
function configValue(reply: RespReply): string | undefined {
  const values: RespReply[] = reply instanceof Map ? [...reply.values()] : Array.isArray(reply) ? reply.slice(1) : [];
  return typeof values[0] === 'string' ? values[0] : undefined;
}

/** `field:value` lines of an INFO section. */
export function infoField(text: string, field: string): string | undefined {
  for (const line of text.split('\n').slice(0, 10_000)) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon) === field) return line.slice(colon + 1).trim();
  }
  return undefined;
}

async function linkStatus(conn: RespConnection, target: Target): Promise<{ role: string; link: string }> {
  const reply = await conn.call(['INFO', 'replication']);
  refused(reply, 'INFO replication', target);
  const text = typeof reply === 'string' ? reply : '';
  return { role: infoField(text, 'role') ?? '?', link: infoField(text, 'master_link_status') ?? '?' };
}

/**
 * Before anything changes: the replica is a replica, authenticates as the rotated user (an empty
 * masteruser means `default`), its link is up, and CONFIG REWRITE works (else refuse).
 */
export async function replicaPreflight(opts: PeerOptions, report: PeerReport, apply: boolean): Promise<void> {
  const { conn, target } = await open(opts);
  try {
    report.commands.push('CONFIG GET masteruser');
    const reply = await conn.call(['CONFIG', 'GET', 'masteruser']);
    refused(reply, 'CONFIG GET masteruser', target);
    const masteruser = configValue(reply) ?? '';
    const as = masteruser === '' ? 'default' : masteruser;
    if (as !== opts.user) throw new TargetError('PROTOCOL', `this replica authenticates to its master as '${visible(as)}', not '${visible(opts.user)}': nothing of it to rotate (leave it out)`, target.display);
    const { role, link } = await linkStatus(conn, target);
    if (role !== 'slave') throw new TargetError('PROTOCOL', `not a replica (INFO replication role:${visible(role)})`, target.display);
    report.checks.push({ name: 'replica link up before', ok: link === 'up', detail: `master_link_status:${visible(link)}` });
    if (link !== 'up') throw new TargetError('PROTOCOL', `the replica's link is ${visible(link)} before the rotation: fix replication first`, target.display);
    if (apply && opts.persist !== false) {
      report.commands.push('CONFIG REWRITE');
      const r = await conn.call(['CONFIG', 'REWRITE']);
      if (r instanceof RespError) throw new TargetError('PROTOCOL', `CONFIG REWRITE fails on this replica, so its new masterauth could not be persisted; nothing was changed (fix it, or pass --no-persist): ${visible(r.message.slice(0, 200))}`, target.display);
    }
  } finally {
    conn.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CONFIG SET masterauth NEW, persist, (re-link,) master_link_status:up. */
export async function updateReplica(opts: PeerOptions, secret: string, report: PeerReport, apply: boolean): Promise<void> {
  const commands = [['CONFIG', 'SET', 'masterauth', '***'], ...(opts.persist !== false ? [['CONFIG', 'REWRITE']] : []), ...(opts.relink ? [['CLIENT', 'KILL', 'TYPE', 'master']] : []), ['INFO', 'replication']];
  if (!apply) {
    report.commands.push(...commands.map((c) => c.join(' ')));
    report.checks.push({ name: opts.relink ? 'replica re-linked with the new password' : 'replica link up', ok: null, detail: 'dry run: master_link_status:up after the change' });
    if (opts.persist === false) report.notes.push('--no-persist: CONFIG REWRITE not sent; a restart brings back the old masterauth');
    return;
  }
  const { conn, target } = await open(opts);
  try {
    report.commands.push('CONFIG SET masterauth ***');
    refused(await conn.call(['CONFIG', 'SET', 'masterauth', secret]), 'CONFIG SET masterauth', target);
    if (opts.persist !== false) {
      report.commands.push('CONFIG REWRITE');
      refused(await conn.call(['CONFIG', 'REWRITE']), 'CONFIG REWRITE (masterauth set but not persisted)', target);
      report.checks.push({ name: 'replica persisted', ok: true, detail: 'CONFIG REWRITE: OK' });
    } else report.notes.push('--no-persist: CONFIG REWRITE not sent; a restart brings back the old masterauth');
    if (!opts.relink) {
      report.notes.push('its open link is kept; it authenticates with the new masterauth on its next reconnect (--relink-replicas proves it now, with a brief resync)');
      await replicaLinkCheck(opts, report, 'replica link up');
      return;
    }
    // Killing the master link is synchronous: the next "up" is a new link, authenticated with NEW.
    report.commands.push('CLIENT KILL TYPE master');
    refused(await conn.call(['CLIENT', 'KILL', 'TYPE', 'master']), 'CLIENT KILL TYPE master', target);
    const deadline = Date.now() + (opts.linkWaitMs ?? Math.max(10_000, opts.timeoutMs));
    let link = '?';
    report.commands.push('INFO replication');
    for (;;) {
      link = (await linkStatus(conn, target)).link;
      if (link === 'up' || Date.now() > deadline) break;
      await sleep(100);
    }
    const up = link === 'up';
    report.checks.push({
      name: 'replica re-linked with the new password',
      ok: up,
      detail: up ? 'master_link_status:up after the re-link' : `master_link_status:${visible(link)} ${Math.round((opts.linkWaitMs ?? Math.max(10_000, opts.timeoutMs)) / 1000)} s after the re-link (see the replica's log)`,
    });
  } finally {
    conn.close();
  }
}

/** master_link_status:up now (finish checks every replica before an old password goes). */
export async function replicaLinkCheck(opts: PeerOptions, report: PeerReport, name: string): Promise<boolean> {
  const { conn, target } = await open(opts);
  try {
    const { link } = await linkStatus(conn, target);
    report.commands.push('INFO replication');
    report.checks.push({ name, ok: link === 'up', detail: `master_link_status:${visible(link)}` });
    return link === 'up';
  } finally {
    conn.close();
  }
}

/** SENTINEL MASTER's flat field list as a map. */
function fields(reply: RespReply): Map<string, string> {
  const out = new Map<string, string>();
  const flat: RespReply[] = reply instanceof Map ? [...reply].flat() : Array.isArray(reply) ? reply : [];
  for (let i = 0; i + 1 < flat.length && i < 400; i += 2) {
    const k = flat[i];
    const v = flat[i + 1];
    if (typeof k === 'string' && (typeof v === 'string' || typeof v === 'number')) out.set(k, String(v));
  }
  return out;
}

interface SentinelView {
  flags: string;
  /** Milliseconds since the master last answered a PING with OK. */
  lastOkMs: number;
  healthy: boolean;
}

async function sentinelView(conn: RespConnection, target: Target, master: string): Promise<SentinelView> {
  const reply = await conn.call(['SENTINEL', 'MASTER', master]);
  refused(reply, `SENTINEL MASTER ${visible(master)}`, target);
  const f = fields(reply);
  const flags = f.get('flags') ?? '?';
  const list = flags.split(',');
  const healthy = list.includes('master') && !list.some((x) => x === 's_down' || x === 'o_down' || x === 'disconnected');
  return { flags, lastOkMs: Number(f.get('last-ok-ping-reply') ?? NaN), healthy };
}

function viewDetail(v: SentinelView): string {
  return `flags ${visible(v.flags)}, last ok ping ${Number.isFinite(v.lastOkMs) ? v.lastOkMs : '?'} ms ago`;
}

/** The sentinel monitors `master` and sees it up (no s_down, o_down or disconnected flag). */
export async function sentinelCheck(opts: PeerOptions, master: string, report: PeerReport, name: string): Promise<boolean> {
  const { conn, target } = await open(opts);
  try {
    report.commands.push(`SENTINEL MASTER ${visible(master)}`);
    const v = await sentinelView(conn, target, master);
    report.checks.push({ name, ok: v.healthy, detail: viewDetail(v) });
    return v.healthy;
  } finally {
    conn.close();
  }
}

/**
 * SENTINEL SET <master> auth-pass NEW, then waits until the master has answered the sentinel's
 * PING after the change with its flags clean. Sentinel 7.0 drops its links to the master on this
 * SET (its flags show `disconnected`) and reconnects with NEW, so that answer comes over a link
 * authenticated with the new password; when no drop was seen the note says the open link may
 * still be the old one. Sentinel rewrites its own config file.
 */
export async function updateSentinel(opts: PeerOptions, master: string, secret: string, report: PeerReport, apply: boolean): Promise<void> {
  report.commands.push(`SENTINEL SET ${visible(master)} auth-pass ***`, `SENTINEL MASTER ${visible(master)}`);
  if (!apply) {
    report.checks.push({ name: 'sentinel reaches the master after the change', ok: null, detail: `dry run: SENTINEL MASTER ${visible(master)} until the master answered a PING after the change` });
    return;
  }
  const { conn, target } = await open(opts);
  try {
    const setAt = Date.now();
    refused(await conn.call(['SENTINEL', 'SET', master, 'auth-pass', secret]), 'SENTINEL SET auth-pass', target);
    const wait = opts.linkWaitMs ?? Math.max(10_000, opts.timeoutMs);
    let dropped = false;
    let v: SentinelView;
    let ok = false;
    for (;;) {
      v = await sentinelView(conn, target, master);
      if (v.flags.split(',').includes('disconnected')) dropped = true;
      // The last OK reply came after the SET (its age is measured on the sentinel before the
      // reply travelled: a margin keeps a reply from just before the SET from counting).
      ok = v.healthy && Number.isFinite(v.lastOkMs) && Date.now() - v.lastOkMs > setAt + 50;
      if (ok || Date.now() - setAt > wait) break;
      await sleep(100);
    }
    report.checks.push({ name: 'sentinel reaches the master after the change', ok, detail: ok ? viewDetail(v) : `${viewDetail(v)} ${Math.round(wait / 1000)} s after the change (see the sentinel's log)` });
    report.notes.push(
      dropped
        ? 'the sentinel dropped its links at SENTINEL SET and reconnected: the master answers it with the new auth-pass'
        : 'no link drop was seen: the sentinel may still use a link opened with the old password, and uses the new auth-pass when it reconnects',
    );
  } finally {
    conn.close();
  }
}
