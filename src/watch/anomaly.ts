/**
 * Anomaly detection for a target's rates (failed auths, connections, denials, commands per second):
 * a baseline that learns each target's normal. Pure: the caller keeps the state (one small object
 * per target and metric, plain JSON, so the watch state file can hold it) and passes it back.
 *
 * - Mean: an EWMA of the rate.
 * - Deviation: an EWMA of the absolute distance from the mean (robust where a variance is not: one
 *   burst does not square into the baseline), never below a share of the mean, so a perfectly flat
 *   series does not alert on the next tiny wobble.
 * - Learning is winsorised: a sample above the threshold teaches the baseline only the threshold,
 *   so an attack does not become the new normal within a few polls, while a lasting rise still
 *   moves the mean up step by step.
 * - Warm-up: no verdict before `warmup` samples.
 * - Floor: the threshold is never below an absolute rate, so a quiet server's first failure is not
 *   an "anomaly" of infinite size.
 * Only rises alert: a rate falling to zero is not a security signal (target-down covers silence).
 */
import type { EventBaseline, WatchEvent } from './event.js';
import { visible } from '../text/index.js';

/** The learned normal of one rate, per target and metric. */
export interface RateBaseline {
  /** EWMA of the rate. */
  mean: number;
  /** EWMA of |rate - mean|. */
  deviation: number;
  /** Samples learned so far (counts to `warmup`, then stays there). */
  samples: number;
}

export interface AnomalyOptions {
  /** Weight of a new sample in the mean and the deviation, 0 < alpha <= 1 (default 0.1: about the last 20 polls). */
  alpha?: number | undefined;
  /** Samples learned before any verdict (default 20: 5 minutes at a 15 s interval). */
  warmup?: number | undefined;
  /** The threshold is mean + k x deviation (default 5). */
  k?: number | undefined;
  /** The deviation is never taken below this share of the mean (default 0.1). */
  minRelativeDeviation?: number | undefined;
  /** The threshold is never below this rate (per second; default 1). */
  floor?: number | undefined;
}

/** What one sample was judged: observed against expected, and the line drawn. */
export interface AnomalyVerdict extends EventBaseline {
  deviation: number;
  /** Still learning (fewer than `warmup` samples before this one): never anomalous. */
  warmingUp: boolean;
  anomalous: boolean;
}

export interface Observation {
  baseline: RateBaseline;
  /** Undefined when the sample was not a usable rate (negative, NaN, infinite): the baseline is unchanged. */
  verdict?: AnomalyVerdict | undefined;
}

/** The rates the watcher learns, with a floor each (per second). */
export const ANOMALY_METRICS = {
  /** ACL LOG auth entries (or acl_access_denied_auth) per second. */
  auth_failures: { floor: 1, what: 'failed authentications' },
  /** ACL LOG command/key/channel entries per second. */
  acl_denied: { floor: 1, what: 'permission denials' },
  /** total_connections_received per second. */
  connections: { floor: 5, what: 'new connections' },
  /** rejected_connections per second. */
  rejected_connections: { floor: 0.5, what: 'rejected connections' },
  /** total_commands_processed per second. */
  commands: { floor: 1000, what: 'commands' },
} as const satisfies Record<string, { floor: number; what: string }>;
export type AnomalyMetric = keyof typeof ANOMALY_METRICS;

const DEFAULTS = { alpha: 0.1, warmup: 20, k: 5, minRelativeDeviation: 0.1, floor: 1 };

function settings(opts: AnomalyOptions | undefined): typeof DEFAULTS {
  const s = {
    alpha: opts?.alpha ?? DEFAULTS.alpha,
    warmup: opts?.warmup ?? DEFAULTS.warmup,
    k: opts?.k ?? DEFAULTS.k,
    minRelativeDeviation: opts?.minRelativeDeviation ?? DEFAULTS.minRelativeDeviation,
    floor: opts?.floor ?? DEFAULTS.floor,
  };
  if (!(s.alpha > 0 && s.alpha <= 1)) throw new RangeError('anomaly alpha must be in (0, 1]');
  if (!(Number.isInteger(s.warmup) && s.warmup >= 1)) throw new RangeError('anomaly warmup must be a whole number >= 1');
  if (!(s.k > 0 && Number.isFinite(s.k))) throw new RangeError('anomaly k must be positive');
  if (!(s.minRelativeDeviation >= 0 && Number.isFinite(s.minRelativeDeviation))) throw new RangeError('anomaly minRelativeDeviation must be >= 0');
  if (!(s.floor >= 0 && Number.isFinite(s.floor))) throw new RangeError('anomaly floor must be >= 0');
  return s;
}

export function emptyBaseline(): RateBaseline {
  return { mean: 0, deviation: 0, samples: 0 };
}

