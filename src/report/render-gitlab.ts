/**
 * GitLab Code Quality JSON (the artifact its merge-request widget reads: reports:codequality): one
 * issue per failing or unverified finding and per drifted directive, with the same fingerprints as
 * SARIF. Waived findings are left out (Code Quality has no suppressions); `unknown` findings are
 * `info` issues named ID/unverified, never a blocker; a target that could not be audited is one
 * `info` issue NOT-AUDITED saying why.
 */
import { visible } from '../text/visible.js';
import { driftText, notAuditedText } from './describe.js';
import { driftFingerprints, findingArtifact, fingerprints, reportArtifact } from './fingerprint.js';
import { safeJson } from './safe-json.js';
import type { Finding, Report, Severity } from './types.js';

type GitlabSeverity = 'info' | 'minor' | 'major' | 'critical' | 'blocker';
const SEVERITY: Record<Severity, GitlabSeverity> = { critical: 'blocker', high: 'critical', medium: 'major', low: 'minor', info: 'info' };

interface Issue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: GitlabSeverity;
  location: { path: string; lines: { begin: number } };
}

function issues(r: Report): Issue[] {
  const notAudited = notAuditedText(r);
  if (notAudited !== null) {
    // Nothing was checked: one issue says so (info, like an unverified check), so the widget is not silent.
    const print = fingerprints([{ id: 'NOT-AUDITED', title: '', severity: 'info', status: 'unknown', evidence: '', remediation: { text: '' }, compliance: [] }], r)[0] as string;
    return [{ description: visible(notAudited), check_name: 'NOT-AUDITED', fingerprint: print, severity: 'info', location: { path: reportArtifact(r), lines: { begin: 1 } } }];
  }
  // The same list SARIF fingerprints, so the two formats agree on every fingerprint.
  const shown = r.findings.filter((f) => f.status !== 'pass' && f.status !== 'not_applicable');
  const prints = fingerprints(shown, r);
  const out: Issue[] = [];
  shown.forEach((f: Finding, i) => {
    if (f.status === 'waived') return;
    const where = findingArtifact(f, r);
    const unknown = f.status === 'unknown';
    out.push({
      description: visible(`${f.id}: ${unknown ? `could not be verified: ${f.evidence}` : f.evidence}`),
      check_name: unknown ? `${f.id}/unverified` : f.id,
      fingerprint: prints[i] as string,
      severity: unknown ? 'info' : SEVERITY[f.severity],
      location: { path: where.path, lines: { begin: where.line } },
    });
  });
  const drift = r.gap?.drift ?? [];
  const driftPrints = driftFingerprints(r);
  drift.forEach((d, i) =>
    out.push({
      description: visible(`PROFILE-DRIFT: ${driftText(d)}`),
      check_name: 'PROFILE-DRIFT',
      fingerprint: driftPrints[i] as string,
      severity: 'minor',
      location: { path: reportArtifact(r), lines: { begin: 1 } },
    }),
  );
  return out;
}

export function renderGitlab(reports: Report | Report[]): string {
  const list = Array.isArray(reports) ? reports : [reports];
  return safeJson(list.flatMap(issues));
}
