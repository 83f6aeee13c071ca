/**
 * The state file of a fleet rotation: one new password for every node (--targets, cluster nodes)
 * plus the replicas and sentinels that authenticate with it. It holds each node's own state
 * (state.ts: hashes and times), which replica and sentinel got the new password and when, and
 * never a plaintext. Replaced atomically, 0600, like a single target's.
 */
import { InputError } from '../errors.js';
import { bad, parseStateText, readStateText, validState, writeStateJson, type RotationPhase, type RotationState } from './state.js';

/** A replica (masterauth) or sentinel (auth-pass) that gets a copy of the password. */
export interface PeerState {
  /** The masked URL. */
  target: string;
  /** When it was given the new password (and, for a replica, persisted and re-linked with it). */
  updated_at?: string | undefined;
}

export interface FleetRotationState {
  version: 1;
  kind: 'fleet';
  user: string;
  /** pending: the password was chosen; begun: every node, replica and sentinel has it; finished. */
  phase: RotationPhase;
  new_hash: string;
  began_at: string;
  finished_at?: string | undefined;
  nodes: RotationState[];
  replicas: PeerState[];
  /** The monitored master's name on the sentinels. */
  sentinel_master?: string | undefined;
  sentinels: PeerState[];
}

const HEX64 = /^[0-9a-f]{64}$/;
const isTime = (v: unknown): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v));

function peers(list: unknown, path: string, what: string): PeerState[] {
  if (!Array.isArray(list) || list.length > 10_000) throw bad(path, `${what} is not a list`);
  return list.map((p: unknown) => {
    const v = p as Partial<PeerState> | null;
    if (typeof v !== 'object' || v === null || typeof v.target !== 'string') throw bad(path, `a ${what} entry has no target`);
    if (v.updated_at !== undefined && !isTime(v.updated_at)) throw bad(path, `a ${what} entry's updated_at is not a time`);
    return { target: v.target, updated_at: v.updated_at };
  });
}

export function readFleetState(path: string): FleetRotationState | undefined {
  const text = readStateText(path);
  if (text === undefined) return undefined;
  const data = parseStateText(text, path, 16 * 1024 * 1024);
  const s = data as Partial<FleetRotationState> | null;
  if (typeof s !== 'object' || s === null || s.version !== 1) throw bad(path, 'version is not 1');
  if (s.kind !== 'fleet') throw new InputError('this state file records a single-target rotation: run it without --targets, --replica and --sentinel', path);
  if (typeof s.user !== 'string') throw bad(path, 'user missing');
  if (s.phase !== 'pending' && s.phase !== 'begun' && s.phase !== 'finished') throw bad(path, 'unknown phase');
  if (typeof s.new_hash !== 'string' || !HEX64.test(s.new_hash)) throw bad(path, 'new_hash is not a SHA-256 hex digest');
  if (!isTime(s.began_at)) throw bad(path, 'began_at is not a time');
  if (s.finished_at !== undefined && !isTime(s.finished_at)) throw bad(path, 'finished_at is not a time');
  if (!Array.isArray(s.nodes) || s.nodes.length > 10_000) throw bad(path, 'nodes is not a list');
  if (s.sentinel_master !== undefined && typeof s.sentinel_master !== 'string') throw bad(path, 'sentinel_master is not a name');
  return {
    version: 1,
    kind: 'fleet',
    user: s.user,
    phase: s.phase,
    new_hash: s.new_hash,
    began_at: s.began_at,
    finished_at: s.finished_at,
    nodes: s.nodes.map((n) => validState(n, path)),
    replicas: peers(s.replicas, path, 'replicas'),
    sentinel_master: s.sentinel_master,
    sentinels: peers(s.sentinels, path, 'sentinels'),
  };
}

export function writeFleetState(path: string, state: FleetRotationState): void {
  writeStateJson(path, state);
}
