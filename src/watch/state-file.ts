/**
 * `redsec watch --state FILE`: the watcher's per-target state (watch-core's TargetState: small,
 * plain JSON, secret directives and passwords as digests) and the recent events, kept across a
 * restart so the watcher does not alert again on what it already saw (ACL LOG entries, drift,
 * users, reported certificates and clients, failing findings, a target already down) and keeps its
 * learned anomaly baselines. `redsec mcp --watch FILE` serves the events to an agent.
 *
 * Written 0600 through a temporary file, fsync and rename: a crash leaves the old state or the new
 * one, never half. Every string is cleaned of the watcher's credentials before it is written.
 * A file that is not one redsec wrote (corrupt, hostile, too large) is bad input: exit 2, one line.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync, constants, fstatSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { SEVERITIES } from '../report/index.js';
import { visible } from '../text/index.js';
import { isRateBaseline } from './anomaly.js';
import { WATCH_EVENT_KINDS, type WatchEvent } from './event.js';
import { scrubSecrets } from './scrub.js';

export const WATCH_STATE_VERSION = 1;
/** Recent events kept in the file (all targets together), newest last. */
export const MAX_STATE_EVENTS = 1000;
/** A state file larger than this is refused (a thousand targets, each with its CONFIG GET * and baseline, take tens of MB). */
export const MAX_STATE_BYTES = 64 * 1024 * 1024;

/** The file: per-target state (T: watch-core's TargetState) and the recent events. */
export interface WatchStateFile<T = Record<string, unknown>> {
  version: typeof WATCH_STATE_VERSION;
  /** ISO time of the write. */
  savedAt: string;
  targets: Record<string, T>;
  /** The most recent events, oldest first, at most MAX_STATE_EVENTS. */
  events: WatchEvent[];
}

export function emptyStateFile<T = Record<string, unknown>>(): WatchStateFile<T> {
  return { version: WATCH_STATE_VERSION, savedAt: new Date(0).toISOString(), targets: Object.create(null) as Record<string, T>, events: [] };
}

/** Appends events, keeping the newest MAX_STATE_EVENTS. */
export function recordEvents(file: WatchStateFile<unknown>, events: readonly WatchEvent[]): void {
  if (events.length === 0) return;
  file.events.push(...events);
  if (file.events.length > MAX_STATE_EVENTS) file.events.splice(0, file.events.length - MAX_STATE_EVENTS);
}

// ---------------------------------------------------------------- validation

/**
 * Any JSON value within bounds: depth, string length, entries. The per-target state is checked
 * field by field below where its type is known; fields a newer watcher adds pass through this.
 */
function boundedJson(v: unknown, depth = 0): boolean {
  if (depth > 8) return false;
  if (v === null || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (typeof v === 'string') return v.length <= 1024 * 1024;
  if (Array.isArray(v)) return v.length <= 100_000 && v.every((x) => boundedJson(x, depth + 1));
  if (typeof v === 'object') {
    const entries = Object.entries(v);
    return entries.length <= 100_000 && entries.every(([k, x]) => k.length <= 4096 && boundedJson(x, depth + 1));
  }
  return false;
}

const text = (max: number) => z.string().max(max);
const finite = z.number().refine(Number.isFinite);
const stringMap = z.record(text(4096), text(1024 * 1024));
const numberMap = z.record(text(4096), finite);

/** The fields of watch-core's TargetState whose types detectors rely on; others are bounded JSON. */
const targetSchema = z
  .object({
    up: z.boolean().nullable(),
    downSince: text(64).optional(),
    lastError: text(4096).optional(),
    lastPollAt: finite.optional(),
    counters: numberMap.optional(),
    commandCalls: numberMap.optional(),
    aclLog: z.object({ byId: z.boolean(), counts: numberMap }).optional(),
    config: stringMap.optional(),
    baselineConfig: stringMap.optional(),
    baselineFrom: z.enum(['plan', 'first-poll']).optional(),
    users: z.record(text(4096), z.object({ enabled: z.boolean(), rules: text(1024 * 1024), passwords: text(256), nopass: z.boolean() })).optional(),
    modules: z.array(text(4096)).optional(),
    clientsReported: z.array(text(4096)).optional(),
    nearMaxclients: z.boolean().optional(),
    certsReported: z.array(text(4096)).optional(),
    anomaly: z.record(text(64), z.unknown().refine(isRateBaseline, 'not a rate baseline')).optional(),
    audit: z.object({ at: finite, failing: z.array(text(256)) }).optional(),
  })
  .loose()
  .refine((v) => boundedJson(v), 'out of bounds');

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

const fileSchema = z.object({
  version: z.literal(WATCH_STATE_VERSION),
  savedAt: text(64),
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

/**
 * The state at `path`, or undefined when the file does not exist yet. T is the per-target state
 * type the caller keeps (watch-core's TargetState); its known fields are checked here.
 */
export function readStateFile<T = Record<string, unknown>>(path: string): WatchStateFile<T> | undefined {
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
  const parsed = fileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const version = typeof data === 'object' && data !== null && 'version' in data && (data as { version: unknown }).version !== WATCH_STATE_VERSION;
    throw bad(path, version ? `version is not ${WATCH_STATE_VERSION}` : malformed(issue?.path ?? [], issue?.code));
  }
  // Object.create(null) and JSON.parse's own keys: a target named __proto__ stays a plain key.
  const targets = Object.create(null) as Record<string, T>;
  for (const [name, value] of Object.entries((data as { targets: Record<string, unknown> }).targets)) {
    const m = targetSchema.safeParse(value);
    if (!m.success) throw bad(path, malformed(['targets', name, ...(m.error.issues[0]?.path ?? [])], m.error.issues[0]?.code));
    targets[name] = value as T;
  }
  return { version: WATCH_STATE_VERSION, savedAt: parsed.data.savedAt, targets, events: parsed.data.events as WatchEvent[] };
}

/**
 * Replaces the state file atomically and durably, mode 0600. `secrets` (the watcher's
 * credentials) are masked in every string first: a hostile server can echo them into a value.
 */
export function writeStateFile(path: string, file: WatchStateFile<unknown>, secrets: readonly (string | undefined)[] = []): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    writeSync(fd, `${JSON.stringify(scrubSecrets({ ...file, savedAt: new Date().toISOString() }, secrets))}\n`);
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
    readonly secrets: readonly (string | undefined)[] = [],
    readonly minIntervalMs = 60_000,
    readonly eventIntervalMs = 1000,
  ) {}

  /** True when it wrote. */
  maybeSave(state: WatchStateFile<unknown>, newEvents: boolean, now = Date.now()): boolean {
    this.#pending ||= newEvents;
    const due = now - this.#last >= (this.#pending ? this.eventIntervalMs : this.minIntervalMs);
    if (!due) return false;
    this.save(state, now);
    return true;
  }

  save(state: WatchStateFile<unknown>, now = Date.now()): void {
    writeStateFile(this.path, state, this.secrets);
    this.#last = now;
    this.#pending = false;
  }
}
