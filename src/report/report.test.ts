import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { baselineFacts, lintFacts, setConfig } from '../rules/fixture.js';
import { runRules } from '../rules/run.js';
import { RULES } from '../rules/catalog.js';
import { renderReport } from './render.js';
import { reportJsonSchema, ReportSchema } from './schema.js';
import { buildReport } from './summary.js';
import type { Report } from './types.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv | Ajv2020) => void;
const NOW = new Date('2026-11-28T00:00:00Z');
const HOSTILE = `<script>alert("x")</script> & 'quote' | *bold* [link](javascript:alert(1)) \`\`\` \u001b[31m`;

function liveReport(): Report {
  const facts = setConfig(baselineFacts(), { 'protected-mode': 'no', timeout: '0', 'enable-debug-command': 'yes' });
  if (facts.users.known) facts.users.value.push({ name: HOSTILE.replace(/\s/g, '_'), rules: 'on nopass ~* +@all' });
  const profile = { security_level: 'hardened', network_exposure: 'private_network', compliance_requirements: ['pci_dss'] };
  return buildReport(facts, runRules(facts, { mode: 'live', profile, now: NOW }), profile);
}

function lintReport(): Report {
  const facts = lintFacts({ bind: '0.0.0.0', 'protected-mode': 'no', requirepass: 'foobared' }, [{ name: 'app', rules: 'on nopass ~* +@all' }], '7.2');
  return buildReport(facts, runRules(facts, { mode: 'lint', profile: null, now: NOW }), null);
}

describe('report assembly', () => {
  it('summarises failures by severity and computes the gap', () => {
    const r = liveReport();
    expect(r.summary.passed).toBe(r.findings.filter((f) => f.status === 'pass').length);
    expect(r.summary.high + r.summary.critical + r.summary.medium + r.summary.low + r.summary.info).toBe(r.findings.filter((f) => f.status === 'fail').length);
    expect(r.gap?.target_level).toBe(3);
    expect(r.gap?.failing).toContain('NET-PROTECTED-MODE-OFF');
    expect(r.level_achieved).toBe(0);
  });
});

