/** The filesystem edge of the config engine: reads a redis.conf and everything it includes. */
import { closeSync, constants, fstatSync, openSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { CONFIG_LIMITS } from './limits.js';
import { InputError, isRedsecError } from '../errors.js';
import { parseConfig } from './parse.js';
import type { DirEntry, ParseOptions, ParsedConfig } from './types.js';

/** A directory's entries as the include globbing sees them (symlinks to directories count as directories). */
export function listDir(dir: string): DirEntry[] | undefined {
  try {
    return readdirSync(dir, { withFileTypes: true }).map((e) => ({
      name: e.name,
      isDirectory: e.isDirectory() || (e.isSymbolicLink() && isDirectory(`${dir}/${e.name}`)),
    }));
  } catch {
    return undefined;
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The real path of an existing path, or undefined. */
export function realPath(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

/**
 * Reads a config file. fopen() on a directory succeeds and fgets() reads nothing, so Redis
 * includes a directory as empty. Anything but a regular file (a FIFO, a device) is refused
 * without blocking (opened non-blocking, checked with fstat), and so is a file past the size limit.
 */
export function readConfigPath(p: string): string {
  const fd = openSync(p, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) return '';
    if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTREG' });
    if (st.size > CONFIG_LIMITS.maxFileBytes) throw Object.assign(new Error('too large'), { code: 'EFBIG' });
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

export type LoadOptions = Omit<ParseOptions, 'file' | 'readFile' | 'listDir'> & {
  /** Replaces the filesystem (a fenced reader: a RedsecError it throws is a refusal, passed on as is). */
  access?: ConfigAccess | undefined;
};

/** How the loader reads files, lists directories and resolves paths; the defaults are the plain filesystem. */
export interface ConfigAccess {
  readFile: (path: string) => string;
  listDir: (path: string) => DirEntry[] | undefined;
  realPath: (path: string) => string | undefined;
}

/**
 * Reads and parses `file` with its includes, resolving relative paths against `cwd`
 * (default: this process's working directory, as redis-server started here would).
 */
export function loadConfigFile(file: string, opts: LoadOptions = {}): ParsedConfig {
  let text: string;
  const { access, ...rest } = opts;
  const io: ConfigAccess = access ?? { readFile: readConfigPath, listDir, realPath };
  // Redis would read a directory as an empty config; the file a user names must be a config.
  if (access === undefined && isDirectory(file)) throw new InputError('is a directory, not a config file', file);
  try {
    text = io.readFile(file);
  } catch (err) {
    if (isRedsecError(err)) throw err;
    throw new InputError(describeReadError(err), file);
  }
  return parseConfig(text, { cwd: process.cwd(), ...rest, file, path: resolve(file), readFile: io.readFile, listDir: io.listDir, realPath: io.realPath });
}

function describeReadError(err: unknown): string {
  const code = (err as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'ENOTREG') return 'not a regular file';
  if (code === 'EFBIG') return `larger than ${CONFIG_LIMITS.maxFileBytes} bytes (redsec's limit; see SECURITY.md)`;
  return `cannot read (${code ?? 'error'})`;
}

