import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCaState, writeCaState, type CaRotationState } from './ca-state.js';

const dir = mkdtempSync(join(tmpdir(), 'redsec-ca-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const state: CaRotationState = {
  version: 1,
  kind: 'ca-rotation',
  target: 'rediss://127.0.0.1:6380',
  id: '20261206T041639Z',
  phase: 'overlap',
  old_ca_fingerprints: ['a'.repeat(64)],
  new_ca_fingerprint: 'b'.repeat(64),
  previous: { tls_ca_cert_file: '/etc/redis/tls/ca.crt', tls_cert_file: '/etc/redis/tls/redis.crt', tls_key_file: '/etc/redis/tls/redis.key' },
  files: { new_ca_cert: '/etc/redis/tls/ca-20261206T041639Z.crt', new_ca_key: '/etc/redis/tls/ca-20261206T041639Z.key', overlap_ca_file: '/etc/redis/tls/ca-overlap-20261206T041639Z.crt' },
  began_at: '2026-12-06T04:16:39.000Z',
};

describe('CA rotation state file', () => {
  it('round-trips, 0600, and holds paths and fingerprints only', () => {
    const p = join(dir, 's.json');
    writeCaState(p, state);
    expect(statSync(p).mode & 0o777).toBe(0o600);
    expect(readCaState(p)).toEqual(state);
    expect(readFileSync(p, 'utf8')).not.toContain('PRIVATE KEY');
    expect(readCaState(join(dir, 'missing.json'))).toBeUndefined();
  });

  it('refuses what is not a CA rotation state, naming the file', () => {
    const cases: [unknown, RegExp][] = [
      [{ ...state, kind: 'password' }, /kind is not ca-rotation/],
      [{ ...state, phase: 'half' }, /unknown phase/],
      [{ ...state, new_ca_fingerprint: 'xyz' }, /new_ca_fingerprint/],
      [{ ...state, old_ca_fingerprints: [] }, /old_ca_fingerprints/],
      [{ ...state, id: '../../etc' }, /id is not/],
      [{ ...state, files: { ...state.files, new_ca_key: 3 } }, /file paths/],
      [{ ...state, began_at: 'soon' }, /time/],
    ];
    for (const [data, why] of cases) {
      const p = join(dir, 'bad.json');
      writeFileSync(p, JSON.stringify(data));
      expect(() => readCaState(p)).toThrow(why);
      expect(() => readCaState(p)).toThrow(/bad\.json: not a redsec CA rotation state file/);
    }
    writeFileSync(join(dir, 'nojson'), '{');
    expect(() => readCaState(join(dir, 'nojson'))).toThrow(/not JSON/);
  });
});
