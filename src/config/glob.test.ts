import { describe, expect, it } from 'vitest';
import { expandGlob, hasWildcard } from './glob.js';
import { posix as path } from 'node:path';
import type { DirEntry } from './types.js';

/** An in-memory file tree: absolute paths to texts; directories are implied. */
function memfs(files: Record<string, string>) {
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

const fs = memfs({
  '/etc/redis/conf.d/10-a.conf': '',
  '/etc/redis/conf.d/2-b.conf': '',
  '/etc/redis/conf.d/.hidden.conf': '',
  '/etc/redis/conf.d/x.txt': '',
  '/etc/redis/conf.d/[lit].conf': '',
  '/etc/redis/conf.d/sub/deep.conf': '',
  '/etc/redis/other/z.conf': '',
});

describe('hasWildcard', () => {
  it('is what Redis checks: * ? [', () => {
    expect(['a*.conf', 'a?.conf', 'a[.conf'].every(hasWildcard)).toBe(true);
    expect(hasWildcard('a{b,c}.conf')).toBe(false);
  });
});

describe('expandGlob (glob(3), flags 0)', () => {
  const cases: [string, string, string[]][] = [
    ['conf.d/*.conf', '/etc/redis', ['conf.d/10-a.conf', 'conf.d/2-b.conf', 'conf.d/[lit].conf']],
    ['/etc/redis/conf.d/*.conf', '/', ['/etc/redis/conf.d/10-a.conf', '/etc/redis/conf.d/2-b.conf', '/etc/redis/conf.d/[lit].conf']],
    ['conf.d/.*.conf', '/etc/redis', ['conf.d/.hidden.conf']],
    ['conf.d/?-*', '/etc/redis', ['conf.d/2-b.conf']],
    ['conf.d/[0-9]*', '/etc/redis', ['conf.d/10-a.conf', 'conf.d/2-b.conf']],
    ['conf.d/[!0-9]*', '/etc/redis', ['conf.d/[lit].conf', 'conf.d/sub', 'conf.d/x.txt']],
    ['conf.d/\\[lit].conf', '/etc/redis', ['conf.d/[lit].conf']],
    ['*/z.conf', '/etc/redis', ['other/z.conf']],
    ['*/*/deep.conf', '/etc/redis', ['conf.d/sub/deep.conf']],
    ['nothing/*.conf', '/etc/redis', []],
    ['conf.d/*.nomatch', '/etc/redis', []],
  ];
  it.each(cases)('%s in %s', (pattern, cwd, expected) => {
    expect(expandGlob(pattern, cwd, fs.listDir)).toEqual(expected);
  });
});
