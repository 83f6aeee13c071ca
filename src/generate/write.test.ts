import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { writeBundle } from './write.js';

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
