import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTarget } from '../resp/index.js';
import { loadPasswordRecords, parsePasswordDates, passwordDatesFor, rotationStateRecords } from './password-dates.js';

const dir = mkdtempSync(join(tmpdir(), 'redsec-password-dates-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const H = (c: string) => c.repeat(64);
const file = (name: string, data: unknown) => {
  const p = join(dir, name);
  writeFileSync(p, typeof data === 'string' ? data : JSON.stringify(data));
  return p;
};
const node = (target: string, newHash: string, old: string[]) => ({ version: 1, target, user: 'app', phase: 'begun', new_hash: newHash, old_hashes: old, began_at: '2026-06-01T00:00:00.000Z' });

describe('password dates', () => {
  it('a single state file: the new hash set at begin, the old ones present then', () => {
    const p = file('one.json', node('redis://127.0.0.1:7001', H('a'), [H('b')]));
    expect(rotationStateRecords(p).map((r) => [r.hash, r.kind, r.at, r.server])).toEqual([
      [H('a'), 'set', '2026-06-01T00:00:00.000Z', { host: '127.0.0.1', port: 7001 }],
      [H('b'), 'before', '2026-06-01T00:00:00.000Z', { host: '127.0.0.1', port: 7001 }],
    ]);
  });

  it('a --targets fleet state file: every node', () => {
    const p = file('fleet.json', { version: 1, kind: 'fleet', user: 'app', phase: 'begun', new_hash: H('a'), began_at: '2026-06-01T00:00:00.000Z', nodes: [node('redis://10.0.0.1:6379', H('a'), [H('b')]), node('redis://10.0.0.2:6379', H('a'), [H('c')])], replicas: [], sentinels: [] });
    const records = rotationStateRecords(p);
    expect(records.map((r) => `${r.server?.host} ${r.kind} ${r.hash[0]}`)).toEqual(['10.0.0.1 set a', '10.0.0.1 before b', '10.0.0.2 set a', '10.0.0.2 before c']);
    const only2 = passwordDatesFor({ sources: [p], records }, parseTarget('redis://10.0.0.2:6379'));
    expect(only2.entries.map((e) => e.hash[0])).toEqual(['a', 'c']);
    expect(only2.entries[0]).not.toHaveProperty('server');
  });

  it('a dated baseline: entries without a target apply to every server; bad entries name file and index', () => {
    const text = JSON.stringify({ version: 1, passwords: [{ user: 'app', sha256: H('d'), set_at: '2026-03-01' }, { user: 'app', sha256: H('e'), set_at: '2026-03-02T10:00:00Z', target: 'rediss://DB1.example:6380' }] });
    const records = parsePasswordDates(text, 'dates.json');
    expect(records.map((r) => [r.at, r.server])).toEqual([
      ['2026-03-01T00:00:00.000Z', undefined],
      ['2026-03-02T10:00:00.000Z', { host: 'db1.example', port: 6380 }],
    ]);
    expect(passwordDatesFor({ sources: [], records }, parseTarget('redis://10.9.9.9:6379')).entries.map((e) => e.hash[0])).toEqual(['d']);
    expect(() => parsePasswordDates('{"version":1,"passwords":[{"user":"app","sha256":"' + H('f') + '","set_at":"yesterday"}]}', 'd.json')).toThrow('d.json: passwords[0].set_at is not an ISO date');
    expect(() => parsePasswordDates('{"version":2}', 'd.json')).toThrow('d.json: version is not 1');
    expect(() => parsePasswordDates('nope', 'd.json')).toThrow('d.json: not JSON');
    expect(() => parsePasswordDates(JSON.stringify({ version: 1, passwords: [{ user: 'app', sha256: H('f'), set_at: '2026-01-01', target: 'http://x' }] }), 'd.json')).toThrow('d.json: passwords[0].target: target is not a redis:// or rediss:// URL');
  });

  it('a state file that is not one is bad input naming the file', () => {
    const p = file('bad.json', '{"version":1}');
    expect(() => loadPasswordRecords([p], [])).toThrow(/bad\.json: not a redsec rotation state file/);
    expect(() => loadPasswordRecords([join(dir, 'missing.json')], [])).toThrow(/missing\.json: cannot read rotation state file \(ENOENT\)/);
  });
});
