import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFleetState, writeFleetState, type FleetRotationState } from './fleet-state.js';
import { readState } from './state.js';

const dir = mkdtempSync(join(tmpdir(), 'redsec-fleet-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const H = 'a'.repeat(64);
const node = { version: 1 as const, target: 'redis://10.0.0.1:6379', user: 'repl', phase: 'begun' as const, new_hash: H, old_hashes: ['b'.repeat(64)], began_at: '2026-01-01T00:00:00.000Z' };
const fleet: FleetRotationState = {
  version: 1,
  kind: 'fleet',
  user: 'repl',
  phase: 'begun',
  new_hash: H,
  began_at: '2026-01-01T00:00:00.000Z',
  nodes: [node],
  replicas: [{ target: 'redis://10.0.0.2:6379', updated_at: '2026-01-01T00:00:01.000Z' }],
  sentinel_master: 'mymaster',
  sentinels: [{ target: 'redis://10.0.0.3:26379' }],
};

describe('fleet rotation state file', () => {
  it('round-trips, 0600', () => {
    const path = join(dir, 'ok.json');
    writeFleetState(path, fleet);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFleetState(path)).toEqual({ ...fleet, finished_at: undefined, replicas: [{ ...fleet.replicas[0] }], sentinels: [{ target: 'redis://10.0.0.3:26379', updated_at: undefined }] });
    expect(readFleetState(join(dir, 'missing.json'))).toBeUndefined();
  });

  it('a single-target reader refuses a fleet file and the other way round, each saying which', () => {
    const path = join(dir, 'fleet.json');
    writeFleetState(path, fleet);
    expect(() => readState(path)).toThrow(/records a fleet rotation/);
    const single = join(dir, 'single.json');
    writeFileSync(single, JSON.stringify(node));
    expect(() => readFleetState(single)).toThrow(/records a single-target rotation/);
  });

  it('refuses malformed entries with one line naming the file', () => {
    for (const [bad, why] of [
      [{ ...fleet, new_hash: 'x' }, /new_hash/],
      [{ ...fleet, nodes: [{ ...node, old_hashes: ['plaintext'] }] }, /old_hashes/],
      [{ ...fleet, replicas: [{ updated_at: 'x' }] }, /replicas entry has no target/],
      [{ ...fleet, sentinels: [{ target: 't', updated_at: 'yesterday' }] }, /updated_at is not a time/],
      [{ ...fleet, phase: 'done' }, /unknown phase/],
      [{ ...fleet, nodes: 'all' }, /nodes is not a list/],
    ] as const) {
      const path = join(dir, 'bad.json');
      writeFileSync(path, JSON.stringify(bad));
      expect(() => readFleetState(path)).toThrow(why);
    }
  });
});
