import { closeSync, constants, existsSync, fchmodSync, fstatSync, openSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import type { BundleFile } from './bundle.js';

const DIR_MODE = 0o750;

async function entries(dir: string): Promise<string[] | undefined> {
  try {
    if (!(await stat(dir)).isDirectory()) throw new InputError('exists and is not a directory', dir);
    return await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function safeRelative(path: string): void {
  if (path.startsWith('/') || path.split('/').some((part) => part === '..' || part === '')) throw new Error(`internal: unsafe bundle path ${path}`);
}

/**
 * Writes the bundle atomically: everything goes into a temp dir beside `dir`, which is renamed
 * into place only when complete, so a failure never leaves a partial bundle. A non-empty `dir`
 * is refused unless `force`, in which case it is replaced as a whole.
 */
export async function writeBundle(dir: string, files: readonly BundleFile[], opts: { force?: boolean } = {}): Promise<string> {
  const target = resolve(dir);
  const existing = await entries(target);
  if (existing && existing.length > 0 && !opts.force) throw new InputError('directory exists and is not empty (use --force to replace it)', dir);
  const parent = dirname(target);
  // Missing parents are created like the bundle's own directories: never world-writable, whatever the umask.
  await mkdir(parent, { recursive: true, mode: DIR_MODE });
  const tmp = await mkdtemp(join(parent, `.${basename(target)}.redsec-`));
  try {
    for (const f of files) {
      safeRelative(f.path);
      const full = join(tmp, f.path);
      await mkdir(dirname(full), { recursive: true, mode: DIR_MODE });
      await writeFile(full, f.content, { mode: f.mode, flag: 'wx' });
      // The umask may have cleared bits; secrets must end exactly at their mode.
      await chmod(full, f.mode);
    }
    for (const sub of new Set(files.map((f) => dirname(f.path)).filter((d) => d !== '.'))) await chmod(join(tmp, sub), DIR_MODE);
    await chmod(tmp, DIR_MODE);
    if (existing) {
      // Replace: move the old directory aside first so the rename below cannot fail on ENOTEMPTY.
      const old = `${tmp}.old`;
      await rename(target, old);
      await rename(tmp, target);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(tmp, target);
    }
    return target;
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

/**
 * A bundle directory claimed before the slow part (key generation) and written through its open
 * descriptor afterwards, so a symbolic link planted meanwhile cannot redirect the bundle (MCP,
 * where the directory is under a write root the operator chose). Created exclusively (mode 0700
 * until complete); missing parents are created 0750 one at a time and checked by `inside`.
 */
export interface ClaimedDir {
  readonly path: string;
  /** Writes every file, then opens the directory to DIR_MODE; on failure removes what it wrote. */
  write(files: readonly BundleFile[]): Promise<string>;
  /** Removes the claimed directory (when generation failed). */
  discard(): Promise<void>;
}

export async function claimBundleDir(dir: string, inside: (realPath: string) => boolean): Promise<ClaimedDir> {
  const target = resolve(dir);
  const missing: string[] = [];
  for (let p = dirname(target); !existsSync(p); p = dirname(p)) missing.unshift(p);
  for (const p of missing) {
    await mkdir(p, { mode: DIR_MODE }).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
    if (!inside(realpathSync(p))) throw new InputError('outside the allowed write directory', dir);
  }
  let created = false;
  try {
    // mkdir never follows a link at the last component: an existing link is EEXIST, refused below.
    await mkdir(target, { mode: 0o700 });
    created = true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  let fd: number;
  try {
    fd = openSync(target, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  } catch {
    throw new InputError('exists and is not a directory', dir);
  }
  const release = () => {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
  };
  if (!inside(realpathSync(target)) || (!created && readdirSync(target).length > 0)) {
    release();
    throw new InputError(created ? 'outside the allowed write directory' : 'directory exists and is not empty', dir);
  }
  const opened = fstatSync(fd);
  // Linux: /proc/self/fd/N reaches the directory this descriptor holds, wherever its path now
  // leads (openat's semantics). Elsewhere, the path is re-checked against the descriptor.
  const viaFd = `/proc/self/fd/${fd}`;
  const base = existsSync(viaFd) ? viaFd : target;
  const verify = (always = false) => {
    if (base === viaFd && !always) return;
    const now = statSync(target, { throwIfNoEntry: false });
    if (now === undefined) throw new InputError('the directory was replaced while the bundle was generated', dir);
    if (now.dev !== opened.dev || now.ino !== opened.ino || !inside(realpathSync(target))) throw new InputError('the directory was replaced while the bundle was generated', dir);
  };
  const clear = async () => {
    for (const name of readdirSync(base)) await rm(join(base, name), { recursive: true, force: true });
  };
  return {
    path: target,
    async write(files) {
      try {
        for (const f of files) {
          safeRelative(f.path);
          verify();
          const sub = dirname(f.path);
          if (sub !== '.') await mkdir(join(base, sub), { recursive: true, mode: DIR_MODE });
          // 'wx' is O_CREAT|O_EXCL: never through an existing name, link or not.
          await writeFile(join(base, f.path), f.content, { mode: f.mode, flag: 'wx' });
          await chmod(join(base, f.path), f.mode);
        }
        for (const sub of new Set(files.map((f) => dirname(f.path)).filter((d) => d !== '.'))) await chmod(join(base, sub), DIR_MODE);
        // The bundle must be where the caller will say it is.
        verify(true);
        fchmodSync(fd, DIR_MODE);
        return target;
      } catch (e) {
        await clear().catch(() => undefined);
        if (created) await rm(target, { recursive: true, force: true }).catch(() => undefined);
        throw e;
      } finally {
        release();
      }
    },
    async discard() {
      if (created) await rm(target, { recursive: true, force: true }).catch(() => undefined);
      release();
    },
  };
}
