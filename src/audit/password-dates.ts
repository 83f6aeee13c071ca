/**
 * When passwords were set, for AUTH-PASSWORD-AGE. Redis keeps no such date, so it comes from files:
 *   --rotation-state FILE   redsec rotate password's state: the new hash was set at began_at, the
 *                           old hashes existed then (a lower bound on their age);
 *   --password-dates FILE   a dated baseline the operator keeps (spec: a sidecar JSON beside the
 *                           hashes-only users.acl): {"version":1,"passwords":[{"user","sha256","set_at","target"?}]}.
 * Both hold hashes and times only. Records name their server (state files always, baselines
 * optionally) and are narrowed to the audited one by host and port.
 */
import { InputError } from '../errors.js';
import { readInputFile } from '../input-file.js';
import { parseTarget, type Target } from '../resp/index.js';
import { readFleetState } from '../rotate/fleet-state.js';
import { readState, type RotationState } from '../rotate/state.js';
import type { PasswordDate, PasswordDates } from '../rules/types.js';

/** A record and the server it belongs to (undefined: every server). */
export interface PasswordRecord extends PasswordDate {
  server?: { host: string; port: number } | undefined;
}

export interface PasswordRecords {
  sources: string[];
  records: PasswordRecord[];
}

const HEX64 = /^[0-9a-f]{64}$/;
const MAX_RECORDS = 100_000;

function serverOf(url: string, file: string, where: string): { host: string; port: number } {
  try {
    const t = parseTarget(url);
    return { host: t.host.toLowerCase(), port: t.port };
  } catch {
    throw new InputError(`${where}: target is not a redis:// or rediss:// URL`, file);
  }
}

/** The per-server states in a state file: a single target's, or each node's of a `--targets` fleet. */
function statesIn(path: string): RotationState[] {
  let kind: unknown;
  try {
    kind = (JSON.parse(readInputFile(path, 'rotation state file')) as { kind?: unknown } | null)?.kind;
  } catch (e) {
    if (e instanceof InputError) throw e;
    // Not JSON: the state reader below says so in its words.
  }
  const states = kind === 'fleet' ? readFleetState(path)?.nodes : [readState(path)].filter((x): x is RotationState => x !== undefined);
  if (!states) throw new InputError('rotation state file does not exist', path);
  return states;
}

/** One rotation state file: each new hash dated exactly, the old hashes bounded by begin. */
export function rotationStateRecords(path: string): PasswordRecord[] {
  return statesIn(path).flatMap((state) => {
    const server = serverOf(state.target, path, 'target');
    const base = { user: state.user, at: state.began_at, source: path, server };
    return [{ ...base, hash: state.new_hash, kind: 'set' as const }, ...state.old_hashes.map((hash): PasswordRecord => ({ ...base, hash, kind: 'before' }))];
  });
}

/** A dated baseline (see the header); bad input names the file and the entry. */
export function parsePasswordDates(text: string, file: string): PasswordRecord[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new InputError('not JSON (expected {"version": 1, "passwords": [...]})', file);
  }
  const doc = data as { version?: unknown; passwords?: unknown } | null;
  if (typeof doc !== 'object' || doc === null || doc.version !== 1) throw new InputError('version is not 1', file);
  if (!Array.isArray(doc.passwords)) throw new InputError('"passwords" is not a list', file);
  if (doc.passwords.length > MAX_RECORDS) throw new InputError(`more than ${MAX_RECORDS} passwords`, file);
  return doc.passwords.map((raw: unknown, i): PasswordRecord => {
    const where = `passwords[${i}]`;
    const e = raw as { user?: unknown; sha256?: unknown; set_at?: unknown; target?: unknown } | null;
    if (typeof e !== 'object' || e === null) throw new InputError(`${where} is not an object`, file);
    if (typeof e.user !== 'string' || e.user === '' || e.user.length > 256) throw new InputError(`${where}.user is not a user name`, file);
    if (typeof e.sha256 !== 'string' || !HEX64.test(e.sha256)) throw new InputError(`${where}.sha256 is not 64 lowercase hex characters (the SHA-256 of the password, as ACL LIST shows it)`, file);
    if (typeof e.set_at !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(e.set_at) || Number.isNaN(Date.parse(e.set_at))) throw new InputError(`${where}.set_at is not an ISO date (e.g. 2026-03-01 or 2026-03-01T12:00:00Z)`, file);
    if (e.target !== undefined && typeof e.target !== 'string') throw new InputError(`${where}.target is not a URL`, file);
    return {
      user: e.user,
      hash: e.sha256,
      at: new Date(Date.parse(e.set_at)).toISOString(),
      kind: 'set',
      source: file,
      server: e.target !== undefined ? serverOf(e.target, file, `${where}.target`) : undefined,
    };
  });
}

export function loadPasswordRecords(statePaths: readonly string[], datePaths: readonly string[]): PasswordRecords {
  return {
    sources: [...statePaths, ...datePaths],
    records: [...statePaths.flatMap(rotationStateRecords), ...datePaths.flatMap((p) => parsePasswordDates(readInputFile(p, 'password dates file'), p))],
  };
}

/** The records that concern one server. */
export function passwordDatesFor(records: PasswordRecords, target: Target): PasswordDates {
  const host = target.host.toLowerCase();
  return {
    sources: records.sources,
    entries: records.records.filter((r) => r.server === undefined || (r.server.host === host && r.server.port === target.port)).map(({ server: _server, ...date }) => date),
  };
}
