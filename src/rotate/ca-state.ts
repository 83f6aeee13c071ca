/**
 * The CA rotation state file: which phase a target's CA rotation is in, the fingerprints of the old
 * and new CA and the paths of the files the rotation wrote. Paths and fingerprints only: never a
 * private key or a secret (the new CA's key lives in its own 0600 file, named here by path).
 * Written 0600 through a temporary file and a rename, like the password rotation's.
 */
import { InputError } from '../errors.js';
import { readStateText, writeStateJson } from './state.js';

/**
 * prepared: the new CA and the overlap CA file exist, the server may not use them yet;
 * overlap: the server trusts old and new CA and still serves a certificate from the old one;
 * switching: the new server certificate files exist, the server may not serve them yet;
 * switched: the server serves a certificate from the new CA, trusts both;
 * finished: the server trusts only the new CA.
 */
export const CA_PHASES = ['prepared', 'overlap', 'switching', 'switched', 'finished'] as const;
export type CaRotationPhase = (typeof CA_PHASES)[number];

export interface CaRotationFiles {
  new_ca_cert: string;
  new_ca_key: string;
  overlap_ca_file: string;
  server_cert?: string | undefined;
  server_key?: string | undefined;
  final_ca_file?: string | undefined;
}

export interface CaRotationState {
  version: 1;
  kind: 'ca-rotation';
  /** The masked target URL: a state file belongs to one target. */
  target: string;
  /** Names this rotation's files (UTC time of begin, e.g. 20261206T041639Z). */
  id: string;
  phase: CaRotationPhase;
  /** SHA-256 fingerprints of the CA certificate(s) being retired. */
  old_ca_fingerprints: string[];
  new_ca_fingerprint: string;
  /** The server's TLS file settings before begin, for a manual roll-back. */
  previous: { tls_ca_cert_file: string; tls_cert_file: string; tls_key_file: string };
  files: CaRotationFiles;
  /** Serial of the server certificate issued from the new CA (switch). */
  new_server_serial?: string | undefined;
  began_at: string;
  switched_at?: string | undefined;
  finished_at?: string | undefined;
}

const HEX64 = /^[0-9a-f]{64}$/;
const ID = /^\d{8}T\d{6}Z$/;

function bad(path: string, why: string): InputError {
  return new InputError(`not a redsec CA rotation state file: ${why}`, path);
}

const str = (v: unknown): v is string => typeof v === 'string' && v !== '' && v.length <= 4096;
const optStr = (v: unknown): boolean => v === undefined || str(v);
const time = (v: unknown): boolean => typeof v === 'string' && !Number.isNaN(Date.parse(v));

/** The state at `path`, or undefined when there is none. */
export function readCaState(path: string): CaRotationState | undefined {
  const text = readStateText(path);
  if (text === undefined) return undefined;
  if (text.length > 64 * 1024) throw bad(path, 'larger than 64 KiB');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw bad(path, 'not JSON');
  }
  const s = data as Partial<CaRotationState> | null;
  if (typeof s !== 'object' || s === null || s.version !== 1 || s.kind !== 'ca-rotation') throw bad(path, 'version is not 1 or kind is not ca-rotation');
  if (!str(s.target)) throw bad(path, 'target missing');
  if (typeof s.id !== 'string' || !ID.test(s.id)) throw bad(path, 'id is not a UTC time stamp');
  if (!CA_PHASES.includes(s.phase as CaRotationPhase)) throw bad(path, 'unknown phase');
  if (!Array.isArray(s.old_ca_fingerprints) || s.old_ca_fingerprints.length === 0 || !s.old_ca_fingerprints.every((f) => typeof f === 'string' && HEX64.test(f))) throw bad(path, 'old_ca_fingerprints are not SHA-256 fingerprints');
  if (typeof s.new_ca_fingerprint !== 'string' || !HEX64.test(s.new_ca_fingerprint)) throw bad(path, 'new_ca_fingerprint is not a SHA-256 fingerprint');
  const p = s.previous;
  if (typeof p !== 'object' || p === null || typeof p.tls_ca_cert_file !== 'string' || typeof p.tls_cert_file !== 'string' || typeof p.tls_key_file !== 'string') throw bad(path, 'previous settings missing');
  const f = s.files;
  if (typeof f !== 'object' || f === null || !str(f.new_ca_cert) || !str(f.new_ca_key) || !str(f.overlap_ca_file) || !optStr(f.server_cert) || !optStr(f.server_key) || !optStr(f.final_ca_file)) throw bad(path, 'file paths missing');
  if (s.new_server_serial !== undefined && (typeof s.new_server_serial !== 'string' || !/^[0-9a-f]{1,64}$/.test(s.new_server_serial))) throw bad(path, 'new_server_serial is not hex');
  if (!time(s.began_at) || (s.switched_at !== undefined && !time(s.switched_at)) || (s.finished_at !== undefined && !time(s.finished_at))) throw bad(path, 'a time is not a time');
  return {
    version: 1,
    kind: 'ca-rotation',
    target: s.target,
    id: s.id,
    phase: s.phase as CaRotationPhase,
    old_ca_fingerprints: [...s.old_ca_fingerprints],
    new_ca_fingerprint: s.new_ca_fingerprint,
    previous: { tls_ca_cert_file: p.tls_ca_cert_file, tls_cert_file: p.tls_cert_file, tls_key_file: p.tls_key_file },
    files: { new_ca_cert: f.new_ca_cert, new_ca_key: f.new_ca_key, overlap_ca_file: f.overlap_ca_file, server_cert: f.server_cert, server_key: f.server_key, final_ca_file: f.final_ca_file },
    new_server_serial: s.new_server_serial,
    began_at: s.began_at as string,
    switched_at: s.switched_at,
    finished_at: s.finished_at,
  };
}

/** Replaces the state file atomically, mode 0600. */
export function writeCaState(path: string, state: CaRotationState): void {
  writeStateJson(path, state);
}
