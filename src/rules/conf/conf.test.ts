import { describe, expect, it } from 'vitest';
import { checkOne } from '../check.js';
import { baselineFacts, lintFacts } from '../fixture.js';
import type { RuleContext } from '../types.js';

const LIVE: RuleContext = { mode: 'live', profile: null };
const LINT: RuleContext = { mode: 'lint', profile: null };

describe('CONF-UNKNOWN-DIRECTIVE', () => {
  it('one high finding per rejected directive, with its location, the version and the reason', () => {
    const f = lintFacts({ port: '6379' }, [], '6.2');
    f.unknownDirectives = [
      { name: 'enable-debug-command', location: { file: 'redis.conf', line: 2 }, reason: "6.2 has no directive 'enable-debug-command'" },
      { name: 'maxmemory-policy', location: { file: 'conf.d/x.conf', line: 7 }, reason: 'argument(s) must be one of the following' },
    ];
    const r = checkOne('CONF-UNKNOWN-DIRECTIVE', f, LINT);
    expect(r.map((x) => [x.status, x.severity, x.location])).toEqual([
      ['fail', 'high', { file: 'redis.conf', line: 2 }],
      ['fail', 'high', { file: 'conf.d/x.conf', line: 7 }],
    ]);
    expect(r[0]?.evidence).toBe("'enable-debug-command' at redis.conf:2: Redis 6.2 would refuse to start (6.2 has no directive 'enable-debug-command')");
    expect(r[0]?.remediation.config).toBe('rename-command DEBUG ""');
    expect(r[1]?.evidence).toContain('maxmemory-policy');
    expect(r[1]?.evidence).toContain('Redis 6.2');
    expect(r[1]?.remediation.config).toBeUndefined();
  });

  it('names the exact version and the flavor when known', () => {
    const f = lintFacts({}, [], 'valkey-8.0');
    f.version = '8.0.2';
    f.unknownDirectives = [{ name: 'bogus', location: { file: 'v.conf', line: 1 }, reason: "valkey-8.0 has no directive 'bogus'" }];
    expect(checkOne('CONF-UNKNOWN-DIRECTIVE', f, LINT)[0]?.evidence).toContain('Valkey 8.0.2 would refuse to start');
  });

  it('passes when every directive is accepted; unknown without a target version; not_applicable live', () => {
    expect(checkOne('CONF-UNKNOWN-DIRECTIVE', lintFacts({ port: '6379' }), LINT)[0]).toMatchObject({ status: 'pass', evidence: 'every directive is known to and accepted by Redis 7.0' });
    expect(checkOne('CONF-UNKNOWN-DIRECTIVE', lintFacts({ port: '6379' }, [], null), LINT)[0]?.status).toBe('unknown');
    expect(checkOne('CONF-UNKNOWN-DIRECTIVE', baselineFacts(), LIVE).map((x) => x.status)).toEqual(['not_applicable']);
  });
});

describe('CONF-DUPLICATE-DIRECTIVE', () => {
  it('one low finding per duplicated directive, at the line that wins, listing every line', () => {
    const f = lintFacts({ timeout: '60' });
    f.duplicateDirectives = [
      { name: 'timeout', locations: [{ file: 'redis.conf', line: 3 }, { file: 'conf.d/10.conf', line: 1 }] },
      { name: 'maxmemory', locations: [{ file: 'redis.conf', line: 4 }, { file: 'redis.conf', line: 9 }, { file: 'redis.conf', line: 12 }] },
    ];
    const r = checkOne('CONF-DUPLICATE-DIRECTIVE', f, LINT);
    expect(r.map((x) => [x.status, x.severity, x.location])).toEqual([
      ['fail', 'low', { file: 'conf.d/10.conf', line: 1 }],
      ['fail', 'low', { file: 'redis.conf', line: 12 }],
    ]);
    expect(r[0]?.evidence).toBe("'timeout' is set 2 times (redis.conf:3, conf.d/10.conf:1); only the last, conf.d/10.conf:1, counts");
    expect(r[1]?.evidence).toContain('redis.conf:4, redis.conf:9, redis.conf:12');
  });

  it('a directive set 100,000 times: the evidence names ten lines, the last among them, and counts the rest', () => {
    const f = lintFacts({ timeout: '60' });
    f.duplicateDirectives = [{ name: 'save', locations: Array.from({ length: 100_000 }, (_, i) => ({ file: 'gen.conf', line: i + 1 })) }];
    const [r] = checkOne('CONF-DUPLICATE-DIRECTIVE', f, LINT);
    expect(r?.evidence).toBe(
      "'save' is set 100000 times (gen.conf:1, gen.conf:2, gen.conf:3, gen.conf:4, gen.conf:5, gen.conf:6, gen.conf:7, gen.conf:8, gen.conf:9, ... 99990 more ..., gen.conf:100000); only the last, gen.conf:100000, counts",
    );
    expect(r?.location).toEqual({ file: 'gen.conf', line: 100_000 });
    expect(r?.remediation.text.length).toBeLessThan(300);
  });

  it('passes without duplicates; not_applicable live', () => {
    expect(checkOne('CONF-DUPLICATE-DIRECTIVE', lintFacts({ timeout: '60' }), LINT)[0]?.status).toBe('pass');
    expect(checkOne('CONF-DUPLICATE-DIRECTIVE', baselineFacts(), LIVE).map((x) => x.status)).toEqual(['not_applicable']);
  });
});
