import { describe, expect, it } from 'vitest';
import { TargetError } from '../errors.js';
import { known } from '../facts/types.js';
import { parseTarget } from '../resp/index.js';
import type { Report } from '../report/types.js';
import type { WatchSnapshot } from '../watch/snapshot.js';
import { Collector, type CollectorOptions, type ExporterTarget } from './collector.js';

const entry = (port: number): ExporterTarget => ({ name: `redis://127.0.0.1:${port}`, target: parseTarget(`127.0.0.1:${port}`) });
const snap = (): WatchSnapshot => ({
  target: 't', at: 0, durationMs: 1, commandsSent: 10, version: '7.0.15', versionId: '7.0',
  info: known({}), config: known({}), users: known([]), aclLog: known([]), modules: known([]), certificates: [],
});
const report = (level: 0 | 1 | 2 | 3 | 4 | null): Report => ({ level_achieved: level, findings: [], summary: { unknown: 0 } } as unknown as Report);
const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

function options(over: Partial<CollectorOptions> = {}): CollectorOptions {
  return { poll: async () => snap(), audit: async () => report(2), auditEveryMs: 60_000, concurrency: 4, labelUsers: 0, ...over };
}

describe('Collector', () => {
  it('joins overlapping scrapes of one target into one poll', async () => {
    let polls = 0;
    const c = new Collector([entry(1)], options({ poll: async () => (polls++, await tick(20), snap()) }));
    const [x, y] = await Promise.all([c.collect('redis://127.0.0.1:1'), c.collect('redis://127.0.0.1:1')]);
    expect(polls).toBe(1);
    expect(x).toBe(y);
    await c.collect('redis://127.0.0.1:1');
    expect(polls).toBe(2);
  });

  it('knows only its own names', () => {
    const c = new Collector([entry(1)], options());
    expect(c.collect('redis://127.0.0.1:2')).toBeUndefined();
    expect(c.names).toEqual(['redis://127.0.0.1:1']);
  });

  it('reports a target error as down, and lets anything else through', async () => {
    const down = new Collector([entry(1)], options({ poll: async () => { throw new TargetError('CONNREFUSED', 'refused'); } }));
    expect(await down.collect('redis://127.0.0.1:1')).toMatchObject({ up: false });
    const bug = new Collector([entry(1)], options({ poll: async () => { throw new TypeError('bug'); } }));
    await expect(bug.collect('redis://127.0.0.1:1')).rejects.toThrow(TypeError);
  });

  it('audits on the first scrape and again after auditEveryMs, serving the last result in between', async () => {
    let now = 0;
    let audits = 0;
    const c = new Collector([entry(1)], options({ now: () => now, audit: async () => report((++audits % 5) as 1) }));
    expect((await c.collect('redis://127.0.0.1:1'))?.audit?.report.level_achieved).toBe(1);
    now = 59_000;
    expect((await c.collect('redis://127.0.0.1:1'))?.audit?.report.level_achieved).toBe(1);
    now = 60_000;
    await c.collect('redis://127.0.0.1:1');
    await tick();
    expect(audits).toBe(2);
    expect((await c.collect('redis://127.0.0.1:1'))?.audit?.report.level_achieved).toBe(2);
  });

  it('a failed audit is retried later without failing the scrape', async () => {
    let now = 0;
    let audits = 0;
    const c = new Collector([entry(1)], options({ now: () => now, audit: async () => { audits++; throw new Error('anything'); } }));
    expect(await c.collect('redis://127.0.0.1:1')).toMatchObject({ up: true, audit: undefined });
    await c.collect('redis://127.0.0.1:1');
    expect(audits).toBe(1);
    now = 60_000;
    await c.collect('redis://127.0.0.1:1');
    expect(audits).toBe(2);
  });

  it('bounds audits running at once and how long a first scrape waits for one', async () => {
    let running = 0;
    let most = 0;
    const slowAudit = async () => {
      most = Math.max(most, ++running);
      await tick(200);
      running--;
      return report(3);
    };
    const c = new Collector([1, 2, 3, 4, 5, 6].map(entry), options({ audit: slowAudit, auditConcurrency: 2, firstAuditWaitMs: 50, concurrency: 6 }));
    const first = await c.collectAll();
    expect(first.every((r) => r.up && r.audit === undefined)).toBe(true);
    await tick(800);
    expect(most).toBe(2);
    expect((await c.collectAll()).every((r) => r.audit?.report.level_achieved === 3)).toBe(true);
  });
});
