import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { subjectOf } from '../audit/lint-locations.js';
import { defaultArtifact, fingerprints } from './fingerprint.js';
import { renderReport } from './render.js';
import { GITHUB_LIMITS } from './render-sarif.js';
import type { Finding, Report } from './types.js';

const base: Omit<Finding, 'id' | 'severity' | 'status' | 'evidence'> = { title: 't', remediation: { text: 'fix' }, compliance: [] };

function report(findings: Finding[], extra: Partial<Report> = {}): Report {
  return {
    schema_version: '1.0',
    tool: { name: 'redsec', version: '0.0.0' },
    target: 'redis://10.0.0.5:6380',
    server: { flavor: 'redis', version: '7.0.15' },
    profile: null,
    level_achieved: 1,
    summary: { critical: 0, high: 0, medium: 0, low: 0, info: 0, passed: 0, unknown: 0, waived: 0 },
    findings,
    ...extra,
  };
}

describe('code-scanning formats', () => {
  it('a live target gets a stable relative artifact', () => {
    expect(defaultArtifact('redis://user:***@Redis.Example:6380/2')).toBe('redis/redis.example_6380');
    expect(defaultArtifact('rediss://[::1]')).toBe('redis/_1_6379');
    // Never a path that climbs out: one segment under redis/.
    expect(defaultArtifact('../../etc/passwd')).toMatch(/^redis\/[^/.][^/]*$/);
  });

  it('fingerprints ignore line numbers and evidence, and tell subjects apart', () => {
    const a: Finding = { ...base, id: 'ACL-ALLKEYS', severity: 'medium', status: 'fail', evidence: 'one wording', location: { file: 'deploy/users.acl', line: 2 }, subject: 'user app' };
    const moved: Finding = { ...a, evidence: 'another wording', location: { file: 'deploy/users.acl', line: 9 } };
    const other: Finding = { ...a, subject: 'user web' };
    const r = report([]);
    expect(fingerprints([a], r)).toEqual(fingerprints([moved], r));
    const [x, y] = fingerprints([a, other], r);
    expect(x).not.toBe(y);
    // Same rule and file without a subject: still one fingerprint each.
    const { subject: _drop, ...bare } = a;
    const [p, q] = fingerprints([bare, bare], r);
    expect(p).not.toBe(q);
  });

  it('subjects come from the located line, never a value', () => {
    expect(subjectOf('requirepass hunter2')).toBe('requirepass');
    expect(subjectOf('  user app on >secret ~*')).toBe('user app');
    expect(subjectOf('NoNewPrivileges=no')).toBe('nonewprivileges');
    expect(subjectOf('# comment')).toBeUndefined();
  });

  it('SARIF: raised severities and unknowns reference their own rules; drift is a result; SARIF and GitLab share fingerprints', () => {
    const r = report(
      [
        { ...base, id: 'NET-BIND-ALL', severity: 'critical', status: 'fail', evidence: 'bind 0.0.0.0' },
        { ...base, id: 'OS-ROOT', severity: 'high', status: 'unknown', evidence: 'no process' },
        { ...base, id: 'DATA-MAXMEMORY', severity: 'low', status: 'fail', evidence: 'maxmemory 0' },
      ],
      { gap: { target_level: 3, failing: [], drift: [{ directive: 'timeout', expected: '300', actual: '0' }] } },
    );
    const sarif = JSON.parse(renderReport(r, 'sarif')) as {
      runs: { tool: { driver: { rules: { id: string; properties: Record<string, unknown> }[] } }; results: { ruleId: string; ruleIndex: number; level: string; partialFingerprints: Record<string, string>; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    const run = sarif.runs[0]!;
    const rule = (id: string) => run.tool.driver.rules.find((x) => x.id === id);
    expect(run.results.map((x) => x.ruleId)).toEqual(['NET-BIND-ALL/critical', 'OS-ROOT/unverified', 'DATA-MAXMEMORY', 'PROFILE-DRIFT']);
    expect(rule('NET-BIND-ALL')?.properties['security-severity']).toBe('8.0');
    expect(rule('NET-BIND-ALL/critical')?.properties['security-severity']).toBe('9.5');
    expect(rule('OS-ROOT/unverified')?.properties['security-severity']).toBeUndefined();
    expect(rule('OS-ROOT/unverified')?.properties['tags']).toEqual(['unverified']);
    for (const res of run.results) {
      expect(run.tool.driver.rules[res.ruleIndex]?.id).toBe(res.ruleId);
      expect(res.locations[0]?.physicalLocation.artifactLocation.uri).toBe('redis/10.0.0.5_6380');
    }
    const gitlab = JSON.parse(renderReport(r, 'gitlab')) as { fingerprint: string; check_name: string; severity: string }[];
    expect(gitlab.map((g) => [g.check_name, g.severity])).toEqual([
      ['NET-BIND-ALL', 'blocker'],
      ['OS-ROOT/unverified', 'info'],
      ['DATA-MAXMEMORY', 'minor'],
      ['PROFILE-DRIFT', 'minor'],
    ]);
    expect(gitlab.map((g) => g.fingerprint)).toEqual(run.results.map((x) => Object.values(x.partialFingerprints)[0]));
  });

  it('GitLab: a target that could not be audited is one NOT-AUDITED issue with the code once', () => {
    const r = report([], { level_achieved: null, error: { code: 'CONNREFUSED', message: '10.0.0.5:6380: connection refused' } });
    const gitlab = JSON.parse(renderReport(r, 'gitlab')) as { description: string; check_name: string; severity: string }[];
    expect(gitlab).toMatchObject([{ check_name: 'NOT-AUDITED', severity: 'info', description: 'not audited: CONNREFUSED: 10.0.0.5:6380: connection refused' }]);
  });

  it('JSON, SARIF and GitLab write C1 and bidi characters as escapes; JUnit as visible text, lone surrogates too', () => {
    const hostile = 'u\u009b31m\u202e\ud800';
    const r = report([{ ...base, id: 'ACL-ALLKEYS', severity: 'medium', status: 'fail', evidence: `user ${hostile} can access all keys` }]);
    for (const format of ['json', 'sarif', 'gitlab', 'junit'] as const) {
      const out = renderReport(r, format);
      // eslint-disable-next-line no-control-regex
      expect(/[\u0080-\u009f\u202a-\u202e]|[\ud800-\udfff]/.test(out), format).toBe(false);
    }
    expect((JSON.parse(renderReport(r, 'json')) as Report).findings[0]?.evidence).toContain(hostile);
    expect(renderReport(r, 'junit')).toContain('u\\x9b31m\\u202e\\ud800');
  });
});

describe('SARIF past GitHub per-run limit', () => {
  it('a fleet over 25,000 results is split by target into runs that each fit, with distinct categories', () => {
    // 1,300 targets x 20 failing findings = 26,000 results: one run would be refused by GitHub.
    const findings: Finding[] = Array.from({ length: 20 }, (_, i) => ({ ...base, id: `ACL-ALLKEYS`, severity: 'medium', status: 'fail', evidence: 'e', subject: `user u${i}` }));
    const fleet = Array.from({ length: 1_300 }, (_, i) => report(findings, { target: `redis://10.1.${Math.floor(i / 250)}.${i % 250}:6379` }));
    const sarif = JSON.parse(renderReport(fleet, 'sarif')) as { runs: { automationDetails: { id: string }; results: { locations: { physicalLocation?: { artifactLocation?: { uri?: string } } }[] }[] }[] };
    expect(sarif.runs).toHaveLength(2);
    expect(sarif.runs.length).toBeLessThanOrEqual(GITHUB_LIMITS.runs);
    for (const r of sarif.runs) {
      expect(r.results.length).toBeLessThanOrEqual(GITHUB_LIMITS.resultsPerRun);
      for (const x of r.results) expect(x.locations[0]?.physicalLocation?.artifactLocation?.uri).toMatch(/^redis\//);
    }
    expect(sarif.runs.reduce((n, r) => n + r.results.length, 0)).toBe(26_000);
    expect(new Set(sarif.runs.map((r) => r.automationDetails.id)).size).toBe(2);
  });
});

describe('GitLab Code Quality schema (schema/gitlab-codequality.schema.json)', () => {
  const schema = JSON.parse(readFileSync(new URL('../../schema/gitlab-codequality.schema.json', import.meta.url), 'utf8')) as object;
  const validate = new Ajv2020({ allErrors: true, strict: true, strictRequired: false }).compile(schema);

  it('accepts what the renderer writes and refuses what GitLab would not read', () => {
    const issues = JSON.parse(renderReport(report([{ ...base, id: 'NET-BIND-ALL', severity: 'critical', status: 'fail', evidence: 'bind 0.0.0.0' }]), 'gitlab')) as Record<string, unknown>[];
    expect(validate(issues), JSON.stringify(validate.errors)).toBe(true);
    const good = issues[0] as Record<string, unknown>;
    expect(validate([{ ...good, severity: 'high' }])).toBe(false);
    expect(validate([{ ...good, location: { path: '/etc/redis.conf', lines: { begin: 1 } } }])).toBe(false);
    expect(validate([{ ...good, location: { path: 'redis.conf' } }])).toBe(false);
    const { fingerprint: _f, ...unprinted } = good;
    expect(validate([unprinted])).toBe(false);
  });
});
