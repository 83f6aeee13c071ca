/**
 * The new certificate and key files of a TLS rotation, written beside the ones in service: a new
 * name (the old files stay, for a rollback), created atomically (a temp file in the same folder,
 * completed and synced, then linked to its final name, which never replaces an existing file), the
 * key 0600, and owned like the file it replaces when redsec runs as root (redis-server must read it).
 */
import { closeSync, existsSync, fchmodSync, fchownSync, fsyncSync, linkSync, openSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { InputError } from '../errors.js';

/** A stamp earlier rotations put in a name (`redis.20261206T041638Z.crt`), dropped before adding the new one. */
const STAMP = /\.\d{8}T\d{6}Z(?:-\d{1,3})?$/;

/** `2026-12-06T04:16:38.123Z` → `20261206T041638Z`. */
export function rotationStamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/** `/etc/redis/tls/redis.crt` → `/etc/redis/tls/redis.<stamp>.crt` (an earlier stamp replaced). */
export function pathBeside(current: string, stamp: string): string {
  const ext = extname(current);
  const stem = basename(current, ext).replace(STAMP, '');
  return join(dirname(current), `${stem}.${stamp}${ext}`);
}

/** A stamp under which none of `paths` exists yet (`…Z`, then `…Z-2`, `…Z-3` ...: two rotations in one second). */
export function freeStamp(paths: readonly string[], now: Date): string {
  const base = rotationStamp(now);
  for (let i = 1; i < 1000; i++) {
    const stamp = i === 1 ? base : `${base}-${i}`;
    if (paths.every((p) => !existsSync(pathBeside(p, stamp)))) return stamp;
  }
  throw new InputError('no free file name for the new certificate', dirname(paths[0] ?? '.'));
}

/** Writes `content` to the new file `path` (never over an existing one); returns `path`. */
export function writeNewFile(path: string, content: string, mode: number, ownerLike?: string): string {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', mode);
  } catch (e) {
    throw new InputError(`cannot create a file in this folder (${(e as NodeJS.ErrnoException).code ?? 'error'}): redsec must run where the server's files are, with write access`, dirname(path));
  }
  try {
    writeSync(fd, content);
    // The umask may have cleared bits: the file ends exactly at its mode.
    fchmodSync(fd, mode);
    if (ownerLike !== undefined && process.getuid?.() === 0) {
      const st = statSync(ownerLike);
      fchownSync(fd, st.uid, st.gid);
    }
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  closeSync(fd);
  try {
    // link() fails with EEXIST instead of replacing: an existing file is never overwritten.
    linkSync(tmp, path);
  } catch (e) {
    throw new InputError(`cannot create (${(e as NodeJS.ErrnoException).code ?? 'error'})`, path);
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
  }
  return path;
}

/** Removes files this rotation created (after a refused CONFIG SET): nothing half-done stays behind. */
export function removeFiles(paths: readonly string[]): void {
  for (const p of paths) {
    try {
      unlinkSync(p);
    } catch {
      // already gone
    }
  }
}
