import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Finding } from '../report/types.js';
import { applyWaivers } from './waivers.js';
import { globStats } from '../text/glob.js';
import { parseWaivers } from './waivers-file.js';
import { globMatch } from './glob.js';
import { InputError } from '../errors.js';

const finding = (id: string, status: Finding['status'], file?: string): Finding => ({
  id,
  title: id,
  severity: 'high',
  status,
  evidence: '',
  remediation: { text: '' },
  compliance: [],
  ...(file ? { location: { file, line: 3 } } : {}),
});

describe('parseWaivers', () => {
  it('accepts {waivers:[...]} and a bare array', () => {
    const w = { id: 'NET-DEFAULT-PORT', reason: 'legacy clients', expires: '2030-01-31' };
    expect(parseWaivers(JSON.stringify({ waivers: [w] }), 'w.json')).toEqual([w]);
    expect(parseWaivers(JSON.stringify([{ ...w, target: 'redis://10.*' }]), 'w.json')).toEqual([{ ...w, target: 'redis://10.*' }]);
  });
  it.each([
    ['{', /w\.json: not valid JSON/],
    ['[{"id":"X-Y","reason":"r","expires":"2030-02-30"}]', /0\.expires: is not a real date/],
    ['[{"id":"X-Y","reason":" ","expires":"2030-01-01"}]', /0\.reason: a waiver needs a reason/],
    ['[{"id":"x","reason":"r","expires":"2030-01-01"}]', /0\.id: must be a rule ID/],
    ['[{"id":"X-Y","reason":"r","expires":"2030-01-01","until":"x"}]', /w\.json: 0/],
  ])('rejects %s with one clear line', (text, msg) => {
    let err: unknown;
    try {
      parseWaivers(text, 'w.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(msg);
    expect((err as Error).message).not.toContain('\n');
  });
});

describe('applyWaivers', () => {
  const waivers = parseWaivers(
    JSON.stringify([
      { id: 'NET-BIND-ALL', target: '127.0.0.1:*', reason: 'firewalled', expires: '2026-12-31' },
      { id: 'NET-IDLE-TIMEOUT', reason: 'pooled clients', expires: '2020-01-01' },
      { id: 'AUTH-CLEARTEXT-SECRET', file: 'conf/*.conf', reason: 'vault template', expires: '2026-12-31' },
      { id: 'ACL-ALLKEYS', reason: 'unused', expires: '2026-12-31' },
    ]),
    'w.json',
  );
  it('waives matching failures, keeps expired ones failing and reports each waiver', () => {
    const { findings, uses } = applyWaivers(
      [
        finding('NET-BIND-ALL', 'fail'),
        finding('NET-IDLE-TIMEOUT', 'fail'),
        finding('AUTH-CLEARTEXT-SECRET', 'fail', 'deploy/conf/redis.conf'),
        finding('AUTH-CLEARTEXT-SECRET', 'fail', 'other/redis.conf'),
        finding('ACL-ALLKEYS', 'pass'),
      ],
      waivers,
      'redis://app@127.0.0.1:6379',
      '2026-11-28',
    );
    expect(findings.map((f) => f.status)).toEqual(['waived', 'fail', 'waived', 'fail', 'pass']);
    expect(findings[0]?.waiver).toEqual({ reason: 'firewalled', expires: '2026-12-31' });
    expect(findings[1]?.waiver).toEqual({ reason: 'pooled clients', expires: '2020-01-01', expired: true });
    expect(uses.map((u) => u.state)).toEqual(['applied', 'expired', 'applied', 'unused']);
  });
  it('a waiver is valid through its expiry day and not after', () => {
    const on = (d: string) => applyWaivers([finding('NET-BIND-ALL', 'fail')], waivers, '127.0.0.1:7000', d).findings[0]?.status;
    expect(on('2026-12-31')).toBe('waived');
    expect(on('2027-01-01')).toBe('fail');
  });
  it('does not match another target', () => {
    const r = applyWaivers([finding('NET-BIND-ALL', 'fail')], waivers, 'redis://10.0.0.5:6379', '2026-01-01');
    expect(r.findings[0]?.status).toBe('fail');
  });
});

describe('globMatch', () => {
  it('* stays within a path segment, ** crosses them', () => {
    expect(globMatch('conf/*.conf', 'conf/a.conf')).toBe(true);
    expect(globMatch('conf/*.conf', 'conf/x/a.conf')).toBe(false);
    expect(globMatch('**/a.conf', 'x/y/a.conf')).toBe(true);
    expect(globMatch('redis://10.0.0.?:6379', 'redis://10.0.0.7:6379')).toBe(true);
  });
  it('a pattern without wildcards matches exactly itself (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }).filter((s) => !/[*?]/.test(s)), fc.string({ maxLength: 20 }), (a, b) => {
        expect(globMatch(a, a)).toBe(true);
        expect(globMatch(a, b)).toBe(a === b);
      }),
      { numRuns: 200 },
    );
  });
});

describe('waiver globs from a hostile waiver file', () => {
  it('"*a*a*a...*b" against a long path is decided in bounded steps, not by backtracking', () => {
    const pattern = `${'*a'.repeat(40)}*b`;
    const file = `conf/${'a'.repeat(500)}`;
    expect(globMatch(pattern, file)).toBe(false);
    expect(globStats.steps).toBeLessThanOrEqual(2 * (2 * 40 + 3) * (file.length + 1));
    expect(globMatch('**/x/*.conf', 'a/b/x/r.conf')).toBe(true);
    expect(globMatch('x/*.conf', 'x/a/r.conf')).toBe(false);
    expect(globMatch('x/?.conf', 'x/a.conf')).toBe(true);
    expect(globMatch('[a].conf', '[a].conf')).toBe(true); // brackets are literal in waiver globs
  });

  it('refuses a glob longer than the documented limit', () => {
    expect(() => globMatch('*'.repeat(5000), 'a')).toThrow(/longer than 4096/);
  });
});
