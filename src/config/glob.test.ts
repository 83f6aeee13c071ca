import { describe, expect, it } from 'vitest';
import { globStats } from '../text/glob.js';
import { expandGlob, hasWildcard } from './glob.js';
import { memfs } from '../../test/helpers/memfs.js';


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

describe('expandGlob on hostile patterns (linear matcher, no RegExp)', () => {
  it('include /usr/share/doc/*?*?...# against long names finishes in bounded steps', () => {
    const names = Array.from({ length: 200 }, (_, i) => `${'x'.repeat(60)}-package-${i}`);
    const docs = memfs(Object.fromEntries(names.map((n) => [`/usr/share/doc/${n}`, ''])));
    const pattern = `/usr/share/doc/${'*?'.repeat(14)}#`;
    expect(expandGlob(pattern, '/', docs.listDir)).toEqual([]);
    // Per name the matcher visits at most (tokens + 1) x (characters + 1) x 2 states.
    expect(globStats.steps).toBeLessThanOrEqual((2 * 14 + 2) * (names[0]!.length + 1) * 2 + 64);
  });

  it('keeps glob(3) semantics: reversed ranges match nothing, classes and escapes as before', () => {
    const f = memfs({ '/d/b': '', '/d/*x': '', '/d/ab': '' });
    expect(expandGlob('/d/[z-a]', '/', f.listDir)).toEqual([]);
    expect(expandGlob('/d/\\*x', '/', f.listDir)).toEqual(['/d/*x']);
    expect(expandGlob('/d/*b', '/', f.listDir)).toEqual(['/d/ab', '/d/b']);
  });
});
