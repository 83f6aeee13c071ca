/**
 * The embedded watcher: each target polled on its own fixed schedule (first polls spread over one
 * interval, so a fleet does not poll all at once), at most `concurrency` polls at a time, each poll
 * judged by the detectors and its events handed to the sinks. A target that stops answering is
 * reported down once and polled on; it is reported up when it answers again. A poll still running
 * at its next tick makes that tick skipped, never queued: the schedule does not drift or pile up.
 * Sinks (text, JSON Lines, webhook, MCP's recent events, a state file) plug in through EventSink.
 */
import type { Finding } from '../report/types.js';
import type { Credentials, Target } from '../resp/index.js';
import type { ConnectionSettings } from '../audit/collect-target.js';
import { visible } from '../text/visible.js';
import type { WatchEvent } from './event.js';
import { pollTarget } from './poll.js';
import type { WatchSnapshot } from './snapshot.js';
import { emptyTargetState, type TargetState, type TargetStates } from './target-state.js';
import { detectFindings, detectSnapshot, makeEvent, type DetectOptions } from './detect/index.js';

/** Where events go: send() must not block (queue and return). */
export interface EventSink {
  send(event: WatchEvent): unknown;
  /** Called once when the watcher stops: flush what is queued. */
  close?(): Promise<unknown>;
}

export interface WatchTarget {
  /** The name events carry (the masked URL unless the targets file names it). */
  name: string;
  target: Target;
  credentials: Credentials;
}

export interface WatcherOptions {
  targets: readonly WatchTarget[];
  settings: ConnectionSettings;
  intervalMs: number;
  detect?: DetectOptions | undefined;
  sinks: readonly EventSink[];
  /** Re-run the audit's rules this often (0: never). */
  auditEveryMs?: number | undefined;
  /** Runs the audit of one target (the CLI passes auditTarget; kept out of here so watch/ stays light). */
  audit?: ((t: WatchTarget) => Promise<readonly Finding[]>) | undefined;
  /** State to start from (a --state file); targets not in it start empty. */
  initialState?: TargetStates | undefined;
  /** After each poll of a target, with its new state (for --state persistence). */
  onState?: ((name: string, state: TargetState) => void) | undefined;
  /** After each good poll, with its snapshot (for consumers of raw values). */
  onSnapshot?: ((name: string, snap: WatchSnapshot) => void) | undefined;
  /** After each poll: the new state, the snapshot (undefined when the poll failed) and its events. */
  onPolled?: ((name: string, state: TargetState, snap: WatchSnapshot | undefined, events: readonly WatchEvent[]) => void) | undefined;
  /** Problems that are not events (an audit that failed): one line each. */
  log?: ((line: string) => void) | undefined;
  /** Polls at once (default 64). */
  concurrency?: number | undefined;
  /** Stop after this many polls of every target (tests and one-shot runs); default: until stop(). */
  maxRounds?: number | undefined;
  /** Polls one target (default pollTarget): a seam for benches with fake endpoints. */
  poll?: ((t: WatchTarget, clients: boolean) => Promise<WatchSnapshot>) | undefined;
}

export interface WatcherStats {
  polls: number;
  failedPolls: number;
  /** Ticks skipped because the target's previous poll was still running. */
  skippedTicks: number;
  events: number;
}

export class Watcher {
  readonly #opts: WatcherOptions;
  readonly #state = new Map<string, TargetState>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #running = new Set<Promise<void>>();
  readonly #busy = new Set<string>();
  readonly #rounds = new Map<string, number>();
  readonly #stats: WatcherStats = { polls: 0, failedPolls: 0, skippedTicks: 0, events: 0 };
  #slots: number;
  readonly #waiting: (() => void)[] = [];
  #stopped = false;
  #done: (() => void) | undefined;
  readonly #finished: Promise<void>;

  constructor(opts: WatcherOptions) {
    if (!(opts.intervalMs > 0)) throw new RangeError('interval must be positive');
    this.#opts = opts;
    this.#slots = opts.concurrency ?? 64;
    for (const t of opts.targets) this.#state.set(t.name, opts.initialState?.[t.name] ?? emptyTargetState());
    this.#finished = new Promise((resolve) => (this.#done = resolve));
  }

  /** Starts the schedules; resolves when stopped (or after maxRounds). */
  run(): Promise<void> {
    const n = this.#opts.targets.length;
    const start = Date.now();
    this.#opts.targets.forEach((t, i) => {
      // Spread the first polls over one interval (the first target at once).
      const offset = n > 1 ? Math.floor((i * this.#opts.intervalMs) / n) : 0;
      this.#schedule(t, start + offset);
    });
    if (n === 0) this.#done?.();
    return this.#finished;
  }

