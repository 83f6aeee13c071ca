/**
 * SARIF 2.1.0 as GitHub code scanning ingests it (docs.github.com "SARIF support for code
 * scanning"), and any other SARIF consumer:
 * - one run for any number of targets: the tool and its rules once, every result carrying its
 *   target's location (GitHub takes at most 20 runs per file; a fleet split over runs would repeat
 *   66 rule descriptions per target);
 * - every result has a physical location: lint findings their file and line relative to the working
 *   directory, whole-file findings the main config file's line 1, live findings a stable relative
 *   artifact per target (`redis/<host>_<port>` or --sarif-artifact) plus the target as a logical
 *   location (GitHub rejects a file in which any result lacks artifactLocation.uri);
 * - GitHub reads security-severity from the rule, not the result: a finding raised above its
 *   rule's catalog severity (exposure, profile) references a descriptor for that severity
 *   (`NET-BIND-ALL/critical`), so the alert shows what the report says. `unknown` results reference
 *   `ID/unverified`, a descriptor without security-severity or the security tag: they appear as
 *   notes to review, never as vulnerabilities. Info rules carry no security-severity either;
 * - fingerprints from rule, artifact and subject (fingerprint.ts), never from lines or evidence;
 * - targets that could not be audited are tool execution notifications, not results.
 */
import { RULES } from '../rules/catalog.js';
import type { Rule } from '../rules/types.js';
import { HOMEPAGE } from '../version.js';
import { visible } from '../text/visible.js';
import { driftText, notAuditedText } from './describe.js';
import { driftFingerprints, findingArtifact, fingerprints, reportArtifact } from './fingerprint.js';
import { safeJson } from './safe-json.js';
import type { Finding, Report, Severity } from './types.js';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const FINGERPRINT = 'redsecFinding/v2';
/** GitHub's documented per-run limits (results above it are dropped) and our own bound per run. */
export const GITHUB_LIMITS = { runs: 20, resultsPerRun: 25_000, rulesPerRun: 25_000, tagsPerRule: 20, locationsPerResult: 1_000 } as const;

type Level = 'error' | 'warning' | 'note';
const LEVEL: Record<Severity, Level> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };
/** GitHub's bands: >= 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low; info has none. */
const SECURITY_SEVERITY: Record<Severity, string | undefined> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: undefined };
const DRIFT_RULE = 'PROFILE-DRIFT';

export interface SarifOptions {
  /** The directory relative URIs resolve against (invocations[0].workingDirectory, %SRCROOT%). */
  cwd?: string | undefined;
}

type Json = Record<string, unknown>;

function pascal(id: string): string {
  return id
    .toLowerCase()
    .split(/[-/]/)
    .map((w) => (w[0] ?? '').toUpperCase() + w.slice(1))
    .join('');
}

const helpUri = `${HOMEPAGE}#rule-catalog`;

function descriptor(rule: Rule, variant: Severity | 'unverified' | null): Json {
  const id = variant === null ? rule.id : `${rule.id}/${variant}`;
  const severity = variant === null || variant === 'unverified' ? rule.severity : variant;
  const fix = [rule.remediation.text, rule.remediation.config, rule.remediation.command].filter(Boolean).join('\n');
  const markdown = [
    rule.rationale,
    '',
    `**Fix:** ${rule.remediation.text}`,
    rule.remediation.config ? `\n\`\`\`\n${rule.remediation.config}\n\`\`\`` : '',
    rule.remediation.command ? `\n\`\`\`\n${rule.remediation.command}\n\`\`\`` : '',
  ].join('\n');
  const title =
    variant === 'unverified'
      ? `Could not be verified: ${rule.title}`
      : variant !== null
        ? `${rule.title} (${variant} for this exposure or profile)`
        : rule.title;
  const score = variant === 'unverified' ? undefined : SECURITY_SEVERITY[severity];
  const tags = variant === 'unverified' ? ['unverified'] : score !== undefined ? ['security', ...rule.compliance] : [...rule.compliance];
  const properties: Json = { tags: tags.slice(0, GITHUB_LIMITS.tagsPerRule), 'redsec-level': rule.level, 'redsec-severity': severity };
  if (score !== undefined) properties['security-severity'] = score;
  return {
    id,
    name: pascal(id),
    shortDescription: { text: title },
    fullDescription: { text: rule.rationale },
    help: { text: fix, markdown },
    helpUri,
    defaultConfiguration: { level: variant === 'unverified' ? 'note' : LEVEL[severity] },
    properties,
  };
}

