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
  await mkdir(parent, { recursive: true });
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
