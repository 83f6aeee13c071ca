/**
 * The filesystem fence of the MCP server: a model may name files only under the directories the
 * operator allowed at start (--allow-read, --allow-write). Paths are compared after resolving
 * symlinks, so a link inside a root that points outside it is refused like `../`.
 */
import { existsSync, lstatSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { fencedPath, isWithin } from './fence.js';

export { isWithin };

/** An allowed directory, with its real path (symlinks resolved once, at start). */
export interface Root {
  readonly given: string;
  readonly real: string;
}

/** Validates a root given at start: it must exist and be a directory. */
export function makeRoot(dir: string, flag: string, opts: { create?: boolean } = {}): Root {
  const abs = resolve(dir);
  if (opts.create && !existsSync(abs)) mkdirSync(abs, { recursive: true, mode: 0o700 });
  let real: string;
  try {
    real = realpathSync(abs);
  } catch {
    throw new UsageError(`${flag} ${dir}: no such directory`);
  }
  if (!statSync(real).isDirectory()) throw new UsageError(`${flag} ${dir}: not a directory`);
  return { given: abs, real };
}

/**
 * The real path of an existing file the model named, if it lies under one of `roots`. Relative
 * paths are taken against the first root. Decided by the fence (fence.ts) before anything outside
 * the roots is looked at: the error for a path outside never depends on what exists there.
 */
export function resolveReadable(roots: readonly Root[], path: string, what: string): string {
  if (roots.length === 0) throw new InputError(`reading files is not enabled on this server (start it with --allow-read DIR)`, what);
  const f = fencedPath(roots.map((r) => r.real), throughRoots(roots, path));
  if (!f.inside) throw new InputError(`${path} is outside the allowed read directories`, what);
  if (!f.exists) throw new InputError('no such file', what);
  return f.real;
}

/** `path` made absolute, with a root's given spelling (perhaps via a symlink) replaced by its real path. */
export function throughRoots(roots: readonly Root[], path: string): string {
  // Not normalised: the fence resolves `..` after symlinks, as the kernel does.
  const abs = isAbsolute(path) ? path : `${roots[0]!.real}/${path}`;
  const norm = resolve(abs);
  const root = roots.find((r) => r.given !== r.real && isWithin(r.given, norm) && !isWithin(r.real, norm));
  return root ? resolve(root.real, relative(root.given, norm)) : abs;
}

/**
 * Where a bundle may be written: `path` relative to the write root (or absolute inside it). The
 * target itself must not exist as a symlink, and its nearest existing ancestor must resolve
 * inside the root, so neither `..` nor a planted link can move the write elsewhere.
 */
export function resolveWritableDir(root: Root | undefined, path: string, what: string): string {
  if (!root) throw new InputError('writing is not enabled on this server (start it with --allow-write DIR)', what);
  if (path.includes('\0')) throw new InputError('invalid path', what);
  const abs = isAbsolute(path) ? resolve(path) : resolve(root.real, path);
  const lexicalRoot = isWithin(root.real, abs) ? root.real : isWithin(root.given, abs) ? root.given : undefined;
  if (lexicalRoot === undefined) throw new InputError(`${path} is outside the allowed write directory`, what);
  const target = resolve(root.real, relative(lexicalRoot, abs));
  if (target === root.real) throw new InputError('give a subdirectory of the write directory, not the directory itself', what);
  let probe = target;
  for (;;) {
    let isLink = false;
    try {
      isLink = lstatSync(probe).isSymbolicLink();
    } catch {
      probe = dirname(probe);
      continue;
    }
    if (probe === target && isLink) throw new InputError(`${path} is a symbolic link`, what);
    let real: string;
    try {
      real = realpathSync(probe);
    } catch {
      // A link on the way that leads nowhere (or round a loop): nothing could be written there.
      throw new InputError(`${path} goes through a symbolic link that leads nowhere`, what);
    }
    if (!isWithin(root.real, real)) throw new InputError(`${path} is outside the allowed write directory`, what);
    break;
  }
  return target;
}
