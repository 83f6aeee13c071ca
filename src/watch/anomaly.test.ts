import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WATCH_EVENT_KINDS } from './event.js';
import {
  ANOMALY_METRICS,
  counterRate,
  detectAnomalies,
  emptyBaseline,
  isRateBaseline,
  observe,
  thresholdOf,
  type AnomalyOptions,
  type RateBaseline,
} from './anomaly.js';

const RUNS = { numRuns: 200, seed: 15 };

/** Feeds a series; returns the last baseline and every verdict. */
function run(series: readonly number[], opts?: AnomalyOptions): { baseline: RateBaseline; anomalies: number[] } {
  let b = emptyBaseline();
  const anomalies: number[] = [];
  series.forEach((x, i) => {
    const o = observe(b, x, opts);
    b = o.baseline;
    if (o.verdict?.anomalous) anomalies.push(i);
  });
  return { baseline: b, anomalies };
}

const level = fc.double({ min: 0, max: 1e6, noNaN: true });
const opts = fc.record({
  alpha: fc.double({ min: 0.01, max: 1, noNaN: true }),
  warmup: fc.integer({ min: 1, max: 30 }),
  k: fc.double({ min: 1, max: 10, noNaN: true }),
  floor: fc.double({ min: 0, max: 100, noNaN: true }),
});

describe('anomaly: properties', () => {
  it('never alerts while warming up', () => {
    fc.assert(
      fc.property(fc.array(level, { minLength: 1, maxLength: 30 }), opts, (series, o) => {
        const { anomalies } = run(series, o);
        expect(anomalies.every((i) => i >= o.warmup)).toBe(true);
      }),
      RUNS,
    );
  });

  it('never alerts at or below the absolute floor', () => {
    fc.assert(
      fc.property(opts, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 60 }), (o, shares) => {
        // Every value within [0, floor]: a quiet server's first failures.
        const { anomalies } = run(
          shares.map((s) => s * o.floor),
          o,
        );
        expect(anomalies).toEqual([]);
      }),
      RUNS,
    );
  });

  it('a steady series (within +-20% of its level) never alerts, whatever its level', () => {
    fc.assert(
      fc.property(level, fc.array(fc.double({ min: -0.2, max: 0.2, noNaN: true }), { minLength: 1, maxLength: 80 }), (c, noise) => {
        const { anomalies } = run(noise.map((n) => c * (1 + n)));
        expect(anomalies).toEqual([]);
      }),
      RUNS,
    );
  });

  it('after warm-up on a steady series, a spike above 4x its level and above the floor alerts', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e5, noNaN: true }),
        fc.array(fc.double({ min: -0.2, max: 0.2, noNaN: true }), { minLength: 20, maxLength: 60 }),
        fc.double({ min: 4.01, max: 100, noNaN: true }),
        (c, noise, factor) => {
          const series = noise.map((n) => c * (1 + n));
          const spike = Math.max(1.01, c * 1.2 * factor);
          const { anomalies } = run([...series, spike]);
          expect(anomalies).toEqual([series.length]);
        },
      ),
      RUNS,
    );
  });

  it('the verdict explains itself: threshold = max(floor, expected + k x deviation), anomalous = ready and above it', () => {
    fc.assert(
      fc.property(fc.array(level, { minLength: 1, maxLength: 40 }), opts, (series, o) => {
        let b = emptyBaseline();
        for (const x of series) {
          const before = b;
          const { baseline, verdict } = observe(b, x, o);
          expect(verdict).toBeDefined();
          if (!verdict) return;
          expect(verdict.observed).toBe(x);
          expect(verdict.expected).toBe(before.mean);
          expect(verdict.deviation).toBeGreaterThanOrEqual(0.1 * before.mean);
          expect(verdict.threshold).toBe(Math.max(o.floor, before.mean + o.k * verdict.deviation));
          expect(verdict.threshold).toBe(thresholdOf(before, o).threshold);
          expect(verdict.anomalous).toBe(!verdict.warmingUp && x > verdict.threshold);
          expect(verdict.warmingUp).toBe(before.samples < o.warmup);
          expect(isRateBaseline(baseline)).toBe(true);
          b = baseline;
        }
      }),
      { ...RUNS, numRuns: 80 },
    );
  });

  it('unusable samples (negative, NaN, infinite) change nothing and judge nothing', () => {
    fc.assert(
      fc.property(
        fc.array(level, { maxLength: 30 }),
        fc.constantFrom(-1, -1e-9, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
        (series, badValue) => {
          const { baseline } = run(series);
          const o = observe(baseline, badValue);
          expect(o.verdict).toBeUndefined();
          expect(o.baseline).toEqual(baseline);
        },
      ),
      RUNS,
    );
  });

  it('a baseline survives a JSON round trip (the state file) with identical verdicts after', () => {
    fc.assert(
      fc.property(fc.array(level, { maxLength: 40 }), fc.array(level, { minLength: 1, maxLength: 20 }), (before, after) => {
        const { baseline } = run(before);
        let a = baseline;
        let b = JSON.parse(JSON.stringify(baseline)) as RateBaseline;
        for (const x of after) {
          const oa = observe(a, x);
          const ob = observe(b, x);
          expect(ob).toEqual(oa);
          a = oa.baseline;
          b = ob.baseline;
        }
      }),
      RUNS,
    );
  });

  it('a sustained attack is alerted on for many polls: the burst teaches the baseline only up to the threshold', () => {
    const quiet = Array.from({ length: 30 }, () => 0.1);
    const { anomalies } = run([...quiet, ...Array.from({ length: 10 }, () => 50)]);
    // Winsorised learning: ten polls at 50/s against a 0.1/s normal all stay anomalous.
    expect(anomalies).toEqual([30, 31, 32, 33, 34, 35, 36, 37, 38, 39]);
  });

  it('a lasting rise becomes the new normal eventually', () => {
    const { anomalies } = run([...Array.from({ length: 30 }, () => 100), ...Array.from({ length: 200 }, () => 400)]);
    expect(anomalies.length).toBeGreaterThan(0);
    expect(anomalies.at(-1)).toBeLessThan(229);
    expect(anomalies.includes(229)).toBe(false);
  });
});