const DRIFT_DESCRIPTOR: Json = {
  id: DRIFT_RULE,
  name: 'ProfileDrift',
  shortDescription: { text: "Directive differs from the profile's plan" },
  fullDescription: { text: 'The effective value of a directive differs from the plan `redsec generate` builds for the target profile (gap.drift).' },
  help: { text: 'Set the directive to the expected value, or regenerate the configuration with redsec generate.' },
  helpUri,
  defaultConfiguration: { level: 'note' },
  properties: { tags: ['configuration-drift'] },
};

/** The descriptor a finding references: its rule's, or the variant for its severity or status. */
function variantOf(f: Finding, rule: Rule | undefined): Severity | 'unverified' | null {
  if (f.status === 'unknown') return 'unverified';
  if (rule && f.severity !== rule.severity) return f.severity;
  return null;
}

class RuleTable {
  readonly descriptors: Json[] = RULES.map((r) => descriptor(r, null));
  private readonly index = new Map<string, number>(RULES.map((r, i) => [r.id, i]));
  private readonly byId = new Map<string, Rule>(RULES.map((r) => [r.id, r]));

  /** The descriptor id and index for a finding, adding a variant descriptor on first use. */
  ref(f: Finding): { id: string; index?: number } {
    const rule = this.byId.get(f.id);
    if (!rule) return { id: f.id };
    const variant = variantOf(f, rule);
    const id = variant === null ? rule.id : `${rule.id}/${variant}`;
    return { id, index: this.indexOf(id, () => descriptor(rule, variant)) };
  }

  drift(): { id: string; index: number } {
    return { id: DRIFT_RULE, index: this.indexOf(DRIFT_RULE, () => DRIFT_DESCRIPTOR) };
  }

  private indexOf(id: string, make: () => Json): number {
    let i = this.index.get(id);
    if (i === undefined) {
      i = this.descriptors.push(make()) - 1;
      this.index.set(id, i);
    }
    return i;
  }
}

const isLive = (r: Report): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(r.target);

function location(path: string, line: number, r: Report, withBase: boolean): Json {
  const artifactLocation: Json = { uri: uriOf(path) };
  if (withBase && !path.startsWith('/')) artifactLocation.uriBaseId = '%SRCROOT%';
  const loc: Json = { physicalLocation: { artifactLocation, region: { startLine: line } } };
  // A live target is also named as what it is: the server, not a file.
  if (isLive(r)) loc.logicalLocations = [{ name: visible(r.target), kind: 'resource' }];
  return loc;
}

/** A relative path as a URI reference (each segment percent-encoded); absolute ones as file:// URIs. */
function uriOf(path: string): string {
  const normalized = path.replace(/\\/g, '/');
  const encoded = normalized.split('/').map(encodeURIComponent).join('/');
  return normalized.startsWith('/') ? `file://${encoded}` : encoded;
}

function results(r: Report, rules: RuleTable, withBase: boolean): Json[] {
  const shown = r.findings.filter((f) => f.status !== 'pass' && f.status !== 'not_applicable');
  const prints = fingerprints(shown, r);
  const out: Json[] = shown.map((f, i) => {
    const ref = rules.ref(f);
    const where = findingArtifact(f, r);
    const res: Json = { ruleId: ref.id };
    if (ref.index !== undefined) res.ruleIndex = ref.index;
    if (f.status === 'unknown') {
      res.kind = 'review';
      res.level = 'none';
    } else {
      res.kind = 'fail';
      res.level = LEVEL[f.severity];
    }
    res.message = { text: visible(f.status === 'unknown' ? `could not be verified: ${f.evidence}` : f.evidence) };
    res.locations = [location(where.path, where.line, r, withBase)];
    res.partialFingerprints = { [FINGERPRINT]: prints[i] };
    if (f.status === 'waived') {
      const w = f.waiver;
      res.suppressions = [{ kind: 'external', status: 'accepted', justification: visible(`${w?.reason ?? 'waived'}${w ? ` (expires ${w.expires})` : ''}`) }];
    }
    res.properties = { severity: f.severity, status: f.status, target: visible(r.target), compliance: f.compliance };
    return res;
  });
  const drift = r.gap?.drift ?? [];
  if (drift.length > 0) {
    const ref = rules.drift();
    const path = reportArtifact(r);
    const prints2 = driftFingerprints(r);
    drift.forEach((d, i) => {
      out.push({
        ruleId: ref.id,
        ruleIndex: ref.index,
        kind: 'fail',
        level: 'note',
        message: { text: visible(driftText(d)) },
        locations: [location(path, 1, r, withBase)],
        partialFingerprints: { [FINGERPRINT]: prints2[i] },
        properties: { directive: visible(d.directive), expected: visible(d.expected), actual: visible(d.actual), target: visible(r.target) },
      });
    });
  }
  return out;
}

