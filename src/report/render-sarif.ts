/**
 * SARIF 2.1.0 for code scanning. One run per report; every catalog rule is described in
 * tool.driver.rules so rule ids and indexes are stable; failures are results with a level, unknowns
 * are `review` results, waivers are suppressed results, passes are left out (they are not alerts).
 * Lint findings carry file and line; live findings name the target as a logical location.
 */
import { RULES } from '../rules/catalog.js';
import type { Rule } from '../rules/types.js';
import type { Finding, Report, Severity } from './types.js';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };
/** GitHub's security-severity bands: >= 9 critical, 7-8.9 high, 4-6.9 medium, 0.1-3.9 low. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };

function ruleName(id: string): string {
  return id
    .toLowerCase()
    .split('-')
    .map((w) => (w[0] ?? '').toUpperCase() + w.slice(1))
    .join('');
}

function ruleDescriptor(rule: Rule): Record<string, unknown> {
  const fix = [rule.remediation.text, rule.remediation.config, rule.remediation.command].filter(Boolean).join('\n');
  const markdown = [
    rule.rationale,
    '',
    `**Fix:** ${rule.remediation.text}`,
    rule.remediation.config ? `\n\`\`\`\n${rule.remediation.config}\n\`\`\`` : '',
    rule.remediation.command ? `\n\`\`\`\n${rule.remediation.command}\n\`\`\`` : '',
  ].join('\n');
  return {
    id: rule.id,
    name: ruleName(rule.id),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.rationale },
    help: { text: fix, markdown },
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: {
      tags: ['security', ...rule.compliance],
      'security-severity': SECURITY_SEVERITY[rule.severity],
      'redsec-level': rule.level,
    },
  };
}

/** A file path as a SARIF artifact URI: absolute paths become file:// URIs, relative ones stay relative. */
function fileUri(path: string): string {
  const normalized = path.replace(/\\/g, '/');
  const encoded = normalized.split('/').map(encodeURIComponent).join('/');
  return normalized.startsWith('/') ? `file://${encoded}` : encoded;
}

function result(f: Finding, report: Report, ruleIndex: Map<string, number>): Record<string, unknown> | null {
  if (f.status === 'pass' || f.status === 'not_applicable') return null;
  const r: Record<string, unknown> = {
    ruleId: f.id,
    message: { text: f.evidence },
    properties: { severity: f.severity, status: f.status, remediation: f.remediation, compliance: f.compliance },
  };
  const index = ruleIndex.get(f.id);
  if (index !== undefined) r.ruleIndex = index;
  if (f.status === 'unknown') {
    r.kind = 'review';
    r.level = 'none';
  } else {
    r.kind = 'fail';
    r.level = LEVEL[f.severity];
  }
  if (f.status === 'waived') {
    r.kind = 'fail';
    r.suppressions = [{ kind: 'external', status: 'accepted', justification: `${f.waiver?.reason ?? 'waived'}${f.waiver ? ` (expires ${f.waiver.expires})` : ''}` }];
  }
  r.locations = f.location
    ? [{ physicalLocation: { artifactLocation: { uri: fileUri(f.location.file) }, region: { startLine: Math.max(1, f.location.line) } } }]
    : [{ logicalLocations: [{ name: report.target, kind: 'resource' }] }];
  r.partialFingerprints = { 'redsecFinding/v1': `${f.id}:${f.location ? `${f.location.file}:${f.location.line}` : report.target}:${f.evidence}` };
  return r;
}

function run(report: Report): Record<string, unknown> {
  const ruleIndex = new Map(RULES.map((r, i) => [r.id, i]));
  const results = report.findings.map((f) => result(f, report, ruleIndex)).filter((r): r is Record<string, unknown> => r !== null);
  const invocation: Record<string, unknown> = { executionSuccessful: !report.error };
  if (report.error) invocation.toolExecutionNotifications = [{ level: 'error', message: { text: `${report.error.code}: ${report.error.message}` } }];
  return {
    tool: { driver: { name: report.tool.name, version: report.tool.version, semanticVersion: report.tool.version, rules: RULES.map(ruleDescriptor) } },
    automationDetails: { id: `redsec/${report.target}/` },
    invocations: [invocation],
    results,
    properties: { target: report.target, server: report.server, level_achieved: report.level_achieved, summary: report.summary },
  };
}

export function renderSarif(reports: Report | Report[]): string {
  const list = Array.isArray(reports) ? reports : [reports];
  return `${JSON.stringify({ $schema: SARIF_SCHEMA, version: '2.1.0', runs: list.map(run) }, null, 2)}\n`;
}