describe('anomaly: rates and events', () => {
  it('counterRate skips resets and zero time instead of learning a zero', () => {
    expect(counterRate(10, 40, 15)).toBe(2);
    expect(counterRate(40, 10, 15)).toBeUndefined();
    expect(counterRate(undefined, 10, 15)).toBeUndefined();
    expect(counterRate(10, 20, 0)).toBeUndefined();
    expect(counterRate(10, Number.NaN, 1)).toBeUndefined();
  });

  it('detectAnomalies uses each metric floor and explains the event with observed, expected and threshold', () => {
    let state = {};
    const t = new Date('2026-01-01T00:00:00Z');
    for (let i = 0; i < 20; i++) state = detectAnomalies('prod', state, { auth_failures: 0, connections: 2 }, t).state;
    // 4/s of new connections: below the connection floor (5/s), not an anomaly.
    const calm = detectAnomalies('prod', state, { auth_failures: 0, connections: 4 }, t);
    expect(calm.events).toEqual([]);
    const r = detectAnomalies('prod', calm.state, { auth_failures: 25, connections: 2 }, t);
    expect(r.events).toHaveLength(1);
    const e = r.events[0]!;
    expect(WATCH_EVENT_KINDS).toContain(e.kind);
    expect(e).toMatchObject({ kind: 'anomaly', target: 'prod', severity: 'high', time: '2026-01-01T00:00:00.000Z', evidence: { metric: 'auth_failures' } });
    expect(e.baseline).toEqual({ observed: 25, expected: 0, deviation: 0, threshold: ANOMALY_METRICS.auth_failures.floor });
    expect(e.summary).toBe('failed authentications at 25/s, normal 0/s, threshold 1/s');
  });

  it('a hostile target name cannot put control characters into the event text', () => {
    let state = {};
    const t = new Date(0);
    for (let i = 0; i < 20; i++) state = detectAnomalies('x\u001b[2Jy', state, { acl_denied: 0 }, t).state;
    const e = detectAnomalies('x\u001b[2Jy', state, { acl_denied: 9 }, t).events[0]!;
    expect(e.investigate).not.toMatch(/\u001b/);
  });

  it('rejects settings that would make the threshold meaningless', () => {
    expect(() => observe(emptyBaseline(), 1, { alpha: 0 })).toThrow(RangeError);
    expect(() => observe(emptyBaseline(), 1, { warmup: 0 })).toThrow(RangeError);
    expect(() => observe(emptyBaseline(), 1, { k: -1 })).toThrow(RangeError);
    expect(() => observe(emptyBaseline(), 1, { floor: Number.NaN })).toThrow(RangeError);
  });
});
