import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveCredentials } from './credentials.js';
import { parseTarget } from './target.js';
import { InputError } from '../errors.js';

const dir = mkdtempSync(join(tmpdir(), 'redsec-cred-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text, { mode: 0o600 });
  return p;
}

describe('resolveCredentials', () => {
  it('takes the URL password first, then the file, then REDSEC_PASSWORD, then REDISCLI_AUTH', () => {
    const env = { REDSEC_PASSWORD: 'env1', REDISCLI_AUTH: 'env2' };
    const pf = file('pw', 'from-file\n');
    expect(resolveCredentials({ target: parseTarget('redis://u:url-pw@h'), passwordFile: pf, env })).toEqual({ user: 'u', password: 'url-pw', source: 'url' });
    expect(resolveCredentials({ passwordFile: pf, env })).toEqual({ password: 'from-file', source: 'file' });
    expect(resolveCredentials({ env })).toEqual({ password: 'env1', source: 'REDSEC_PASSWORD' });
    expect(resolveCredentials({ env: { REDISCLI_AUTH: 'env2' } })).toEqual({ password: 'env2', source: 'REDISCLI_AUTH' });
    expect(resolveCredentials({ env: {} })).toEqual({ source: 'none' });
  });

  it('--user wins over the URL user', () => {
    expect(resolveCredentials({ user: 'admin', target: parseTarget('redis://app@h'), env: {} })).toEqual({ user: 'admin', source: 'none' });
  });

  it('keeps spaces and strips only one trailing newline from a password file', () => {
    expect(resolveCredentials({ passwordFile: file('sp', ' a b \r\n'), env: {} }).password).toBe(' a b ');
  });

  it('rejects missing, empty and multi-line password files without showing content', () => {
    expect(() => resolveCredentials({ passwordFile: join(dir, 'missing'), env: {} })).toThrow(InputError);
    expect(() => resolveCredentials({ passwordFile: file('empty', '\n'), env: {} })).toThrow(/empty/);
    try {
      resolveCredentials({ passwordFile: file('two', 'secret-one\nsecret-two\n'), env: {} });
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toMatch(/one line/);
      expect((e as Error).message).not.toContain('secret');
    }
  });
});
