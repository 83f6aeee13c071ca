/**
 * `redsec watch --state FILE`: what the watcher remembers across a restart, so it does not alert
 * again on what it already saw (ACL LOG entries, drift, failing findings, a target already down),
 * and keeps its learned anomaly baselines. Also the recent events, which `redsec mcp --watch FILE`
 * serves to an agent.
 *
 * No secrets: CONFIG GET values of secret directives (requirepass, masterauth ...) are kept as a
 * salted digest, and the password hashes of ACL LIST as digests of them; on the first poll after a
 * restart, restoreSnapshot() puts the live values back where the digests still match, so detectors
 * compare like with like and see a change only where there was one. Written 0600 through a
 * temporary file, fsync and rename: a crash leaves the old state or the new one, never half.
 * A file that is not one redsec wrote (corrupt, hostile, too large) is bad input: exit 2, one line.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync, constants, fstatSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { SEVERITIES } from '../report/index.js';
import { isRateBaseline, type AnomalyState } from './anomaly.js';
import { WATCH_EVENT_KINDS, type WatchEvent } from './event.js';
import type { WatchSnapshot } from './snapshot.js';
import { visible } from '../text/index.js';

export const WATCH_STATE_VERSION = 1;
/** Recent events kept in the file (all targets together), newest last. */
export const MAX_STATE_EVENTS = 1000;
/** Dedupe keys kept per target. */
export const MAX_SEEN_KEYS = 1000;
/** A state file larger than this is refused (1,000 targets with full snapshots stay well below). */
export const MAX_STATE_BYTES = 256 * 1024 * 1024;

/** What the watcher remembers of one target. */
export interface TargetMemory {
  /** The last good poll, in stored form (rememberSnapshot). */
  previous?: WatchSnapshot | undefined;
  /** The drift and ACL baseline when no --baseline-plan / --baseline is given: the first poll, stored form. */
  baseline?: WatchSnapshot | undefined;
  /** Last known reachability, and since when (ms since the epoch): a target already down is not reported down again. */
  up?: boolean | undefined;
  since?: number | undefined;
  /** Learned rate baselines. */
  anomaly?: AnomalyState | undefined;
  /** Audit rules failing at the last audit, and when it ran (ms). */
  failing?: string[] | undefined;
  auditedAt?: number | undefined;
  /** Conditions already reported (e.g. "cert-expiry:<serial>:30d") → when (ms); bounded, oldest dropped. */
  seen?: Record<string, number> | undefined;
}

export interface WatchState {
  version: typeof WATCH_STATE_VERSION;
  /** ISO time of the write. */
  savedAt: string;
  /** Per-file random salt of the digests (hex). */
  salt: string;
  targets: Record<string, TargetMemory>;
  /** The most recent events, oldest first, at most MAX_STATE_EVENTS. */
  events: WatchEvent[];
}

export function emptyState(): WatchState {
  return { version: WATCH_STATE_VERSION, savedAt: new Date(0).toISOString(), salt: randomBytes(16).toString('hex'), targets: Object.create(null) as Record<string, TargetMemory>, events: [] };
}

// ---------------------------------------------------------------- secrets out, secrets back in

/** CONFIG GET names whose values are credentials (Valkey's primaryauth included). */
export function isSecretDirective(name: string): boolean {
  const n = name.toLowerCase();
  return n === 'requirepass' || n.endsWith('auth') || n.endsWith('-pass') || n.includes('password') || n.includes('secret');
}

const DIGEST_PREFIX = 'redsec-digest:';

function digest(salt: string, value: string): string {
  return `${DIGEST_PREFIX}${createHash('sha256').update(salt).update('\0').update(value).digest('hex').slice(0, 32)}`;
}

/** ACL LIST's password hashes: '#' and 64 hex digits. */
const ACL_HASH = /#[0-9a-f]{64}\b/g;

function storedRules(salt: string, rules: string): string {
  return rules.replace(ACL_HASH, (h) => `#${digest(salt, h.slice(1))}`);
}

/** The form a snapshot is stored in: secrets digested, CLIENT LIST (addresses) left out. */
export function rememberSnapshot(snap: WatchSnapshot, salt: string): WatchSnapshot {
  const { clients: _clients, ...rest } = snap;
  const config = snap.config.known
    ? { known: true as const, value: mapValues(snap.config.value, (v, k) => (isSecretDirective(k) && v !== '' ? digest(salt, v) : v)) }
    : snap.config;
  const users = snap.users.known ? { known: true as const, value: snap.users.value.map((u) => ({ name: u.name, rules: storedRules(salt, u.rules) })) } : snap.users;
  return { ...rest, config, users };
}

