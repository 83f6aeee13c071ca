import { KS_INCOMPLETE, KS_NOT_KEY, KS_VARIABLE, type AclCommand, type CompiledSpec, type GetKeysProc } from './commands.js';
import { asciiLower } from './ascii.js';

/**
 * Key extraction as the ACL check performs it: getKeysFromCommandWithSpecs (7.0+) with its
 * fallbacks to the native getkeys procs, or 6.2's getKeysFromCommand (first/last/step + procs).
 * Each key is an argv position plus the permission bits it needs (read = 1, write = 2, 0 = any).
 */
export interface KeyRef {
  pos: number;
  need: number;
}

const R = 1;
const W = 2;

function ieq(a: string | undefined, lowerB: string): boolean {
  return a !== undefined && a.length === lowerB.length && asciiLower(a) === lowerB;
}

/** Plain decimal digits, no sign, at most 15 of them (exact as a double): the common case. */
function shortDigits(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 15) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** C atoi via strtol: optional leading spaces and sign, digits, saturating to long, then truncated to int. */
function atoi(s: string): number {
  // ToInt32 of an exact integer is BigInt.asIntN(32, ...) of it.
  if (shortDigits(s)) return Number(s) | 0;
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d*)/.exec(s);
  if (!m || !m[2]) return 0;
  let v = BigInt(m[2]);
  if (m[1] === '-') v = -v;
  const max = (1n << 63n) - 1n;
  if (v > max) v = max;
  if (v < -max - 1n) v = -max - 1n;
  return Number(BigInt.asIntN(32, v));
}

/**
 * A key-spec key count: string2ll (strict decimal, optional '-', no leading zeros or '+', fits in
 * int64), non-negative, then truncated to int as the server does; undefined when invalid or negative.
 */
function keyCount(s: string): number | undefined {
  if (shortDigits(s)) return s.length > 1 && s.charCodeAt(0) === 48 ? undefined : Number(s) | 0;
  if (s.length === 0 || s.length > 20 || !/^-?[1-9]\d*$/.test(s)) return undefined;
  const v = BigInt(s);
  if (v > (1n << 63n) - 1n || v < 0n) return undefined;
  return Number(BigInt.asIntN(32, v));
}

// The getkeys procs push into the shared buffer (emptied by extractKeys before they run).

function genericGetKeys(store: number, countAt: number, first: number, step: number, argv: readonly string[]): void {
  const num = atoi(argv[countAt] ?? '');
  if (num < 1 || num > Math.trunc((argv.length - first) / step)) return;
  for (let i = 0; i < num; i++) push(first + i * step, 0);
  if (store) push(store, 0);
}

function sortKeys(argv: readonly string[], ro: boolean, legacy: boolean): void {
  push(1, legacy ? 0 : R);
  if (ro) return;
  let store: number | undefined;
  for (let i = 2; i < argv.length; i++) {
    const a = asciiLower(argv[i]!);
    if (a === 'limit') i += 2;
    else if (a === 'get' || a === 'by') i += 1;
    else if (a === 'store' && i + 1 < argv.length) store = i + 1;
  }
  if (store !== undefined) push(store, legacy ? 0 : W);
}

function migrateKeys(argv: readonly string[], legacy: boolean): void {
  let first = 3;
  let num = 1;
  if (argv.length > 6) {
    for (let i = 6; i < argv.length; i++) {
      const a = asciiLower(argv[i]!);
      if (legacy) {
        if (a === 'keys' && argv[3]!.length === 0) {
          first = i + 1;
          num = argv.length - first;
          break;
        }
        continue;
      }
      if (a === 'keys') {
        if (argv[3]!.length > 0) num = 0;
        else {
          first = i + 1;
          num = argv.length - first;
        }
        break;
      }
      if (a === 'auth') i += 1;
      else if (a === 'auth2') i += 2;
    }
  }
  for (let i = 0; i < num; i++) push(first + i, legacy ? 0 : R | W);
}

