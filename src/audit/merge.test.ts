import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import type { Finding, Report } from '../report/types.js';
import { mergeReports, NOT_REPORTED, parseReportFile } from './merge.js';
import { profileFromLevel } from './profile.js';
import { buildAuditReport } from './report.js';

const FINDING: Finding = {
  id: 'NET-PROTECTED-MODE-OFF',
  title: 'protected mode is off',
  severity: 'high',
  status: 'fail',
  evidence: 'protected-mode no',
  remediation: { text: 'turn it on' },
  compliance: [],
};

const report = (target: string): Report => buildAuditReport({ target, findings: [FINDING], profile: profileFromLevel('standard') });
const file = (name: string, reports: unknown) => parseReportFile(name, JSON.stringify(reports));

describe('parseReportFile', () => {
  it('reads a fleet array and a single report', () => {
    expect(file('a.json', [report('redis://a:6379'), report('redis://b:6379')]).reports).toHaveLength(2);
    expect(file('b.json', report('redis://a:6379')).reports[0]?.target).toBe('redis://a:6379');
  });
  it('refuses another schema version, naming the file and both versions', () => {
    const other = { ...report('redis://a:6379'), schema_version: '2.0' };
    expect(() => file('shard-1.json', [other])).toThrow(InputError);
    expect(() => file('shard-1.json', [other])).toThrow(/^shard-1\.json: report 1: schema_version "2\.0", but this redsec reads 1\.0/);
  });
  it('refuses what is not JSON, not a report, or breaks the schema, in one line', () => {
    expect(() => parseReportFile('x.json', '[{"schema_vers')).toThrow(/^x\.json: not JSON \(/);
    expect(() => parseReportFile('x.json', '{"hello":1}')).toThrow(/^x\.json: not a redsec report/);
    expect(() => parseReportFile('x.json', '[1]')).toThrow(/^x\.json: report 1: not a redsec report/);
    const bad: unknown = { ...report('redis://a:6379'), level_achieved: 9 };
    expect(() => file('x.json', [bad])).toThrow(/^x\.json: report 1: not a valid report: level_achieved/);
    const extra = { ...report('redis://a:6379'), injected: '\u001b]0;pwned\u0007' };
    let message = '';
    try {
      file('x.json', [extra]);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^x\.json: report 1: not a valid report/);
    expect(message).not.toMatch(/[\u0000-\u001f]/);
  });
});

describe('mergeReports', () => {
  const a = file('a.json', [report('redis://a:6379'), report('redis://c:6379')]);
  const b = file('b.json', [report('redis://b:6379')]);

  it('without the fleet file, keeps the order of the inputs', () => {
    expect(mergeReports([b, a]).map((r) => r.target)).toEqual(['redis://b:6379', 'redis://a:6379', 'redis://c:6379']);
  });
  it('with the fleet file, follows its order and reports what no shard holds as not audited', () => {
    const merged = mergeReports([b, a], { name: 'fleet.txt', urls: ['c', 'redis://d:6379', 'a:6379', 'b'] });
    expect(merged.map((r) => r.target)).toEqual(['redis://c:6379', 'redis://d:6379', 'redis://a:6379', 'redis://b:6379']);
    expect(merged[1]?.error?.code).toBe(NOT_REPORTED);
    expect(merged[1]?.findings).toEqual([]);
    expect(merged[1]?.profile?.security_level).toBe('standard');
  });
  it('refuses overlapping shards and reports of targets outside the fleet file', () => {
    expect(() => mergeReports([a, file('a-again.json', [report('redis://a:6379')])])).toThrow(/^a-again\.json: target redis:\/\/a:6379 is also in a\.json: shards overlap/);
    expect(() => mergeReports([a, b], { name: 'fleet.txt', urls: ['a', 'b'] })).toThrow(/^fleet\.txt: 1 report\(s\) for targets not in this file, e\.g\. redis:\/\/c:6379/);
  });
  it('keeps a target listed twice in the fleet twice, as one process would', () => {
    const twice = file('t.json', [report('redis://a:6379'), report('redis://a:6379')]);
    expect(mergeReports([twice], { name: 'fleet.txt', urls: ['a', 'a'] }).map((r) => r.error)).toEqual([undefined, undefined]);
  });
});
