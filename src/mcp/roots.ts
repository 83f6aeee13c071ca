/**
 * The filesystem fence of the MCP server: a model may name files only under the directories the
 * operator allowed at start (--allow-read, --allow-write). Paths are compared after resolving
 * symlinks, so a link inside a root that points outside it is refused like `../`.
 */
import { existsSync, lstatSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { InputError, UsageError } from '../errors.js';

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

/** `inner` is `outer` or below it (both real, absolute paths). */
export function isWithin(outer: string, inner: string): boolean {
  const rel = relative(outer, inner);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * The real path of an existing file the model named, if it lies under one of `roots`. Relative
 * paths are taken against the first root. The error never says what lies outside the roots.
 */
export function resolveReadable(roots: readonly Root[], path: string, what: string): string {
  if (roots.length === 0) throw new InputError(`reading files is not enabled on this server (start it with --allow-read DIR)`, what);
  const abs = isAbsolute(path) ? path : resolve(roots[0]!.given, path);
  let real: string;
  try {
    real = realpathSync(abs);
  } catch {
    // Only say "not found" for paths inside a root; outside, existence is none of the model's business.
    if (roots.some((r) => isWithin(r.given, abs) || isWithin(r.real, abs))) throw new InputError('no such file', what);
    throw new InputError(`${path} is outside the allowed read directories`, what);
  }
  if (!roots.some((r) => isWithin(r.real, real))) throw new InputError(`${path} is outside the allowed read directories`, what);
  return real;
}

/** Whether an existing path resolves (symlinks followed) under one of the roots. */
export function readableUnder(roots: readonly Root[], path: string): boolean {
  try {
    const real = realpathSync(path);
    return roots.some((r) => isWithin(r.real, real));
  } catch {
    return false;
  }
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
    if (!isWithin(root.real, realpathSync(probe))) throw new InputError(`${path} is outside the allowed write directory`, what);
    break;
  }
  return target;
}