/**
 * A stored snapshot made comparable with a live one: where a secret's digest matches the live
 * value, the live value is put back (unchanged); where it does not, a marker that differs from
 * any live value (it changed while the watcher was stopped). Users whose rules match once hashed
 * get their live rules back.
 */
export function restoreSnapshot(stored: WatchSnapshot, live: WatchSnapshot, salt: string): WatchSnapshot {
  let config = stored.config;
  if (stored.config.known) {
    const liveConfig = live.config.known ? live.config.value : {};
    config = {
      known: true,
      value: mapValues(stored.config.value, (v, k) => {
        if (!v.startsWith(DIGEST_PREFIX)) return v;
        const now = liveConfig[k];
        return now !== undefined && digest(salt, now) === v ? now : '(a secret value, changed while redsec watch was stopped)';
      }),
    };
  }
  let users = stored.users;
  if (stored.users.known) {
    const liveByName = new Map((live.users.known ? live.users.value : []).map((u) => [u.name, u.rules]));
    users = {
      known: true,
      value: stored.users.value.map((u) => {
        const now = liveByName.get(u.name);
        return now !== undefined && storedRules(salt, now) === u.rules ? { name: u.name, rules: now } : u;
      }),
    };
  }
  return { ...stored, config, users };
}

function mapValues(o: Record<string, string>, f: (v: string, k: string) => string): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(o)) out[k] = f(v, k);
  return out;
}

// ---------------------------------------------------------------- bounded memory

/** Adds a dedupe key; the oldest go beyond MAX_SEEN_KEYS. Returns false when it was already there. */
export function markSeen(mem: TargetMemory, key: string, at: number): boolean {
  const seen = (mem.seen ??= Object.create(null) as Record<string, number>);
  if (Object.hasOwn(seen, key)) return false;
  seen[key] = at;
  const keys = Object.keys(seen);
  if (keys.length > MAX_SEEN_KEYS) {
    keys.sort((a, b) => seen[a]! - seen[b]!);
    for (const k of keys.slice(0, keys.length - MAX_SEEN_KEYS)) delete seen[k];
  }
  return true;
}

/** Appends events, keeping the newest MAX_STATE_EVENTS. */
export function recordEvents(state: WatchState, events: readonly WatchEvent[]): void {
  if (events.length === 0) return;
  state.events.push(...events);
  if (state.events.length > MAX_STATE_EVENTS) state.events.splice(0, state.events.length - MAX_STATE_EVENTS);
}

// ---------------------------------------------------------------- the file

const text = (max: number) => z.string().max(max);
const finite = z.number().refine(Number.isFinite);
const knownOf = <T extends z.ZodType>(value: T) => z.union([z.object({ known: z.literal(true), value }), z.object({ known: z.literal(false), why: text(4096) })]);
const stringMap = (maxValue: number) => z.record(text(512), text(maxValue));

const certificateSchema = z
  .object({
    subject: text(4096),
    issuer: text(4096),
    selfSigned: z.boolean(),
    dnsNames: z.array(text(1024)).max(1000),
    ipAddresses: z.array(text(64)).max(1000),
    keyType: z.enum(['ec', 'rsa', 'ed25519', 'other']),
    keyBits: finite,
    signatureAlgorithm: text(256),
    notBefore: text(64),
    notAfter: text(64),
  })
  .loose();

const snapshotSchema = z.object({
  target: text(4096),
  at: finite,
  durationMs: finite,
  commandsSent: finite,
  version: text(256).nullable(),
  versionId: text(64).nullable(),
  info: knownOf(z.record(text(256), stringMap(64 * 1024))),
  config: knownOf(stringMap(1024 * 1024)),
  users: knownOf(z.array(z.object({ name: text(4096), rules: text(1024 * 1024) })).max(100_000)),
  aclLog: knownOf(
    z
      .array(
        z.object({
          reason: text(256),
          context: text(256),
          object: text(64 * 1024),
          username: text(64 * 1024),
          count: finite,
          ageSeconds: finite.nullable(),
          clientAddr: text(1024).nullable(),
          entryId: finite.nullable(),
          timestampCreated: finite.nullable(),
        }),
      )
      .max(10_000),
  ),
  modules: knownOf(z.array(z.object({ name: text(1024), version: text(256), path: text(4096).optional() })).max(1000)),
  certificates: z.array(certificateSchema).max(100),
});

const eventSchema = z.object({
  time: text(64),
  target: text(4096),
  kind: z.enum(WATCH_EVENT_KINDS),
  severity: z.enum(SEVERITIES),
  summary: text(64 * 1024),
  evidence: z.record(text(256), z.union([text(64 * 1024), finite, z.boolean(), z.null()])),
  baseline: z.object({ observed: finite, expected: finite, deviation: finite.optional(), threshold: finite }).optional(),
  investigate: text(4096).optional(),
});

