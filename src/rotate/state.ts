/**
 * The rotation state file: which target and user are mid-rotation, the SHA-256 hashes involved and
 * when each phase happened. Never a plaintext password (Redis itself stores only these hashes).
 * Written 0600 through a temporary file and a rename, so a crash leaves the old or the new state,
 * never half of one.
 */
import { chmodSync, readFileSync, renameSync, writeFileSync, unlinkSync } from 'node:fs';
import { InputError } from '../errors.js';

export type RotationPhase = 'pending' | 'begun' | 'finished';

export interface RotationState {
  version: 1;
  /** The masked target URL and the rotated user: a state file belongs to one of each. */
  target: string;
  user: string;
  /**
   * pending: the new hash was chosen (and the secret written to --secret-out) but begin did not
   * complete; begun: the user holds old and new; finished: only the new one remains.
   */
  phase: RotationPhase;
  /** SHA-256 (hex) of the new password. */
  new_hash: string;
  /** The user's password hashes before begin: what finish removes. */
  old_hashes: string[];
  /** ISO time taken right before ACL SETUSER was sent: connections older than this use an old password. */
  began_at: string;
  finished_at?: string | undefined;
}

const HEX64 = /^[0-9a-f]{64}$/;

export function bad(path: string, why: string): InputError {
  return new InputError(`not a redsec rotation state file: ${why}`, path);
}

/** The state at `path`, or undefined when there is none. */
export function readState(path: string): RotationState | undefined {
  const text = readStateText(path);
  if (text === undefined) return undefined;
  const data = parseStateText(text, path, 64 * 1024);
  if (typeof data === 'object' && data !== null && (data as { kind?: unknown }).kind === 'fleet') {
    throw new InputError('this state file records a fleet rotation: run with the same --targets, --replica and --sentinel', path);
  }
  return validState(data, path);
}

/** The state file's text, or undefined when there is none. */
export function readStateText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new InputError(`cannot read state file (${code ?? 'unreadable'})`, path);
  }
}

/** JSON of at most `max` characters, or an InputError. */
export function parseStateText(text: string, path: string, max: number): unknown {
  if (text.length > max) throw bad(path, `larger than ${max / 1024} KiB`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw bad(path, 'not JSON');
  }
}

/** One target's state checked field by field (a fleet's file holds one per node). */
export function validState(data: unknown, path: string): RotationState {
  const s = data as Partial<RotationState> | null;
  if (typeof s !== 'object' || s === null || s.version !== 1) throw bad(path, 'version is not 1');
  if (typeof s.target !== 'string' || typeof s.user !== 'string') throw bad(path, 'target or user missing');
  if (s.phase !== 'pending' && s.phase !== 'begun' && s.phase !== 'finished') throw bad(path, 'unknown phase');
  if (typeof s.new_hash !== 'string' || !HEX64.test(s.new_hash)) throw bad(path, 'new_hash is not a SHA-256 hex digest');
  if (!Array.isArray(s.old_hashes) || !s.old_hashes.every((h) => typeof h === 'string' && HEX64.test(h))) throw bad(path, 'old_hashes are not SHA-256 hex digests');
  if (typeof s.began_at !== 'string' || Number.isNaN(Date.parse(s.began_at))) throw bad(path, 'began_at is not a time');
  if (s.finished_at !== undefined && (typeof s.finished_at !== 'string' || Number.isNaN(Date.parse(s.finished_at)))) throw bad(path, 'finished_at is not a time');
  return { version: 1, target: s.target, user: s.user, phase: s.phase, new_hash: s.new_hash, old_hashes: [...s.old_hashes], began_at: s.began_at, finished_at: s.finished_at };
}

/** Replaces the state file atomically, mode 0600. */
export function writeState(path: string, state: RotationState): void {
  writeStateJson(path, state);
}

/** Any state document, replaced atomically through a 0600 temporary file and a rename. */
export function writeStateJson(path: string, state: object): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(tmp, 0o600);
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was created
    }
    throw new InputError(`cannot write state file (${(e as NodeJS.ErrnoException).code ?? 'error'})`, path);
  }
}
