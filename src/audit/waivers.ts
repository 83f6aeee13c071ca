/**
 * Waivers: accepted risks with a reason and an expiry (what IaC users write as skip comments).
 * A JSON file (no YAML dependency):
 *   { "waivers": [ { "id": "NET-DEFAULT-PORT", "target": "redis://10.0.0.*", "reason": "...", "expires": "2026-12-31" },
 *                  { "id": "AUTH-CLEARTEXT-SECRET", "file": "conf/*.conf", "reason": "...", "expires": "2027-01-31" } ] }
 * `target` globs the masked URL or host:port, `file` globs a finding's file (a pattern without "/"
 * matches the base name); with neither the waiver applies everywhere. A waiver is valid through its
 * expiry day (UTC); after that it no longer applies and the report says so. Reading the file
 * (with its zod schema) is waivers-file.ts, so that an audit without waivers never loads zod.
 */
import { basename } from 'node:path';
import type { Finding } from '../report/types.js';
import { globMatch } from './glob.js';

export interface Waiver {
  id: string;
  target?: string;
  file?: string;
  reason: string;
  expires: string;
}

export type WaiverState = 'applied' | 'expired' | 'unused';

export interface WaiverUse extends Waiver {
  state: WaiverState;
}

/** Today as YYYY-MM-DD in UTC. */
export const today = (now: Date = new Date()): string => now.toISOString().slice(0, 10);

function matchesTarget(w: Waiver, target: string): boolean {
  if (w.target === undefined) return true;
  const hostPort = /^[a-z]+:\/\/(?:[^@/]*@)?([^/?#]+)/i.exec(target)?.[1];
  return globMatch(w.target, target) || (hostPort !== undefined && globMatch(w.target, hostPort));
}

function matchesFile(w: Waiver, finding: Finding, target: string): boolean {
  if (w.file === undefined) return true;
  const file = finding.location?.file ?? target;
  const pattern = w.file;
  return pattern.includes('/') ? globMatch(pattern, file) || globMatch(`**/${pattern}`, file) : globMatch(pattern, basename(file));
}

/**
 * Applies waivers to one target's findings. Failing or unknown findings matched by a live waiver
 * become `waived`; those matched only by expired waivers keep their status and carry the expired
 * waiver so reports show it. Returns the findings and how each waiver was used.
 */
export function applyWaivers(
  findings: Finding[],
  waivers: Waiver[],
  target: string,
  on: string = today(),
): { findings: Finding[]; uses: WaiverUse[] } {
  const state = new Map<Waiver, WaiverState>(waivers.map((w) => [w, 'unused']));
  const out = findings.map((f) => {
    if (f.status !== 'fail' && f.status !== 'unknown') return f;
    const matching = waivers.filter((w) => w.id === f.id && matchesTarget(w, target) && matchesFile(w, f, target));
    const live = matching.find((w) => w.expires >= on);
    if (live) {
      state.set(live, 'applied');
      return { ...f, status: 'waived' as const, waiver: { reason: live.reason, expires: live.expires } };
    }
    const expired = matching[0];
    if (expired) {
      if (state.get(expired) !== 'applied') state.set(expired, 'expired');
      return { ...f, waiver: { reason: expired.reason, expires: expired.expires, expired: true } };
    }
    return f;
  });
  return { findings: out, uses: waivers.map((w) => ({ ...w, state: state.get(w) ?? 'unused' })) };
}
