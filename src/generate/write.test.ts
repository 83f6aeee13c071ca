import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { claimBundleDir, writeBundle } from './write.js';

const root = mkdtempSync(join(tmpdir(), 'redsec-write-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const files = [
  { path: 'a.conf', content: 'a\n', mode: 0o640 },
  { path: 'secrets.env', content: 'S=1\n', mode: 0o600 },
  { path: 'tls/clients/x.key', content: 'k\n', mode: 0o600 },
];

describe('writeBundle', () => {
  it('writes every file at its exact mode, directories 0750', async () => {
    const dir = await writeBundle(join(root, 'new', 'bundle'), files);
    expect((statSync(join(dir, 'secrets.env')).mode & 0o777).toString(8)).toBe('600');
    expect((statSync(join(dir, 'a.conf')).mode & 0o777).toString(8)).toBe('640');
    expect((statSync(join(dir, 'tls/clients')).mode & 0o777).toString(8)).toBe('750');
    expect((statSync(dir).mode & 0o777).toString(8)).toBe('750');
    expect(readFileSync(join(dir, 'tls/clients/x.key'), 'utf8')).toBe('k\n');
  });

  it('refuses a non-empty directory unless forced, then replaces it as a whole', async () => {
    const dir = join(root, 'full');
    mkdirSync(dir);
    writeFileSync(join(dir, 'old.txt'), 'keep');
    await expect(writeBundle(dir, files)).rejects.toThrow(InputError);
    expect(readdirSync(dir)).toEqual(['old.txt']);
    await writeBundle(dir, files, { force: true });
    expect(readdirSync(dir).sort()).toEqual(['a.conf', 'secrets.env', 'tls']);
    expect(readdirSync(root).filter((n) => n.includes('.redsec-'))).toEqual([]);
  });

  it('leaves nothing behind when a write fails half-way', async () => {
    const dir = join(root, 'broken');
    await expect(writeBundle(dir, [...files, files[0]!])).rejects.toThrow();
    expect(readdirSync(root).filter((n) => n.startsWith('broken') || n.startsWith('.broken'))).toEqual([]);
  });

  it('refuses a path that is a file', async () => {
    const file = join(root, 'plain-file');
    writeFileSync(file, 'x');
    await expect(writeBundle(file, files, { force: true })).rejects.toThrow(/not a directory/);
  });
});

describe('missing parents (issue 10 item 15)', () => {
  it('are created 0750 even under umask 000, never world-writable', async () => {
    const old = process.umask(0);
    try {
      const dir = await writeBundle(join(root, 'p', 'q', 'bundle'), files);
      for (const p of [join(root, 'p'), join(root, 'p', 'q')]) expect((statSync(p).mode & 0o777).toString(8), p).toBe('750');
      expect((statSync(join(dir, 'secrets.env')).mode & 0o777).toString(8)).toBe('600');
    } finally {
      process.umask(old);
    }
  });
});

describe('claimBundleDir: the write race (issue 10 item 14)', () => {
  const fence = join(root, 'fence');
  const outside = join(root, 'outside');
  mkdirSync(fence, { recursive: true });
  mkdirSync(outside, { recursive: true });
  const inside = (real: string) => real.startsWith(`${fence}/`);

  it('writes the bundle into the directory it claimed, parents 0750, directory 0750 when done', async () => {
    const claimed = await claimBundleDir(join(fence, 'n1', 'bundle'), inside);
    expect((statSync(claimed.path).mode & 0o777).toString(8)).toBe('700'); // closed while incomplete
    await claimed.write(files);
    expect(readdirSync(claimed.path).sort()).toEqual(['a.conf', 'secrets.env', 'tls']);
    expect((statSync(claimed.path).mode & 0o777).toString(8)).toBe('750');
    expect((statSync(join(fence, 'n1')).mode & 0o777).toString(8)).toBe('750');
  });

  it('a symlink planted in place of the directory during generation redirects nothing', async () => {
    const target = join(fence, 'raced');
    const claimed = await claimBundleDir(target, inside);
    // The attacker, while keys are generated: move the claimed directory away, plant a link out.
    renameSync(target, join(fence, 'moved-away'));
    symlinkSync(outside, target);
    await expect(claimed.write(files)).rejects.toThrow(/replaced/);
    expect(readdirSync(outside)).toEqual([]);
    expect(readdirSync(join(fence, 'moved-away'))).toEqual([]); // nothing half-written left behind
  });

  it('refuses a link or a non-empty directory as the target', async () => {
    symlinkSync(outside, join(fence, 'link'));
    await expect(claimBundleDir(join(fence, 'link'), inside)).rejects.toThrow(InputError);
    mkdirSync(join(fence, 'full'));
    writeFileSync(join(fence, 'full', 'x'), 'x');
    await expect(claimBundleDir(join(fence, 'full'), inside)).rejects.toThrow(/not empty/);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('discard removes what it claimed', async () => {
    const claimed = await claimBundleDir(join(fence, 'gone'), inside);
    await claimed.discard();
    expect(readdirSync(fence)).not.toContain('gone');
  });
});
