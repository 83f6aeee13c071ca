/**
 * The exporter's targets and what it remembers of each: one poll per scrape (watch's snapshot, the
 * audit's read-only allowlist), joined when scrapes overlap so two Prometheus servers never double
 * the load, and the full audit every `auditEveryMs` for findings and the level (it costs more
 * round trips than a poll, so it runs rarely and the scrapes in between serve its last result).
 */
import { TargetError } from '../errors.js';
import type { Report } from '../report/types.js';
import type { Target } from '../resp/index.js';
import type { WatchSnapshot } from '../watch/snapshot.js';
import { mapPool } from '../audit/pool.js';
import { newTargetState, observe, type ObserveOptions, type TargetState } from './observe.js';
import type { TargetResult } from './families.js';

export interface ExporterTarget {
  /** The target label and the name /scrape?target= takes. */
  name: string;
  target: Target;
}

export interface CollectorOptions extends ObserveOptions {
  poll: (t: ExporterTarget) => Promise<WatchSnapshot>;
  audit: (t: ExporterTarget) => Promise<Report>;
  auditEveryMs: number;
  /** Audits running at once across all targets (default 4): a big list's first scrape must not audit it all at once. */
  auditConcurrency?: number | undefined;
  /**
   * How long a target's first scrape waits for its first audit (default 5 s); past that the scrape
   * answers without findings and level, which follow once the audit is done.
   */
  firstAuditWaitMs?: number | undefined;
  /** Targets polled at once by /metrics. */
  concurrency: number;
  now?: () => number;
}

/** A failed audit is retried sooner than the next regular one, but not on every scrape. */
const AUDIT_RETRY_MS = 60_000;

interface Slot {
  entry: ExporterTarget;
  state: TargetState;
  inflight?: Promise<TargetResult> | undefined;
  audit?: { report: Report; at: number } | undefined;
  auditRunning?: Promise<void> | undefined;
  nextAuditAt: number;
}

export class Collector {
  private readonly slots = new Map<string, Slot>();
  private auditsRunning = 0;
  private readonly auditQueue: (() => void)[] = [];

  constructor(
    targets: readonly ExporterTarget[],
    private readonly opts: CollectorOptions,
  ) {
    for (const entry of targets) this.slots.set(entry.name, { entry, state: newTargetState(), nextAuditAt: 0 });
  }

  get names(): string[] {
    return [...this.slots.keys()];
  }

  has(name: string): boolean {
    return this.slots.has(name);
  }

  /** Every target, polled with bounded concurrency, in list order. */
  collectAll(): Promise<TargetResult[]> {
    return mapPool([...this.slots.values()], this.opts.concurrency, (slot) => this.collectSlot(slot));
  }

  /** One target by name from the list; undefined for a name that is not in it. */
  collect(name: string): Promise<TargetResult> | undefined {
    const slot = this.slots.get(name);
    return slot ? this.collectSlot(slot) : undefined;
  }

  private collectSlot(slot: Slot): Promise<TargetResult> {
    slot.inflight ??= this.scrape(slot).finally(() => {
      slot.inflight = undefined;
    });
    return slot.inflight;
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  private async scrape(slot: Slot): Promise<TargetResult> {
    const started = performance.now();
    let snap: WatchSnapshot;
    try {
      snap = await this.opts.poll(slot.entry);
    } catch (e) {
      // Unreachable, refused AUTH, TLS failure, a reply past its deadline or a reply too large (resp/'s
      // ConnectionError is a TargetError): down, said by redsec_up. Anything else is a bug or bad
      // input and must not hide as "down".
      if (!(e instanceof TargetError)) throw e;
      return { target: slot.entry.name, up: false, durationSeconds: (performance.now() - started) / 1000 };
    }
    const observation = observe(slot.state, snap, this.opts);
    if (this.now() >= slot.nextAuditAt && !slot.auditRunning) slot.auditRunning = this.runAudit(slot);
    // Only the first audit is waited for, and only so long; later ones refresh in the background.
    if (!slot.audit && slot.auditRunning) {
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((r) => (timer = setTimeout(r, this.opts.firstAuditWaitMs ?? 5000)));
      await Promise.race([slot.auditRunning, bound]);
      clearTimeout(timer);
    }
    return { target: slot.entry.name, up: true, durationSeconds: (performance.now() - started) / 1000, observation, audit: slot.audit };
  }

  private async runAudit(slot: Slot): Promise<void> {
    // A finishing audit hands its place straight to the next one waiting.
    if (this.auditsRunning >= (this.opts.auditConcurrency ?? 4)) await new Promise<void>((r) => this.auditQueue.push(r));
    else this.auditsRunning++;
    try {
      const report = await this.opts.audit(slot.entry);
      if (report.level_achieved !== null) slot.audit = { report, at: this.now() };
      slot.nextAuditAt = this.now() + this.opts.auditEveryMs;
    } catch {
      // Never thrown onward: the audit runs in the background and its last good result stays
      // served (with redsec_audit_timestamp_seconds saying how old it is).
      slot.nextAuditAt = this.now() + Math.min(this.opts.auditEveryMs, AUDIT_RETRY_MS);
    } finally {
      slot.auditRunning = undefined;
      const next = this.auditQueue.shift();
      if (next) next();
      else this.auditsRunning--;
    }
  }
}
