/**
 * Waivers: accepted risks with a reason and an expiry (what IaC users write as skip comments).
 * A JSON file (no YAML dependency):
 *   { "waivers": [ { "id": "NET-DEFAULT-PORT", "target": "redis://10.0.0.*", "reason": "...", "expires": "2026-12-31" },
 *                  { "id": "AUTH-CLEARTEXT-SECRET", "file": "conf/*.conf", "reason": "...", "expires": "2027-01-31" } ] }
 * `target` globs the masked URL or host:port, `file` globs a finding's file (a pattern without "/"
 * matches the base name); with neither the waiver applies everywhere. A waiver is valid through its
 * expiry day (UTC); after that it no longer applies and the report says so.
 */
import { basename } from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { readInputFile } from '../input-file.js';
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

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, 'is not a real date');

const waiverSchema = z.strictObject({
  id: z.string().regex(/^[A-Z][A-Z0-9-]+$/, 'must be a rule ID such as NET-BIND-ALL'),
  target: z.string().min(1).optional(),
  file: z.string().min(1).optional(),
  reason: z.string().trim().min(1, 'a waiver needs a reason'),
  expires: isoDate,
});

const fileSchema = z.union([z.strictObject({ waivers: z.array(waiverSchema) }), z.array(waiverSchema)]);

export function parseWaivers(text: string, source: string): Waiver[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`not valid JSON (${(e as Error).message.split('\n')[0]})`, source);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'file';
    throw new InputError(`${where}: ${issue?.message ?? 'invalid waiver'}`, source);
  }
  const list = Array.isArray(parsed.data) ? parsed.data : parsed.data.waivers;
  return list.map((w) => ({
    id: w.id,
    reason: w.reason,
    expires: w.expires,
    ...(w.target !== undefined ? { target: w.target } : {}),
    ...(w.file !== undefined ? { file: w.file } : {}),
  }));
}

export function loadWaivers(path: string): Waiver[] {
  return parseWaivers(readInputFile(path, 'waivers file'), path);
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
