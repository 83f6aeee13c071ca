import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { parseShard, selectShard, shardKey, shardOf } from './shard.js';

describe('--shard I/N', () => {
  it('reads I/N with I counted from 0', () => {
    expect(parseShard('0/4')).toEqual({ index: 0, count: 4 });
    expect(parseShard(' 3 / 4 ')).toEqual({ index: 3, count: 4 });
    expect(parseShard('0/1')).toEqual({ index: 0, count: 1 });
  });
  it.each(['4/4', '1/0', '0/0', '-1/4', '1', '1/4/2', 'a/b', '', '1.5/4', '0x1/4', '0/100001'])('refuses %j as a usage error (exit 2)', (spec) => {
    expect(() => parseShard(spec, 'REDSEC_SHARD')).toThrow(UsageError);
    expect(() => parseShard(spec, 'REDSEC_SHARD')).toThrow(/^REDSEC_SHARD must be I\/N/);
  });
});

describe('the shard key', () => {
  it('is one spelling per server: scheme, host case and trailing dot, default port, IPv6 form', () => {
    const same = (a: string, b: string) => expect(shardKey(a)).toBe(shardKey(b));
    same('REDIS://Cache-1.Example.COM.', 'redis://cache-1.example.com:6379');
    same('cache-1.example.com', 'redis://cache-1.example.com:6379');
    same('redis://[0:0:0:0:0:0:0:1]:7000', 'redis://[::1]:7000');
    same('::1', 'redis://[::1]:6379');
    expect(shardKey('Host:6380')).toBe('redis://host:6380');
  });
  it('leaves out user, password and database: a rotated password keeps the target in its shard', () => {
    expect(shardKey('redis://audit:old-secret@h:6379/2')).toBe(shardKey('redis://other:new-secret@h:6379'));
    expect(shardKey('redis://audit:old-secret@h:6379/2')).not.toContain('secret');
  });
  it('keeps what does change the server: TLS and port', () => {
    expect(shardKey('rediss://h')).not.toBe(shardKey('redis://h'));
    expect(shardKey('h:6380')).not.toBe(shardKey('h:6379'));
  });
  it('is stable across releases: these assignments are part of the contract', () => {
    // Changing the hash or the key would move targets between shards of running deployments.
    expect(shardOf('redis://127.0.0.1:6379', 4)).toBe(2);
    expect(shardOf('rediss://cache-1.prod.example.com:6380', 4)).toBe(0);
    expect(shardOf('redis://[::1]:7000', 1000)).toBe(861);
    expect(shardOf('10.0.0.5', 1000)).toBe(752);
  });
});

describe('selectShard', () => {
  const url = fc
    .tuple(fc.constantFrom('redis', 'rediss'), fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/), fc.integer({ min: 1, max: 65535 }))
    .map(([s, h, p]) => `${s}://${h}:${p}`);
  it('splits any fleet into N parts: every target in exactly one, original order kept', () => {
    fc.assert(
      fc.property(fc.array(url, { maxLength: 40 }), fc.integer({ min: 1, max: 9 }), (urls, n) => {
        const shards = Array.from({ length: n }, (_, i) => selectShard(urls, { index: i, count: n }));
        expect(shards.flat().sort()).toEqual([...urls].sort());
        for (const s of shards) expect(s).toEqual(urls.filter((u) => s.includes(u)));
      }),
      { numRuns: 100 },
    );
  });
  it('spreads targets evenly enough', () => {
    const urls = Array.from({ length: 2000 }, (_, i) => `redis://10.${(i >> 8) & 255}.${i & 255}.1:6379`);
    for (let i = 0; i < 4; i++) {
      const share = selectShard(urls, { index: i, count: 4 }).length;
      expect(share).toBeGreaterThan(400);
      expect(share).toBeLessThan(600);
    }
  });
  it('parses every URL first: a typo anywhere stops every shard', () => {
    expect(() => selectShard(['redis://ok:1', 'http://bad'], { index: 0, count: 2 })).toThrow(/unsupported scheme/);
  });
});
