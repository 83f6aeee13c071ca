import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError, UsageError } from '../errors.js';
import { isWithin, makeRoot, resolveReadable, resolveWritableDir } from './roots.js';

const base = realpathSync(mkdtempSync(join(tmpdir(), 'redsec-roots-')));
const root = join(base, 'root');
const out = join(base, 'out');
mkdirSync(join(root, 'sub'), { recursive: true });
mkdirSync(out);
writeFileSync(join(root, 'sub', 'a.conf'), 'port 1\n');
writeFileSync(join(out, 'b.conf'), 'port 2\n');
symlinkSync(join(out, 'b.conf'), join(root, 'to-out.conf'));
symlinkSync(join(root, 'sub', 'a.conf'), join(root, 'to-in.conf'));
symlinkSync(out, join(root, 'dir-out'));
// A sibling whose name starts with the root's name must not count as inside it.
mkdirSync(`${root}-evil`);
writeFileSync(`${root}-evil/c.conf`, 'port 3\n');
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('isWithin', () => {
  it('is a path-component test, not a string prefix', () => {
    expect(isWithin('/a/b', '/a/b')).toBe(true);
    expect(isWithin('/a/b', '/a/b/c')).toBe(true);
    expect(isWithin('/a/b', '/a/bc')).toBe(false);
    expect(isWithin('/a/b', '/a')).toBe(false);
    expect(isWithin('/a/b', '/a/b/../c')).toBe(false);
  });
});

describe('resolveReadable', () => {
  const roots = [makeRoot(root, '--allow-read')];
  it('accepts files under a root, relative or absolute, and links that stay inside', () => {
    expect(resolveReadable(roots, 'sub/a.conf', 'f')).toBe(join(root, 'sub', 'a.conf'));
    expect(resolveReadable(roots, join(root, 'sub', 'a.conf'), 'f')).toBe(join(root, 'sub', 'a.conf'));
    expect(resolveReadable(roots, 'to-in.conf', 'f')).toBe(join(root, 'sub', 'a.conf'));
  });
  it('refuses traversal, absolute paths outside, symlinks out, and look-alike siblings', () => {
    for (const p of ['../out/b.conf', join(out, 'b.conf'), 'to-out.conf', 'dir-out/b.conf', `${root}-evil/c.conf`, '/etc/passwd', 'sub/../../out/b.conf']) {
      expect(() => resolveReadable(roots, p, 'f'), p).toThrow(/outside the allowed read directories/);
    }
  });
  it('says "no such file" only inside a root, and nothing about existence outside', () => {
    expect(() => resolveReadable(roots, 'sub/missing.conf', 'f')).toThrow(/no such file/);
    expect(() => resolveReadable(roots, join(out, 'missing.conf'), 'f')).toThrow(/outside the allowed/);
  });
  it('gives one answer outside whatever exists there (/etc/shadow vs /etc/shadowXX), and follows .. after a link as the kernel does', () => {
    const a = (() => { try { resolveReadable(roots, '/etc/shadow', 'f'); } catch (e) { return (e as Error).message; } })();
    const b = (() => { try { resolveReadable(roots, '/etc/shadowXX', 'f'); } catch (e) { return (e as Error).message.replace('shadowXX', 'shadow'); } })();
    expect(a).toMatch(/outside the allowed read directories/);
    expect(a).toBe(b);
    // dir-out -> out; dir-out/../b.conf is base/b.conf for the kernel, outside (lexically it would be root/b.conf).
    expect(() => resolveReadable(roots, 'dir-out/../sub/a.conf', 'f')).toThrow(/outside the allowed/);
  });
  it('refuses everything without roots', () => {
    expect(() => resolveReadable([], 'sub/a.conf', 'f')).toThrow(InputError);
  });
});

describe('resolveWritableDir', () => {
  const w = makeRoot(root, '--allow-write');
  it('accepts new and nested directories under the root', () => {
    expect(resolveWritableDir(w, 'bundle', 'o')).toBe(join(root, 'bundle'));
    expect(resolveWritableDir(w, 'x/y/z', 'o')).toBe(join(root, 'x', 'y', 'z'));
    expect(resolveWritableDir(w, join(root, 'sub', 'new'), 'o')).toBe(join(root, 'sub', 'new'));
  });
  it('refuses the root itself, traversal, absolute paths outside, and symlinks (as target or on the way)', () => {
    for (const p of ['.', '', '..', '../out/x', out, join(out, 'x'), 'dir-out', 'dir-out/x', 'dir-out/x/y', 'to-out.conf', 'sub/../../out', `${root}-evil/x`]) {
      expect(() => resolveWritableDir(w, p, 'o'), p).toThrow(InputError);
    }
  });
  it('refuses everything without a write root', () => {
    expect(() => resolveWritableDir(undefined, 'bundle', 'o')).toThrow(/--allow-write/);
  });
});

describe('makeRoot', () => {
  it('refuses a missing directory or a file', () => {
    expect(() => makeRoot(join(base, 'nope'), '--allow-read')).toThrow(UsageError);
    expect(() => makeRoot(join(out, 'b.conf'), '--allow-read')).toThrow(/not a directory/);
  });
  it('creates a missing write directory when asked, owner-only', () => {
    const r = makeRoot(join(base, 'new-out'), '--allow-write', { create: true });
    expect(r.real).toBe(join(base, 'new-out'));
  });
});