describe('JSON', () => {
  const jsonSchema = reportJsonSchema();
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(jsonSchema);

  it('validates against the generated JSON Schema and the zod schema', () => {
    for (const r of [liveReport(), lintReport()]) {
      const parsed: unknown = JSON.parse(renderReport(r, 'json'));
      expect(validate(parsed), JSON.stringify(validate.errors)).toBe(true);
      expect(ReportSchema.safeParse(parsed).success).toBe(true);
    }
  });
  it('rejects reports that break the contract', () => {
    const bad = JSON.parse(renderReport(lintReport(), 'json')) as Record<string, unknown>;
    bad.level_achieved = 7;
    expect(validate(bad)).toBe(false);
    const noEvidence = JSON.parse(renderReport(lintReport(), 'json')) as { findings: Record<string, unknown>[] };
    delete noEvidence.findings[0]!.evidence;
    expect(validate(noEvidence)).toBe(false);
  });
  it('matches the committed schema/report.schema.json', () => {
    const committed: unknown = JSON.parse(readFileSync(new URL('../../schema/report.schema.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(jsonSchema);
  });
  it('renders a fleet as an array', () => {
    expect(Array.isArray(JSON.parse(renderReport([liveReport(), lintReport()], 'json')))).toBe(true);
  });
});

describe('SARIF 2.1.0', () => {
  // The official OASIS schema (2.1.0-rtm.5) as shipped by @microsoft/jest-sarif; it is draft-04,
  // which ajv 8 reads as draft-07 once the draft-04 `id` is renamed (no draft-04-only keywords are used).
  const require = createRequire(import.meta.url);
  const schemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  const official = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
  const { $schema: _drop, id, ...rest } = official;
  // The schema's language pattern is not valid under the `u` flag, so patterns are compiled without it.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile({ ...rest, $id: String(id) });

  it('is valid against the official schema, live and lint, single and fleet', () => {
    for (const input of [liveReport(), lintReport(), [liveReport(), lintReport()]]) {
      const sarif: unknown = JSON.parse(renderReport(input, 'sarif'));
      expect(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    }
  });
  it('describes every rule with a stable id and index, and carries file:line for lint findings', () => {
    const sarif = JSON.parse(renderReport(lintReport(), 'sarif')) as {
      runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; ruleIndex: number; level: string; locations: { physicalLocation?: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[];
    };
    const run = sarif.runs[0]!;
    // The catalog first, in order, so indexes are stable; severity and unverified variants after it.
    expect(run.tool.driver.rules.slice(0, RULES.length).map((r) => r.id)).toEqual(RULES.map((r) => r.id));
    const bind = run.results.find((r) => r.ruleId.split('/')[0] === 'NET-BIND-ALL');
    expect(bind?.level).toBe('error');
    expect(run.tool.driver.rules[bind!.ruleIndex]?.id).toBe(bind?.ruleId);
    expect(bind?.locations[0]?.physicalLocation).toEqual({ artifactLocation: { uri: 'redis.conf' }, region: { startLine: 1 } });
    expect(run.results.some((r) => r.ruleId === 'AUTH-WEAK-PASSWORD')).toBe(true);
    expect(renderReport(lintReport(), 'sarif')).not.toContain('foobared');
  });
});

describe('HTML', () => {
  it('quotes hostile user names in remediation commands for the shell', () => {
    const r = liveReport();
    const cmd = r.findings.find((f) => f.id === 'AUTH-ANY-NOPASS-USER' && f.status === 'fail')?.remediation.command;
    expect(cmd).toBe(`redis-cli ACL SETUSER '<script>alert("x")</script>_&_'\\''quote'\\''_|_*bold*_[link](javascript:alert(1))_\`\`\`_\u001b[31m' resetpass '#<sha256-of-secret>'`);
  });
  it('is one self-contained file with every value escaped', () => {
    const html = renderReport(liveReport(), 'html');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toContain('<script');
    expect(html).not.toMatch(/<link|src=|href=/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('Level reached');
    expect(html).toContain('$ redis-cli CONFIG SET protected-mode yes');
  });
  it('escapes a hostile target name too', () => {
    const r = { ...lintReport(), target: HOSTILE };
    const html = renderReport(r, 'html');
    expect(html).not.toContain('<script>');
    expect(html).toContain('<title>redsec report: &lt;script&gt;');
  });
});

describe('Markdown and text', () => {
  it('Markdown escapes hostile strings and fences remediation safely', () => {
    const md = renderReport({ ...liveReport(), target: HOSTILE }, 'markdown');
    // Outside code fences nothing is raw HTML; inside them text is literal by definition.
    const prose = md.replace(/(`{3,})[^\n]*\n[\s\S]*?\n\1/g, '');
    expect(prose).not.toContain('<script>');
    expect(md).toContain('\\[link\\]\\(javascript:alert\\(1\\)\\)');
    expect(md).toContain('| critical | high | medium | low | info | passed | unknown | waived |');
    expect(md).toContain('```conf\nprotected-mode yes\n```');
  });
  it('text groups by severity, colours only when asked, and strips control characters', () => {
    const plain = renderReport({ ...liveReport(), target: HOSTILE }, 'text', { color: false });
    expect(plain).not.toContain('\u001b');
    const order = ["HIGH (", "MEDIUM (", "LOW (", "INFO (", "UNKNOWN:"].map((h) => plain.indexOf(`\n${h}`));
    expect(order.every((i) => i > 0), JSON.stringify(order)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const color = renderReport(liveReport(), 'text', { color: true });
    expect(color).toContain('\u001b[31mHIGH');
  });
});

describe('schema and types stay in step', () => {
  it('accepts every optional field the Report type has (waivers, drift, expired waivers)', () => {
    const r: Report = {
      ...lintReport(),
      gap: { target_level: 3, failing: ['NET-BIND-ALL'], drift: [{ directive: 'timeout', expected: '300', actual: '0' }] },
      waivers: [
        { id: 'NET-BIND-ALL', file: 'redis.conf', reason: 'lab', expires: '2027-01-01', state: 'applied' },
        { id: 'TLS-DISABLED', reason: 'old <b>lab</b>', expires: '2025-01-01', state: 'expired' },
      ],
    };
    r.findings[0] = { ...r.findings[0]!, status: 'waived', waiver: { reason: 'lab', expires: '2027-01-01', expired: false } };
    expect(ReportSchema.safeParse(JSON.parse(renderReport(r, 'json'))).success).toBe(true);
    for (const format of ['text', 'markdown', 'html', 'sarif'] as const) expect(renderReport(r, format), format).toContain('lab');
    expect(renderReport(r, 'text')).toContain('waiver TLS-DISABLED expired on 2025-01-01: old <b>lab</b>');
    expect(renderReport(r, 'html')).toContain('Waiver TLS-DISABLED expired (expires 2025-01-01): old &lt;b&gt;lab&lt;/b&gt;');
  });
  it('renders a target that could not be audited as its error', () => {
    const r: Report = { ...lintReport(), findings: [], error: { code: 'E601', message: 'NOAUTH Authentication required' } };
    expect(ReportSchema.safeParse(r).success).toBe(true);
    for (const format of ['text', 'markdown', 'html'] as const) expect(renderReport(r, format), format).toContain('not audited: E601: NOAUTH Authentication required');
    // An older report whose message repeats the code still shows it once.
    const old: Report = { ...r, error: { code: 'CONNREFUSED', message: 'CONNREFUSED: 127.0.0.1:1: connection refused' } };
    expect(renderReport(old, 'text')).toContain('not audited: CONNREFUSED: 127.0.0.1:1: connection refused');
  });
});