function georadiusKeys(argv: readonly string[]): void {
  let stored = -1;
  for (let i = 5; i < argv.length; i++) {
    const a = asciiLower(argv[i]!);
    if ((a === 'store' || a === 'storedist') && i + 1 < argv.length) {
      stored = i + 1;
      i++;
    }
  }
  push(1, 0);
  if (stored !== -1) push(stored, 0);
}

function xreadKeys(argv: readonly string[]): void {
  let streams = -1;
  for (let i = 1; i < argv.length; i++) {
    const a = asciiLower(argv[i]!);
    if (a === 'block' || a === 'count') i++;
    else if (a === 'group') i += 2;
    else if (a === 'noack') continue;
    else if (a === 'streams') {
      streams = i;
      break;
    } else break;
  }
  if (streams === -1) return;
  let num = argv.length - streams - 1;
  if (num === 0 || num % 2 !== 0) return;
  num /= 2;
  for (let i = streams + 1; i < argv.length - num; i++) push(i, 0);
}

function setKeys(argv: readonly string[]): void {
  for (let i = 3; i < argv.length; i++) {
    // The server compares the first three bytes and a terminating NUL.
    if (ieq(argv[i], 'get')) return push(1, R | W);
  }
  push(1, W);
}

function bitfieldKeys(argv: readonly string[]): void {
  let readonly = true;
  for (let i = 2; i < argv.length; i++) {
    const rem = argv.length - i - 1;
    const a = asciiLower(argv[i]!);
    if (a === 'get' && rem >= 2) i += 2;
    else if ((a === 'set' || a === 'incrby') && rem >= 3) {
      readonly = false;
      break;
    } else if (a === 'overflow' && rem >= 1) i += 1;
    else {
      readonly = false;
      break;
    }
  }
  push(1, readonly ? R : R | W);
}

function lcsKeys(argv: readonly string[]): void {
  for (let i = 1; i < argv.length; i++) {
    const a = asciiLower(argv[i]!);
    if (a === 'strings') break;
    if (a === 'keys' && argv.length - 1 - i >= 2) {
      push(i + 1, 0);
      push(i + 2, 0);
      return;
    }
  }
}

function runProc(proc: GetKeysProc, argv: readonly string[], legacy: boolean): void {
  switch (proc) {
    case 'zunionInterDiff':
    case 'lmpop':
    case 'zmpop':
    case 'sintercard':
      return genericGetKeys(0, 1, 2, 1, argv);
    case 'zunionInterDiffStore':
      return genericGetKeys(1, 2, 3, 1, argv);
    case 'eval':
    case 'function':
    case 'blmpop':
    case 'bzmpop':
      return genericGetKeys(0, 2, 3, 1, argv);
    case 'sort':
      return sortKeys(argv, false, legacy);
    case 'sortRO':
      return sortKeys(argv, true, legacy);
    case 'migrate':
      return migrateKeys(argv, legacy);
    case 'georadius':
      return georadiusKeys(argv);
    case 'xread':
      return xreadKeys(argv);
    case 'set':
      return setKeys(argv);
    case 'bitfield':
      return bitfieldKeys(argv);
    case 'memory':
      if (argv.length >= 3 && ieq(argv[1], 'usage')) push(2, 0);
      return;
    case 'lcs':
      return lcsKeys(argv);
  }
}

/**
 * Extracted keys live in one reused buffer: the check runs millions of times and allocating a
 * small array per call shows up as GC time. Valid until the next extraction.
 */
export interface KeyBuffer {
  pos: Int32Array;
  need: Uint8Array;
  n: number;
}

const buffer: KeyBuffer = { pos: new Int32Array(64), need: new Uint8Array(64), n: 0 };

function push(pos: number, need: number): void {
  if (buffer.n === buffer.pos.length) {
    const p = new Int32Array(buffer.n * 2);
    p.set(buffer.pos);
    const nd = new Uint8Array(buffer.n * 2);
    nd.set(buffer.need);
    buffer.pos = p;
    buffer.need = nd;
  }
  buffer.pos[buffer.n] = pos;
  buffer.need[buffer.n] = need;
  buffer.n++;
}

