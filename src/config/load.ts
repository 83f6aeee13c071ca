/** The filesystem edge of the config engine: reads a redis.conf and everything it includes. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../errors.js';
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

/** fopen() on a directory succeeds and fgets() reads nothing, so Redis includes a directory as empty. */
export function readConfigPath(p: string): string {
  if (isDirectory(p)) return '';
  return readFileSync(p, 'utf8');
}

export type LoadOptions = Omit<ParseOptions, 'file' | 'readFile' | 'listDir'>;

/**
 * Reads and parses `file` with its includes, resolving relative paths against `cwd`
 * (default: this process's working directory, as redis-server started here would).
 */
export function loadConfigFile(file: string, opts: LoadOptions = {}): ParsedConfig {
  let text: string;
  // Redis would read a directory as an empty config; the file a user names must be a config.
  if (isDirectory(file)) throw new InputError('is a directory, not a config file', file);
  try {
    text = readConfigPath(file);
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new InputError(code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? 'error'})`, file);
  }
  return parseConfig(text, { cwd: process.cwd(), ...opts, file, path: resolve(file), readFile: readConfigPath, listDir });
}

