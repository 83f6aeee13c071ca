/**
 * `redsec watch --state FILE`: the watcher's per-target state kept in the state file of state.ts
 * (stored snapshots with secrets digested, reachability, anomaly baselines, the last audit's
 * failing rules, conditions already reported, the recent events MCP `watch_events` serves).
 * After a restart a target's state is rebuilt from its stored last poll, made comparable with the
 * live one (restoreSnapshot), so only what changed while the watcher was stopped is reported.
 */
import type { WatchEvent } from './event.js';
import type { WatchSnapshot } from './snapshot.js';
import { StateSaver, emptyState, markSeen, readWatchState, recordEvents, rememberSnapshot, restoreSnapshot, type TargetMemory, type WatchState } from './state.js';
import { configForState, emptyTargetState, type TargetState } from './target-state.js';
import { detectSnapshot, type DetectOptions } from './detect/index.js';

/** Seen-key prefixes for what target-state keeps as "already reported". */
const CLIENT = 'client:';
const CERT = 'cert:';
const MAXCLIENTS = 'near-maxclients';

export class WatchPersistence {
  readonly #file: WatchState;
  readonly #saver: StateSaver;

  /** Reads the file (exit 2 on a corrupt one, through InputError); a missing file starts empty. */
  constructor(path: string, saveEveryMs?: number) {
    this.#file = readWatchState(path) ?? emptyState();
    this.#saver = new StateSaver(path, saveEveryMs);
  }

  /** The stored memory of a target, if any. */
  has(name: string): boolean {
    return Object.hasOwn(this.#file.targets, name);
  }

  /**
   * The state a target resumes with at its first poll: from the stored last poll made comparable
   * with `live` (undefined when that first poll failed: then reachability, baselines and the audit
   * only). The counters that grow with time (connections, commands) start afresh: what arrived
   * while the watcher was stopped is no spike.
   */
  restore(name: string, live: WatchSnapshot | undefined, opts: DetectOptions = {}): TargetState | undefined {
    const mem = Object.hasOwn(this.#file.targets, name) ? this.#file.targets[name] : undefined;
    if (!mem) return undefined;
    let state: TargetState = emptyTargetState();
    if (live && mem.previous) {
      const previous = restoreSnapshot(mem.previous, live, this.#file.salt);
      // Learn only: the events of replaying the stored poll were reported before the restart.
      state = detectSnapshot(emptyTargetState(), previous, { ...opts, anomaly: false }).state;
      const counters = { ...state.counters };
      delete counters['total_connections_received'];
      delete counters['total_commands_processed'];
      state.counters = counters;
      if (mem.baseline && !opts.planConfig) {
        const base = restoreSnapshot(mem.baseline, live, this.#file.salt);
        if (base.config.known) state.baselineConfig = configForState(base.config.value);
      }
    }
    state.up = mem.up ?? state.up;
    if (mem.up === false && mem.since !== undefined) state.downSince = new Date(mem.since).toISOString();
    if (mem.anomaly) state.anomaly = mem.anomaly;
    if (mem.failing && mem.auditedAt !== undefined) state.audit = { at: mem.auditedAt, failing: [...mem.failing] };
    const seen = Object.keys(mem.seen ?? {});
    state.clientsReported = seen.filter((k) => k.startsWith(CLIENT)).map((k) => k.slice(CLIENT.length));
    state.certsReported = seen.filter((k) => k.startsWith(CERT)).map((k) => k.slice(CERT.length));
    state.nearMaxclients = seen.includes(MAXCLIENTS);
    return state;
  }

  /** After each poll: the target's memory and the new events; written when StateSaver says so. */
  record(name: string, state: TargetState, snap: WatchSnapshot | undefined, events: readonly WatchEvent[]): void {
    const mem: TargetMemory = Object.hasOwn(this.#file.targets, name) ? this.#file.targets[name]! : {};
    if (snap) {
      mem.previous = rememberSnapshot(snap, this.#file.salt);
      mem.baseline ??= mem.previous;
    }
    if (state.up !== null) mem.up = state.up;
    mem.since = state.up === false && state.downSince ? Date.parse(state.downSince) : state.lastPollAt;
    if (state.anomaly) mem.anomaly = state.anomaly;
    if (state.audit) {
      mem.failing = [...state.audit.failing];
      mem.auditedAt = state.audit.at;
    }
    mem.seen = {};
    const at = state.lastPollAt ?? Date.now();
    for (const h of state.clientsReported ?? []) markSeen(mem, `${CLIENT}${h}`, at);
    for (const c of state.certsReported ?? []) markSeen(mem, `${CERT}${c}`, at);
    if (state.nearMaxclients) markSeen(mem, MAXCLIENTS, at);
    this.#file.targets[name] = mem;
    recordEvents(this.#file, events);
    this.#saver.maybeSave(this.#file, events.length > 0);
  }

  /** Writes now (at exit). */
  save(): void {
    this.#saver.save(this.#file);
  }
}
