/**
 * `redsec watch --state FILE`: the watcher's per-target state (target-state.ts: small, secret-free)
 * and the recent events, in the state file of state-file.ts. A restarted watcher resumes from it,
 * so it reports what changed while it was stopped and nothing it already reported. Counters that
 * grow with time (connections, commands) start afresh: what arrived meanwhile is no spike.
 */
import type { WatchEvent } from './event.js';
import { StateSaver, emptyStateFile, readStateFile, recordEvents, type WatchStateFile } from './state-file.js';
import type { TargetState, TargetStates } from './target-state.js';

export class WatchPersistence {
  readonly #file: WatchStateFile<TargetState>;
  readonly #saver: StateSaver;

  /** Reads the file (a corrupt one is InputError: exit 2); a missing file starts empty. */
  constructor(path: string, secrets: readonly (string | undefined)[] = []) {
    this.#file = readStateFile<TargetState>(path) ?? emptyStateFile<TargetState>();
    this.#saver = new StateSaver(path, secrets);
  }

  /** The states to resume from, for the Watcher's initialState. */
  initialState(): TargetStates {
    const out: TargetStates = Object.create(null) as TargetStates;
    for (const [name, s] of Object.entries(this.#file.targets)) {
      const counters = { ...s.counters };
      delete counters['total_connections_received'];
      delete counters['total_commands_processed'];
      out[name] = { ...s, counters };
    }
    return out;
  }

  /** After each poll: the target's state and its events; written when StateSaver says so. */
  record(name: string, state: TargetState, events: readonly WatchEvent[]): void {
    this.#file.targets[name] = state;
    recordEvents(this.#file, events);
    this.#saver.maybeSave(this.#file, events.length > 0);
  }

  /** Writes now (at exit). */
  save(): void {
    this.#saver.save(this.#file);
  }
}