function category(reports: readonly Report[], part: number | null): string {
  const base = reports.length === 1 && reports[0] ? reportArtifact(reports[0]) : 'fleet';
  return `redsec/${base}${part === null ? '' : `-${part}`}/`;
}

function run(reports: readonly Report[], opts: SarifOptions, part: number | null): Json {
  const rules = new RuleTable();
  const withBase = opts.cwd !== undefined;
  const res = reports.flatMap((r) => results(r, rules, withBase));
  const failed = reports.filter((r) => r.error);
  const invocation: Json = { executionSuccessful: failed.length === 0 };
  const starts = reports.map((r) => r.started_at).filter((t): t is string => t !== undefined).sort();
  const ends = reports.map((r) => r.finished_at).filter((t): t is string => t !== undefined).sort();
  if (starts[0] !== undefined) invocation.startTimeUtc = starts[0];
  if (ends.length > 0) invocation.endTimeUtc = ends[ends.length - 1];
  if (opts.cwd !== undefined) invocation.workingDirectory = { uri: dirUri(opts.cwd) };
  if (failed.length > 0)
    invocation.toolExecutionNotifications = failed.map((r) => ({
      level: 'error',
      message: { text: visible(notAuditedText(r) ?? 'not audited') },
      descriptor: { id: r.error?.code ?? 'ERROR' },
      locations: [{ logicalLocations: [{ name: visible(r.target), kind: 'resource' }] }],
    }));
  const out: Json = {
    tool: {
      driver: { name: 'redsec', version: reports[0]?.tool.version ?? '', semanticVersion: reports[0]?.tool.version ?? '', informationUri: HOMEPAGE, rules: rules.descriptors },
    },
    automationDetails: { id: category(reports, part) },
    invocations: [invocation],
    results: res,
  };
  if (opts.cwd !== undefined) out.originalUriBaseIds = { '%SRCROOT%': { uri: dirUri(opts.cwd) } };
  out.properties = {
    targets: reports.map((r) => ({ target: visible(r.target), artifact: reportArtifact(r), server: r.server, level_achieved: r.level_achieved, summary: r.summary })),
  };
  return out;
}

function dirUri(dir: string): string {
  const d = dir.replace(/\\/g, '/');
  return `file://${d.split('/').map(encodeURIComponent).join('/')}${d.endsWith('/') ? '' : '/'}`;
}

/** Number of results a report contributes (for splitting fleets too large for one GitHub run). */
function resultCount(r: Report): number {
  return r.findings.filter((f) => f.status !== 'pass' && f.status !== 'not_applicable').length + (r.gap?.drift?.length ?? 0);
}

/**
 * One run; a fleet whose results exceed GitHub's per-run limit is split by target into as few runs
 * as fit (each with its own category, as GitHub requires of several runs in one file).
 */
export function renderSarif(reports: Report | Report[], opts: SarifOptions = {}): string {
  const list = Array.isArray(reports) ? reports : [reports];
  const groups: Report[][] = [[]];
  let count = 0;
  for (const r of list) {
    const n = resultCount(r);
    const current = groups[groups.length - 1] as Report[];
    if (current.length > 0 && count + n > GITHUB_LIMITS.resultsPerRun) {
      groups.push([r]);
      count = n;
    } else {
      current.push(r);
      count += n;
    }
  }
  const runs = groups.map((g, i) => run(g, opts, groups.length > 1 ? i + 1 : null));
  return safeJson({ $schema: SARIF_SCHEMA, version: '2.1.0', runs });
}