/** getKeysUsingKeySpecs into the buffer; false means "invalid spec", i.e. fall back to the getkeys proc. */
function keysFromSpecs(cmd: AclCommand, argv: readonly string[]): boolean {
  const argc = argv.length;
  buffer.n = 0;
  for (const spec of cmd.specs) {
    if (spec.flags & KS_NOT_KEY) continue;
    const r = oneSpec(spec, cmd, argv, argc);
    if (r === 'skip') continue;
    if (r === 'invalid') {
      buffer.n = 0;
      return false;
    }
  }
  return true;
}

function oneSpec(spec: CompiledSpec, cmd: AclCommand, argv: readonly string[], argc: number): 'ok' | 'skip' | 'invalid' {
  let first = 0;
  const bs = spec.bs;
  if (bs.type === 'index') first = bs.pos;
  else if (bs.type === 'keyword') {
    const kw = bs.keyword;
    const start = bs.startfrom > 0 ? bs.startfrom : argc + bs.startfrom;
    const end = bs.startfrom > 0 ? argc - 1 : 1;
    for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
      if (i >= argc || i < 1) break;
      if (ieq(argv[i], kw)) {
        first = i + 1;
        break;
      }
    }
    if (!first) return 'skip';
  } else return 'invalid';

  let last: number;
  let step: number;
  const fk = spec.fk;
  if (fk.type === 'range') {
    step = fk.keystep;
    if (fk.lastkey >= 0) last = first + fk.lastkey;
    else if (!fk.limit) last = argc + fk.lastkey;
    else last = first + (Math.trunc((argc - first) / fk.limit) + fk.lastkey);
  } else if (fk.type === 'keynum') {
    step = fk.keystep;
    if (fk.keynumidx >= argc) return 'invalid';
    const n = keyCount(argv[first + fk.keynumidx] ?? '');
    if (n === undefined) return 'invalid';
    first += fk.firstkey;
    last = first + n - 1;
  } else return 'invalid';

  if (last >= argc || last < first || first >= argc) return 'invalid';
  for (let i = first; i <= last; i += step) {
    if (i >= argc || i < first) {
      if (cmd.arity < 0) continue;
      return 'invalid';
    }
    push(i, spec.need);
  }
  if (spec.flags & KS_INCOMPLETE) return 'invalid';
  return 'ok';
}

/** The keys of a command line, as the ACL check extracts them (see KeyBuffer for lifetime). */
export function extractKeys(cmd: AclCommand, argv: readonly string[], legacy: boolean): KeyBuffer {
  buffer.n = 0;
  if (legacy) {
    if (cmd.getKeys) {
      runProc(cmd.getKeys, argv, true);
      return buffer;
    }
    if (cmd.firstKey === 0) return buffer;
    const last = cmd.lastKey < 0 ? argv.length + cmd.lastKey : cmd.lastKey;
    for (let j = cmd.firstKey; j <= last; j += cmd.step) {
      if (j >= argv.length) {
        buffer.n = 0;
        return buffer;
      }
      push(j, 0);
    }
    return buffer;
  }
  if (cmd.hasKeySpecNotNotKey && !(cmd.specFlagsAny & KS_VARIABLE) && keysFromSpecs(cmd, argv)) return buffer;
  if (cmd.getKeys) {
    buffer.n = 0;
    runProc(cmd.getKeys, argv, false);
  }
  return buffer;
}

/** extractKeys as a list, for callers off the hot path. */
export function extractKeyList(cmd: AclCommand, argv: readonly string[], legacy: boolean): KeyRef[] {
  const b = extractKeys(cmd, argv, legacy);
  return Array.from({ length: b.n }, (_, i) => ({ pos: b.pos[i]!, need: b.need[i]! }));
}
