/**
 * What code-scanning formats share: where a result points (its artifact path) and its stable
 * fingerprint. A fingerprint is built from the rule, the artifact and the finding's subject (a
 * directive, `user NAME`, a listener), never from line numbers or evidence wording, so an inserted
 * comment line or a reworded message keeps the alert open instead of closing and reopening it.
 */
import { createHash } from 'node:crypto';
import type { Finding, Report } from './types.js';

/** `redis/<host>_<port>` from a masked URL; a stable, relative pseudo-path for a live target. */
export function defaultArtifact(target: string): string {
  let hostPort = target;
  try {
    const u = new URL(target);
    // Host names are case-insensitive; URL leaves non-special schemes' hosts as written.
    hostPort = `${u.hostname.replace(/^\[|\]$/g, '').toLowerCase()}_${u.port || '6379'}`;
  } catch {
    // not a URL (a file path or host:port): sanitised below
  }
  return `redis/${hostPort.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '') || 'target'}`;
}

/** The artifact results of this report point at when a finding has no file location. */
export function reportArtifact(r: Report): string {
  return r.artifact ?? defaultArtifact(r.target);
}

/** The file a finding points at, and the line (1 for whole-file or live findings). */
export function findingArtifact(f: Finding, r: Report): { path: string; line: number } {
  if (f.location) return { path: f.location.file, line: Math.max(1, f.location.line) };
  return { path: reportArtifact(r), line: 1 };
}

/**
 * Fingerprints for a report's findings, in order. Findings of one rule on one artifact with no
 * subject to tell them apart get an ordinal in report order (rule order is fixed, so it only moves
 * when such a finding appears or disappears).
 */
export function fingerprints(findings: readonly Finding[], r: Report): string[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const base = `${f.id}\u0000${findingArtifact(f, r).path}\u0000${f.subject ?? ''}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return createHash('sha256')
      .update(n === 1 ? base : `${base}\u0000${n}`)
      .digest('hex')
      .slice(0, 32);
  });
}

/** Fingerprints of a report's drifted directives (rule PROFILE-DRIFT, the directive as subject). */
export function driftFingerprints(r: Report): string[] {
  const drift = r.gap?.drift ?? [];
  return fingerprints(
    drift.map((d): Finding => ({ id: 'PROFILE-DRIFT', title: '', severity: 'info', status: 'fail', evidence: '', remediation: { text: '' }, compliance: [], subject: d.directive })),
    r,
  );
}
