import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readState, writeState, type RotationState } from './state.js';
import { parseUserConnections } from './password.js';
import { InputError } from '../errors.js';

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'redsec-state-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const STATE: RotationState = { version: 1, target: 'redis://h:1', user: 'app', phase: 'begun', new_hash: 'a'.repeat(64), old_hashes: ['b'.repeat(64)], began_at: '2026-01-01T00:00:00.000Z' };

describe('rotation state file', () => {
  it('round-trips, mode 0600, and a missing file is no state', () => {
    const p = join(dir, 's.json');
    expect(readState(p)).toBeUndefined();
    writeState(p, STATE);
    expect(statSync(p).mode & 0o777).toBe(0o600);
    expect(readState(p)).toEqual({ ...STATE, finished_at: undefined });
    writeState(p, { ...STATE, phase: 'finished', finished_at: '2026-01-02T00:00:00.000Z' });
    expect(readState(p)?.phase).toBe('finished');
  });

  it('refuses anything that is not a state file, with the file named', () => {
    const p = join(dir, 'bad.json');
    for (const text of ['', '[]', '{"version":2}', JSON.stringify({ ...STATE, phase: 'x' }), JSON.stringify({ ...STATE, new_hash: 'plaintext-password' }), JSON.stringify({ ...STATE, old_hashes: ['nope'] }), JSON.stringify({ ...STATE, began_at: 'soon' })]) {
      writeFileSync(p, text);
      expect(() => readState(p), text).toThrow(InputError);
      expect(() => readState(p)).toThrow(/bad\.json: not a redsec rotation state file/);
    }
    expect(readFileSync(p, 'utf8')).not.toBe('');
  });
});

describe('parseUserConnections', () => {
  it('keeps the named user\'s connections with address, age and idle; control characters escaped', () => {
    const text = 'id=3 addr=127.0.0.1:5000 laddr=127.0.0.1:6379 fd=8 name= age=12 idle=1 flags=N user=app\nid=4 addr=127.0.0.1:5001 age=2 idle=0 user=admin\nid=5 addr=1.2.3.4:5\x1b[2J age=0 idle=0 user=app\n';
    expect(parseUserConnections(text, 'app')).toEqual([
      { id: '3', addr: '127.0.0.1:5000', age_s: 12, idle_s: 1 },
      { id: '5', addr: '1.2.3.4:5\\x1b[2J', age_s: 0, idle_s: 0 },
    ]);
  });
});
