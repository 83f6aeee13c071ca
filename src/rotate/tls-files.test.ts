import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeStamp, pathBeside, removeFiles, rotationStamp, writeNewFile } from './tls-files.js';

describe('TLS rotation files', () => {
  it('names the new file beside the old one, replacing an earlier stamp', () => {
    const stamp = rotationStamp(new Date('2026-12-06T04:16:38.123Z'));
    expect(stamp).toBe('20261206T041638Z');
    expect(pathBeside('/etc/redis/tls/redis.crt', stamp)).toBe('/etc/redis/tls/redis.20261206T041638Z.crt');
    expect(pathBeside('/etc/redis/tls/redis.20250101T000000Z.crt', stamp)).toBe('/etc/redis/tls/redis.20261206T041638Z.crt');
    expect(pathBeside('/etc/redis/tls/redis.20250101T000000Z-2.key', stamp)).toBe('/etc/redis/tls/redis.20261206T041638Z.key');
    expect(pathBeside('/x/server', stamp)).toBe('/x/server.20261206T041638Z');
  });

  it('writes a new file at its exact mode, never over an existing one, leaving no temp file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'redsec-tls-files-'));
    const key = writeNewFile(join(dir, 'k.key'), 'secret\n', 0o600);
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(readFileSync(key, 'utf8')).toBe('secret\n');
    const cert = writeNewFile(join(dir, 'c.crt'), 'cert\n', 0o644);
    expect(statSync(cert).mode & 0o777).toBe(0o644);
    expect(() => writeNewFile(key, 'other\n', 0o600)).toThrow(/cannot create \(EEXIST\)/);
    expect(readFileSync(key, 'utf8')).toBe('secret\n');
    expect(readdirSync(dir).sort()).toEqual(['c.crt', 'k.key']);
    removeFiles([key, cert, join(dir, 'missing')]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a second rotation in the same second gets the next free stamp', () => {
    const dir = mkdtempSync(join(tmpdir(), 'redsec-tls-files-'));
    const now = new Date('2026-12-06T04:16:38Z');
    const crt = join(dir, 'redis.crt');
    expect(freeStamp([crt], now)).toBe('20261206T041638Z');
    writeFileSync(join(dir, 'redis.20261206T041638Z.crt'), 'x');
    expect(freeStamp([crt], now)).toBe('20261206T041638Z-2');
  });

  it('a folder redsec cannot write to is a clear input error', () => {
    expect(() => writeNewFile('/nonexistent-dir/x.crt', 'x', 0o644)).toThrow(/cannot create a file in this folder \(ENOENT\)/);
  });
});
