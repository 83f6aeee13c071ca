/**
 * JUnit XML as Jenkins, GitLab and Azure Pipelines read it: one <testsuite> per target or linted
 * file, one <testcase> per rule; a rule with a failing finding is a <failure>, one that could not be
 * verified an <error>, one that does not apply or is waived <skipped>. A target that could not be
 * audited is a suite with one <error>. schema/junit.xsd describes the shape; the tests validate with xmllint.
 */
import { visible } from '../text/visible.js';
import { visibleLines } from './escape.js';
import { driftText, notAuditedText, serverText } from './describe.js';
import { reportArtifact } from './fingerprint.js';
import type { Finding, Report } from './types.js';

/** Characters XML 1.0 cannot carry even as references: lone surrogates and U+FFFE/U+FFFF. */
const XML_INVALID = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|[\ufffe\uffff]/g;
const XML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

function xmlSafe(s: string): string {
  return s.replace(XML_INVALID, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).replace(/[&<>"']/g, (c) => XML[c] ?? c);
}
/** One line (attributes): controls and newlines as visible escapes. */
const attr = (s: string): string => xmlSafe(visible(s));
/** Element text: newlines kept, other controls visible. */
const text = (s: string): string => xmlSafe(visibleLines(s));

function seconds(r: Report): string {
  const ms = r.started_at && r.finished_at ? Date.parse(r.finished_at) - Date.parse(r.started_at) : 0;
  return (Number.isFinite(ms) && ms > 0 ? ms / 1000 : 0).toFixed(3);
}

interface Case {
  xml: string;
  outcome: 'pass' | 'failure' | 'error' | 'skipped';
}

function detail(f: Finding): string {
  const loc = f.location ? ` (${f.location.file}:${f.location.line})` : '';
  const lines = [`[${f.status}${f.status === 'fail' ? ` ${f.severity}` : ''}] ${visible(f.evidence)}${visible(loc)}`];
  if (f.status === 'fail' || f.status === 'unknown') lines.push(`  fix: ${visible(f.remediation.text)}`);
  if (f.waiver) lines.push(`  waived until ${visible(f.waiver.expires)}: ${visible(f.waiver.reason)}`);
  return lines.join('\n');
}

function testcase(id: string, findings: Finding[], classname: string): Case {
  const first = findings[0] as Finding;
  const failing = findings.filter((f) => f.status === 'fail');
  const unknown = findings.filter((f) => f.status === 'unknown');
  const loc = (failing[0] ?? unknown[0] ?? first).location;
  const open = `    <testcase name="${attr(`${id}: ${first.title}`)}" classname="${attr(classname)}" time="0"${loc ? ` file="${attr(loc.file)}" line="${Math.max(1, loc.line)}"` : ''}`;
  const body = text(findings.map(detail).join('\n'));
  if (failing.length > 0) {
    const worst = failing[0] as Finding;
    return {
      outcome: 'failure',
      xml: `${open}>\n      <failure message="${attr(worst.evidence)}" type="${attr(worst.severity)}">${body}</failure>\n    </testcase>`,
    };
  }
  if (unknown.length > 0)
    return { outcome: 'error', xml: `${open}>\n      <error message="${attr(`could not be verified: ${(unknown[0] as Finding).evidence}`)}" type="unknown">${body}</error>\n    </testcase>` };
  if (findings.every((f) => f.status === 'not_applicable' || f.status === 'waived')) {
    const why = findings.find((f) => f.status === 'waived') ?? first;
    const message = why.status === 'waived' ? `waived: ${why.waiver?.reason ?? ''}` : `not applicable: ${why.evidence}`;
    return { outcome: 'skipped', xml: `${open}>\n      <skipped message="${attr(message)}"/>\n    </testcase>` };
  }
  return { outcome: 'pass', xml: `${open}/>` };
}

function suite(r: Report): { xml: string; tests: number; failures: number; errors: number; skipped: number } {
  const classname = `redsec.${reportArtifact(r)}`;
  const cases: Case[] = [];
  const notAudited = notAuditedText(r);
  if (notAudited !== null) {
    cases.push({
      outcome: 'error',
      xml: `    <testcase name="not audited" classname="${attr(classname)}" time="0">\n      <error message="${attr(notAudited)}" type="${attr(r.error?.code ?? 'error')}"/>\n    </testcase>`,
    });
  } else {
    const byRule = new Map<string, Finding[]>();
    for (const f of r.findings) byRule.set(f.id, [...(byRule.get(f.id) ?? []), f]);
    for (const [id, fs] of byRule) cases.push(testcase(id, fs, classname));
    for (const d of r.gap?.drift ?? [])
      cases.push({
        outcome: 'failure',
        xml: `    <testcase name="${attr(`PROFILE-DRIFT: ${d.directive}`)}" classname="${attr(classname)}" time="0">\n      <failure message="${attr(driftText(d))}" type="drift"/>\n    </testcase>`,
      });
  }
  const n = (o: Case['outcome']) => cases.filter((c) => c.outcome === o).length;
  const counts = { tests: cases.length, failures: n('failure'), errors: n('error'), skipped: n('skipped') };
  const stamp = r.started_at ? ` timestamp="${attr(r.started_at.replace(/\.\d+Z$|Z$/, ''))}"` : '';
  const props = [
    ['target', r.target],
    ['server', serverText(r)],
    ['level_achieved', r.level_achieved === null ? 'not measured' : String(r.level_achieved)],
    ...(r.started_at ? [['started_at', r.started_at]] : []),
    ...(r.finished_at ? [['finished_at', r.finished_at]] : []),
  ];
  const xml = [
    `  <testsuite name="${attr(r.target)}" tests="${counts.tests}" failures="${counts.failures}" errors="${counts.errors}" skipped="${counts.skipped}" time="${seconds(r)}"${stamp}>`,
    '    <properties>',
    ...props.map(([k, v]) => `      <property name="${attr(k as string)}" value="${attr(v as string)}"/>`),
    '    </properties>',
    ...cases.map((c) => c.xml),
    '  </testsuite>',
  ].join('\n');
  return { xml, ...counts };
}

export function renderJunit(reports: Report | Report[]): string {
  const list = Array.isArray(reports) ? reports : [reports];
  const suites = list.map(suite);
  const sum = (k: 'tests' | 'failures' | 'errors' | 'skipped') => suites.reduce((a, s) => a + s[k], 0);
  const time = list.reduce((a, r) => a + Number(seconds(r)), 0).toFixed(3);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="redsec" tests="${sum('tests')}" failures="${sum('failures')}" errors="${sum('errors')}" skipped="${sum('skipped')}" time="${time}">`,
    ...suites.map((s) => s.xml),
    '</testsuites>',
    '',
  ].join('\n');
}
