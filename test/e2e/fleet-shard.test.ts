/**
 * A fleet of 60 loopback targets audited once in one process and once as 4 shards merged with
 * `redsec report merge`: the shards partition the fleet and the merged report is the single
 * process's (apart from timings). The targets are real redis-server processes, each reachable
 * under many loopback addresses (127.0.0.x are distinct targets to redsec), plus closed ports.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/ports.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { cli } from '../helpers/run-cli.js';
import { REPORT_FORMATS } from '../../src/report/render.js';
import type { Report } from '../../src/report/types.js';

const ADDRESSES = 14;
const SHARDS = 4;
// Four servers that audit differently: one that needs a password redsec is not given (not audited).
const CONFIGS = ['', 'protected-mode no\nuser default on nopass ~* &* +@all', 'requirepass fleet-secret-3b9d\n', 'timeout 0\nmaxclients 100'];

/** The report without what legitimately differs between two runs: when they happened. */
function withoutTimes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTimes);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => !/_at$|^(start|end)TimeUtc$/.test(k)).map(([k, v]) => [k, withoutTimes(v)]));
  }
  return value;
}

/** A rendered report without its timestamps and durations (the shards ran at other times than the whole). */
const timesOut = (text: string): string => text.replace(/\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?( UTC|Z)?/g, 'TIME').replace(/\\?\(\d+\.\d s\\?\)|time="[\d.]+"/g, 'DURATION');

describe('a fleet of 60 split 4 ways and merged', () => {
  const dir = mkdtempSync(join(tmpdir(), 'redsec-fleet-'));
  const servers: RedisServer[] = [];
  let fleet: string[] = [];
  const fleetFile = join(dir, 'fleet.txt');

  beforeAll(async () => {
    const bind = Array.from({ length: ADDRESSES }, (_, i) => `127.0.0.${i + 1}`).join(' ');
    servers.push(...(await Promise.all(CONFIGS.map((config) => startRedis({ config, overrides: { bind } })))));
    const closed = await Promise.all(Array.from({ length: 4 }, () => freePort()));
    fleet = [
      ...servers.flatMap((s) => Array.from({ length: ADDRESSES }, (_, i) => `redis://127.0.0.${i + 1}:${s.port}`)),
      ...closed.map((p) => `127.0.0.1:${p}`),
    ];
    writeFileSync(fleetFile, `# 60 targets\n${fleet.join('\n')}\n`);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('the shards partition the fleet and their merge is the single-process report', async () => {
    expect(fleet).toHaveLength(60);
    const whole = await cli(['audit', '--targets', fleetFile, '--format', 'json', '--timeout', '20000']);
    expect(whole.code, whole.stderr).toBe(3); // unreachable and password-protected targets
    const single = JSON.parse(whole.stdout) as Report[];
    expect(single.map((r) => r.target)).toEqual(fleet.map((u) => (u.startsWith('redis://') ? u : `redis://${u}`)));
    expect(single.filter((r) => r.error)).toHaveLength(ADDRESSES + 4);
    expect(single.filter((r) => !r.error && r.findings.length > 0)).toHaveLength(3 * ADDRESSES);

    const files: string[] = [];
    const shares: string[][] = [];
    for (let i = 0; i < SHARDS; i++) {
      // One shard through the environment, as an Indexed Job or CI matrix sets it.
      const args = ['audit', '--targets', fleetFile, '--format', 'json', '--timeout', '20000', ...(i === 1 ? [] : ['--shard', `${i}/${SHARDS}`])];
      const r = await cli(args, i === 1 ? { REDSEC_SHARD: `${i}/${SHARDS}` } : {});
      expect([0, 1, 3], r.stderr).toContain(r.code);
      expect(r.stderr).toMatch(new RegExp(`^redsec: shard ${i}/${SHARDS}: \\d+ of 60 targets`));
      const reports = JSON.parse(r.stdout) as Report[];
      expect(Array.isArray(reports)).toBe(true);
      shares.push(reports.map((x) => x.target));
      files.push(join(dir, `shard-${i}.json`));
      writeFileSync(files[i]!, r.stdout);
    }
    // Union of the shards = the fleet, no target twice, none empty.
    expect(shares.flat().sort()).toEqual(single.map((r) => r.target).sort());
    expect(new Set(shares.flat()).size).toBe(60);
    for (const s of shares) expect(s.length).toBeGreaterThan(0); // ports are random: sizes vary around 15

    const merged = await cli(['report', 'merge', ...files, '--targets', fleetFile, '--format', 'json']);
    expect(merged.code, merged.stderr).toBe(whole.code);
    expect(withoutTimes(JSON.parse(merged.stdout))).toEqual(withoutTimes(single));

    // Without the fleet file: the same reports, in the order of the inputs.
    const loose = await cli(['report', 'merge', ...files]);
    expect((JSON.parse(loose.stdout) as Report[]).map((r) => r.target)).toEqual(shares.flat());

    // Every format renders the merged shards as it renders the single process's report.
    const wholeFile = join(dir, 'whole.json');
    writeFileSync(wholeFile, whole.stdout);
    for (const format of REPORT_FORMATS.filter((f) => f !== 'json')) {
      const m = await cli(['report', 'merge', ...files, '--targets', fleetFile, '--format', format]);
      const w = await cli(['report', 'merge', wholeFile, '--format', format]);
      expect([m.code, w.code]).toEqual([3, 3]);
      expect(timesOut(m.stdout)).toBe(timesOut(w.stdout));
    }
  }, 180_000);

  it('a lost shard leaves its targets as not audited; bad shard specs and other schema versions are exit 2', async () => {
    const a = await cli(['audit', '--targets', fleetFile, '--format', 'json', '--shard', '0/2']);
    writeFileSync(join(dir, 'half.json'), a.stdout);
    const r = await cli(['report', 'merge', join(dir, 'half.json'), '--targets', fleetFile]);
    expect(r.code).toBe(3);
    const reports = JSON.parse(r.stdout) as Report[];
    expect(reports).toHaveLength(60);
    const lost = reports.filter((x) => x.error?.code === 'NOT_REPORTED');
    expect(lost.length).toBe(60 - (JSON.parse(a.stdout) as Report[]).length);
    expect(r.stderr).toContain('not audited');

    for (const [args, env] of [
      [['--shard', '4/4'], {}],
      [['--shard', 'x'], {}],
      [[], { REDSEC_SHARD: '1/0' }],
    ] as const) {
      const bad = await cli(['audit', '--targets', fleetFile, ...args], env);
      expect(bad.code).toBe(2);
      expect(bad.stdout).toBe('');
      expect(bad.stderr).toMatch(/^redsec: (--shard|REDSEC_SHARD) must be I\/N/);
    }
    const other = (JSON.parse(a.stdout) as Report[]).map((x) => ({ ...x, schema_version: '0.9' }));
    writeFileSync(join(dir, 'old.json'), JSON.stringify(other));
    const refused = await cli(['report', 'merge', join(dir, 'half.json'), join(dir, 'old.json')]);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/old\.json: report 1: schema_version "0\.9", but this redsec reads/);
    writeFileSync(join(dir, 'torn.json'), a.stdout.slice(0, 200));
    const torn = await cli(['report', 'merge', join(dir, 'torn.json')]);
    expect([torn.code, torn.stdout]).toEqual([2, '']);
    expect(torn.stderr).toMatch(/^redsec: .*torn\.json: not JSON/);
    expect(torn.stderr.split('\n')).toHaveLength(2);
  }, 120_000);
});