/** A baseline read back from a state file is trusted only if it is one this module could have made. */
export function isRateBaseline(v: unknown): v is RateBaseline {
  if (typeof v !== 'object' || v === null) return false;
  const b = v as Record<string, unknown>;
  const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0;
  return finite(b.mean) && finite(b.deviation) && finite(b.samples) && Number.isInteger(b.samples);
}

/** The threshold a baseline draws: the value above which a sample is anomalous. */
export function thresholdOf(b: RateBaseline, opts?: AnomalyOptions): { threshold: number; deviation: number } {
  const s = settings(opts);
  const deviation = Math.max(b.deviation, s.minRelativeDeviation * b.mean);
  return { threshold: Math.max(s.floor, b.mean + s.k * deviation), deviation };
}

/**
 * Judges `rate` against the baseline, then learns it. The verdict explains itself: observed,
 * expected (the mean before this sample), the deviation used and the threshold.
 */
export function observe(b: RateBaseline, rate: number, opts?: AnomalyOptions): Observation {
  const s = settings(opts);
  if (!Number.isFinite(rate) || rate < 0 || !isRateBaseline(b)) return { baseline: b };
  const { threshold, deviation } = thresholdOf(b, opts);
  const warmingUp = b.samples < s.warmup;
  const anomalous = !warmingUp && rate > threshold;
  // Winsorised learning after warm-up: the burst teaches only up to the threshold.
  const learned = warmingUp ? rate : Math.min(rate, threshold);
  // The first sample is the mean itself (an EWMA started at 0 would read a busy server's first
  // minutes as rises).
  const mean = b.samples === 0 ? learned : b.mean + s.alpha * (learned - b.mean);
  const dev = b.samples === 0 ? 0 : b.deviation + s.alpha * (Math.abs(learned - b.mean) - b.deviation);
  return {
    baseline: { mean, deviation: dev, samples: Math.min(b.samples + 1, s.warmup) },
    verdict: { observed: rate, expected: b.mean, deviation, threshold, warmingUp, anomalous },
  };
}

/**
 * A counter's rate per second between two polls; undefined when it went down (the server
 * restarted or CONFIG RESETSTAT ran) or no time passed: such a sample is skipped, not learned as 0.
 */
export function counterRate(previous: number | undefined, current: number | undefined, seconds: number): number | undefined {
  if (previous === undefined || current === undefined) return undefined;
  if (!Number.isFinite(previous) || !Number.isFinite(current) || current < previous) return undefined;
  if (!(seconds > 0) || !Number.isFinite(seconds)) return undefined;
  return (current - previous) / seconds;
}

/** Per target: one baseline per metric. */
export type AnomalyState = Partial<Record<AnomalyMetric, RateBaseline>>;

/**
 * Observes every rate given for one target (each with its metric's floor unless opts sets one)
 * and returns the new state and the anomaly events, one per metric above its threshold.
 */
export function detectAnomalies(
  target: string,
  state: AnomalyState,
  rates: Partial<Record<AnomalyMetric, number | undefined>>,
  time: Date,
  opts?: AnomalyOptions,
): { state: AnomalyState; events: WatchEvent[] } {
  const next: AnomalyState = { ...state };
  const events: WatchEvent[] = [];
  for (const metric of Object.keys(ANOMALY_METRICS) as AnomalyMetric[]) {
    const rate = rates[metric];
    if (rate === undefined) continue;
    const o = observe(state[metric] ?? emptyBaseline(), rate, { ...opts, floor: opts?.floor ?? ANOMALY_METRICS[metric].floor });
    next[metric] = o.baseline;
    if (o.verdict?.anomalous) events.push(anomalyEvent(target, metric, o.verdict, time));
  }
  return { state: next, events };
}

/** Two significant decimals are enough for a person; the event's baseline keeps full values. */
function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(n >= 100 ? 0 : 2);
}

/** The event for an anomalous verdict, explained with observed, expected and threshold. */
export function anomalyEvent(target: string, metric: AnomalyMetric, v: AnomalyVerdict, time: Date): WatchEvent {
  const what = ANOMALY_METRICS[metric].what;
  // Failed auths and denials far above normal point at an attack; the others at load or a flood.
  const severity = metric === 'auth_failures' || metric === 'acl_denied' ? 'high' : 'medium';
  return {
    time: time.toISOString(),
    target,
    kind: 'anomaly',
    severity,
    summary: `${what} at ${fmt(v.observed)}/s, normal ${fmt(v.expected)}/s, threshold ${fmt(v.threshold)}/s`,
    evidence: { metric, unit: 'per_second' },
    baseline: { observed: v.observed, expected: v.expected, deviation: v.deviation, threshold: v.threshold },
    investigate: `redsec audit ${visible(target)}`,
  };
}