  /** Stops scheduling, waits for polls under way, closes the sinks. */
  async stop(): Promise<void> {
    if (this.#stopped) return this.#finished;
    this.#stopped = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    await Promise.allSettled([...this.#running]);
    await Promise.allSettled(this.#opts.sinks.map((s) => s.close?.()));
    this.#done?.();
    return this.#finished;
  }

  state(): TargetStates {
    return Object.fromEntries(this.#state);
  }

  stats(): WatcherStats {
    return { ...this.#stats };
  }

  #schedule(t: WatchTarget, due: number): void {
    if (this.#stopped) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (this.#stopped) return;
      // The next tick is fixed now, from the schedule, not from when this poll ends.
      let next = due + this.#opts.intervalMs;
      const now = Date.now();
      if (next <= now) next += Math.ceil((now - next + 1) / this.#opts.intervalMs) * this.#opts.intervalMs;
      const rounds = this.#rounds.get(t.name) ?? 0;
      if (this.#busy.has(t.name)) {
        this.#stats.skippedTicks++;
        this.#schedule(t, next);
        return;
      }
      this.#rounds.set(t.name, rounds + 1);
      const last = this.#opts.maxRounds !== undefined && rounds + 1 >= this.#opts.maxRounds;
      const p = this.#pollOnce(t).finally(() => {
        this.#running.delete(p);
        this.#busy.delete(t.name);
        if (last && [...this.#rounds.values()].every((r) => r >= this.#opts.maxRounds!) && this.#rounds.size === this.#opts.targets.length && this.#running.size === 0) void this.stop();
      });
      this.#busy.add(t.name);
      this.#running.add(p);
      if (!last) this.#schedule(t, next);
    }, Math.max(0, due - Date.now()));
    this.#timers.add(timer);
  }

  async #slot(): Promise<() => void> {
    if (this.#slots > 0) this.#slots--;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    return () => {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#slots++;
    };
  }

  async #pollOnce(t: WatchTarget): Promise<void> {
    const release = await this.#slot();
    try {
      await this.#judge(t);
    } catch (e) {
      // A detector bug must not stop the watcher: said once per poll, the target stays watched.
      this.#opts.log?.(`redsec watch: ${visible(t.name)}: internal error: ${visible((e as Error)?.message ?? String(e)).slice(0, 200)}`);
    } finally {
      release();
    }
  }

  async #judge(t: WatchTarget): Promise<void> {
    const clients = (this.#opts.detect?.allowClients?.length ?? 0) > 0;
    let snap: WatchSnapshot;
    this.#stats.polls++;
    try {
      snap = await (this.#opts.poll ? this.#opts.poll(t, clients) : pollTarget(t.target, this.#opts.settings, { name: t.name, credentials: t.credentials, clients }));
    } catch (e) {
      const prev = this.#state.get(t.name) ?? emptyTargetState();
      this.#stats.failedPolls++;
      const message = visible(((e as Error)?.message ?? String(e)).split('\n')[0] ?? '').slice(0, 300);
      const code = (e as { code?: unknown })?.code;
      const next: TargetState = { ...prev, up: false, lastError: message, downSince: prev.up === false ? prev.downSince : new Date().toISOString() };
      const events =
        prev.up !== false ? [makeEvent({ target: t.name, at: Date.now() }, 'target-down', 'high', `not answering: ${message}`, { error: typeof code === 'string' ? code : null, message })] : [];
      this.#commit(t.name, next, undefined, events);
      this.#emit(events);
      return;
    }
    let prev = this.#state.get(t.name) ?? emptyTargetState();
    if (prev.up === false) {
      // Connections and commands counted while the target could not be polled (clients
      // reconnecting after an outage) are no spike: those counters start afresh.
      const counters = { ...prev.counters };
      delete counters['total_connections_received'];
      delete counters['total_commands_processed'];
      prev = { ...prev, counters };
    }
    const { state, events } = detectSnapshot(prev, snap, this.#opts.detect);
    if (prev.up === false) {
      const since = prev.downSince ? Date.parse(prev.downSince) : NaN;
      const downFor = Number.isFinite(since) ? Math.round((snap.at - since) / 1000) : null;
      events.unshift(makeEvent(snap, 'target-up', 'info', `answers again${downFor !== null ? ` after ${downFor} s down` : ''}`, { down_seconds: downFor }));
    }
    let next = state;
    const every = this.#opts.auditEveryMs ?? 0;
    if (this.#opts.audit && every > 0 && (!prev.audit || snap.at - prev.audit.at >= every)) {
      try {
        const findings = await this.#opts.audit(t);
        const f = detectFindings(next, findings, snap.at, t.name);
        next = { ...next, ...f.state };
        events.push(...f.events);
        // The audit's own connections and commands are not the server's traffic: the next poll
        // measures those counters afresh.
        const counters = { ...next.counters };
        delete counters['total_connections_received'];
        delete counters['total_commands_processed'];
        next = { ...next, counters };
      } catch (e) {
        this.#opts.log?.(`redsec watch: ${visible(t.name)}: audit failed: ${visible(((e as Error)?.message ?? String(e)).split('\n')[0] ?? '').slice(0, 300)}`);
      }
    }
    this.#commit(t.name, next, snap, events);
    this.#opts.onSnapshot?.(t.name, snap);
    this.#emit(events);
  }

  #commit(name: string, state: TargetState, snap: WatchSnapshot | undefined, events: readonly WatchEvent[]): void {
    this.#state.set(name, state);
    this.#opts.onState?.(name, state);
    this.#opts.onPolled?.(name, state, snap, events);
  }

  #emit(events: readonly WatchEvent[]): void {
    for (const e of events) {
      this.#stats.events++;
      for (const s of this.#opts.sinks) s.send(e);
    }
  }
}
