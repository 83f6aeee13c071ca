/**
 * The watch state file against a real server: a poll remembered, written, read back and restored
 * against the next live poll compares equal (a restart reports nothing new), while the file holds
 * none of the server's secrets (requirepass, masterauth, ACL password hashes, client addresses).
 * A change made while the watcher was stopped still shows after the restore.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { rawConnect } from '../helpers/raw-client.js';
import { parseTarget } from '../../src/resp/index.js';
import { pollTarget } from '../../src/watch/poll.js';
import { emptyState, readWatchState, rememberSnapshot, restoreSnapshot, writeWatchState } from '../../src/watch/state.js';
import { createHash } from 'node:crypto';

const ADMIN_PW = 'watch-state-admin-pw-8812';
const REQUIREPASS = 'watch-state-requirepass-5531';
const MASTERAUTH = 'watch-state-masterauth-7720';
const APP_PW = 'watch-state-app-pw-4410';
const settings = { user: 'admin', env: { REDSEC_PASSWORD: ADMIN_PW }, connectTimeoutMs: 3000, replyTimeoutMs: 3000 };

describe('watch state on a real server', () => {
  let server: RedisServer;
  const dir = mkdtempSync(join(tmpdir(), 'redsec-watch-state-e2e-'));
  beforeAll(async () => {
    server = await startRedis({
      config: [`requirepass ${REQUIREPASS}`, `masterauth ${MASTERAUTH}`, `user admin on >${ADMIN_PW} ~* &* +@all`, `user app on >${APP_PW} ~app:* resetchannels -@all +@read`].join('\n'),
    });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('remembered, written, read and restored: equal to the next live poll, and no secret in the file', async () => {
    const target = parseTarget(`redis://127.0.0.1:${server.port}`);
    const first = await pollTarget(target, settings, { clients: true });
    expect(first.config.known && first.config.value.requirepass).toBe(REQUIREPASS);
    const state = emptyState();
    state.targets.local = { previous: rememberSnapshot(first, state.salt), up: true, since: first.at };
    const path = join(dir, 'state.json');
    writeWatchState(path, state);
    expect(statSync(path).mode & 0o777).toBe(0o600);

    const text = readFileSync(path, 'utf8');
    const appHash = createHash('sha256').update(APP_PW).digest('hex');
    for (const secret of [ADMIN_PW, REQUIREPASS, MASTERAUTH, APP_PW, appHash]) expect(text).not.toContain(secret);

    // "Restart": a new process would read the file and poll again.
    const back = readWatchState(path)!;
    const second = await pollTarget(target, settings, { clients: true });
    const restored = restoreSnapshot(back.targets.local!.previous!, second, back.salt);
    expect(restored.config).toEqual(second.config);
    expect(restored.users).toEqual(second.users);
  });

  it('a password and a secret changed while the watcher was stopped still differ after the restore', async () => {
    const target = parseTarget(`redis://127.0.0.1:${server.port}`);
    const before = await pollTarget(target, settings);
    const state = emptyState();
    const stored = rememberSnapshot(before, state.salt);
    const admin = await rawConnect(server.port);
    await admin.call('AUTH', 'admin', ADMIN_PW);
    expect(await admin.call('ACL', 'SETUSER', 'app', '>watch-state-new-app-pw')).toBe('OK');
    expect(await admin.call('CONFIG', 'SET', 'masterauth', 'watch-state-new-masterauth')).toBe('OK');
    admin.close();
    const after = await pollTarget(target, settings);
    const restored = restoreSnapshot(stored, after, state.salt);
    const cfg = (s: typeof after) => (s.config.known ? s.config.value : {});
    expect(cfg(restored).masterauth).not.toBe(cfg(after).masterauth);
    expect(cfg(restored).requirepass).toBe(cfg(after).requirepass);
    const app = (s: typeof after) => (s.users.known ? s.users.value.find((u) => u.name === 'app')?.rules : undefined);
    expect(app(restored)).not.toBe(app(after));
    const admins = (s: typeof after) => (s.users.known ? s.users.value.find((u) => u.name === 'admin')?.rules : undefined);
    expect(admins(restored)).toBe(admins(after));
    expect(JSON.stringify(restored)).not.toContain(MASTERAUTH);
  });
});
