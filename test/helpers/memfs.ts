import { posix as path } from 'node:path';
import type { DirEntry } from '../../src/config/types.js';

/** An in-memory file tree for the config parser's injected reader: absolute paths to texts; directories are implied. */
export function memfs(files: Record<string, string>) {
  const readFile = (p: string): string => {
    const text = files[p];
    if (text === undefined) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
    return text;
  };
  const listDir = (dir: string): DirEntry[] | undefined => {
    const prefix = dir.endsWith('/') ? dir : `${dir}/`;
    const entries = new Map<string, boolean>();
    for (const p of Object.keys(files)) {
      if (!p.startsWith(prefix)) continue;
      const rest = p.slice(prefix.length);
      const [first, ...more] = rest.split('/');
      if (first) entries.set(first, (entries.get(first) ?? false) || more.length > 0);
    }
    if (entries.size === 0 && dir !== '/') return undefined;
    return [...entries].map(([name, isDirectory]) => ({ name, isDirectory }));
  };
  return { readFile, listDir, join: path.join };
}