const memorySchema = z.object({
  previous: snapshotSchema.optional(),
  baseline: snapshotSchema.optional(),
  up: z.boolean().optional(),
  since: finite.optional(),
  anomaly: z.record(text(64), z.unknown().refine(isRateBaseline, 'not a rate baseline')).optional(),
  failing: z.array(text(256)).max(10_000).optional(),
  auditedAt: finite.optional(),
  seen: z.record(text(1024), finite).optional(),
});

const stateSchema = z.object({
  version: z.literal(WATCH_STATE_VERSION),
  savedAt: text(64),
  salt: z.string().regex(/^[0-9a-f]{32}$/),
  // Checked entry by entry below: a record schema would lose a target named __proto__.
  targets: z.record(text(4096), z.unknown()),
  events: z.array(eventSchema).max(MAX_STATE_EVENTS),
});

function bad(path: string, why: string): InputError {
  return new InputError(`not a redsec watch state file: ${why}`, path);
}

/** Where the file is wrong, by field names only (a target name is the user's own): no value from the file is quoted. */
function malformed(where: readonly PropertyKey[], code: string | undefined): string {
  const at = where.map((p) => (typeof p === 'number' ? `[${p}]` : visible(String(p)).slice(0, 200))).join('.');
  return `${at || 'top level'} is malformed (${code ?? 'invalid'})`;
}

/** The state at `path`, or undefined when the file does not exist yet. */
export function readWatchState(path: string): WatchState | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new InputError(`cannot read state file (${code ?? 'error'})`, path);
  }
  let raw: string;
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw bad(path, 'not a regular file');
    if (st.size > MAX_STATE_BYTES) throw bad(path, `larger than ${MAX_STATE_BYTES / 1024 / 1024} MiB`);
    raw = readFileSync(fd, 'utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot read state file (${(e as NodeJS.ErrnoException).code ?? 'error'})`, path);
  } finally {
    closeSync(fd);
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    throw bad(path, 'not JSON');
  }
  const parsed = stateSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const version = typeof data === 'object' && data !== null && 'version' in data && (data as { version: unknown }).version !== WATCH_STATE_VERSION;
    throw bad(path, version ? `version is not ${WATCH_STATE_VERSION}` : malformed(issue?.path ?? [], issue?.code));
  }
  const s = parsed.data;
  // Object.create(null) and JSON.parse's own keys: a target named __proto__ stays a plain key.
  const targets = Object.create(null) as Record<string, TargetMemory>;
  for (const [name, value] of Object.entries((data as { targets: Record<string, unknown> }).targets)) {
    const m = memorySchema.safeParse(value);
    if (!m.success) throw bad(path, malformed(['targets', name, ...(m.error.issues[0]?.path ?? [])], m.error.issues[0]?.code));
    if (m.data.seen && Object.keys(m.data.seen).length > MAX_SEEN_KEYS) throw bad(path, `more than ${MAX_SEEN_KEYS} seen keys for one target`);
    targets[name] = m.data as TargetMemory;
  }
  return { version: WATCH_STATE_VERSION, savedAt: s.savedAt, salt: s.salt, targets, events: s.events as WatchEvent[] };
}

/** Replaces the state file atomically and durably, mode 0600. */
export function writeWatchState(path: string, state: WatchState): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    writeSync(fd, `${JSON.stringify({ ...state, savedAt: new Date().toISOString() })}\n`);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was created
    }
    throw new InputError(`cannot write state file (${(e as NodeJS.ErrnoException).code ?? 'error'})`, path);
  }
  // The rename is durable once the directory is synced; where a platform cannot, the file is still whole.
  try {
    const dfd = openSync(dirname(path), constants.O_RDONLY);
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // best effort
  }
}

/**
 * Writes the state at most every `minIntervalMs` (default 60 s) while polls go on, sooner (1 s)
 * when there are new events, so `redsec mcp --watch` sees them; save() writes at once (at exit).
 */
export class StateSaver {
  #last = 0;
  #pending = false;
  constructor(
    readonly path: string,
    readonly minIntervalMs = 60_000,
    readonly eventIntervalMs = 1000,
  ) {}

  /** True when it wrote. */
  maybeSave(state: WatchState, newEvents: boolean, now = Date.now()): boolean {
    this.#pending ||= newEvents;
    const due = now - this.#last >= (this.#pending ? this.eventIntervalMs : this.minIntervalMs);
    if (!due) return false;
    this.save(state, now);
    return true;
  }

  save(state: WatchState, now = Date.now()): void {
    writeWatchState(this.path, state);
    this.#last = now;
    this.#pending = false;
  }
}
