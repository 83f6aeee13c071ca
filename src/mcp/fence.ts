/**
 * The read fence of the MCP server, decided before the filesystem is touched outside it. A path
 * is resolved one component at a time from `/`: a component is looked at (lstat, readlink) only
 * when it lies inside an allowed directory; ancestors of an allowed directory are taken as the
 * directories they are; anything else is outside, without a stat. So a refusal never depends on
 * what exists outside the fence (`/etc/shadow` and `/etc/shadowXX` get the same answer), and a
 * symlink inside the fence that points out, or `..` after it, is caught like the kernel would see it.
 */
import { lstatSync, readlinkSync } from 'node:fs';
import { posix as path } from 'node:path';

/** `inner` is `outer` or below it (both absolute, normalised paths). */
export function isWithin(outer: string, inner: string): boolean {
  const rel = path.relative(outer, inner);
  return rel === '' || (!rel.startsWith('../') && rel !== '..' && !path.isAbsolute(rel));
}

export type Fenced = { inside: true; real: string; exists: boolean } | { inside: false };

const MAX_LINKS = 40; // the kernel's ELOOP bound

/** Where `p` (absolute) really leads, if it stays inside one of `roots` (real, absolute paths). */
export function fencedPath(roots: readonly string[], p: string): Fenced {
  if (!path.isAbsolute(p) || p.includes('\0')) return { inside: false };
  const insideRoot = (q: string) => roots.some((r) => isWithin(r, q));
  const aboveRoot = (q: string) => roots.some((r) => isWithin(q, r));
  const pending = p.split('/').filter((c) => c !== '' && c !== '.');
  let current = '/';
  let links = 0;
  while (pending.length > 0) {
    const c = pending.shift()!;
    // `current` has no symlinks in it, so its parent is what the kernel's `..` reaches.
    const next = c === '..' ? path.dirname(current) : path.join(current, c);
    if (!insideRoot(next)) {
      if (aboveRoot(next)) {
        current = next; // an ancestor of an allowed directory: a real directory, no need to look
        continue;
      }
      return { inside: false };
    }
    if (c === '..') {
      current = next;
      continue;
    }
    let isLink: boolean;
    try {
      isLink = lstatSync(next).isSymbolicLink();
    } catch {
      // Missing inside the fence: nothing further can exist (the kernel stops here too).
      return { inside: true, real: next, exists: false };
    }
    if (!isLink) {
      current = next;
      continue;
    }
    if (++links > MAX_LINKS) return { inside: true, real: next, exists: false };
    const target = readlinkSync(next);
    if (target.startsWith('/')) current = '/';
    pending.unshift(...target.split('/').filter((t) => t !== '' && t !== '.'));
  }
  return insideRoot(current) ? { inside: true, real: current, exists: true } : { inside: false };
}
