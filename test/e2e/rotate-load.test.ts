/**
 * Password rotation as a fleet sees it, for about 20 s at a few hundred operations a second:
 * clients keep reconnecting and re-authenticating (old password, then some old and some new, then
 * only new) and two pooled connections opened before begin keep working, while begin, status and
 * finish run; not one operation may fail, and afterwards the old password gets WRONGPASS. And the
 * server's own view of a rotation: INFO commandstats and MONITOR show only the rotation
 * allowlist's commands. The two run concurrently, each on its own server, so the file takes about
 * as long as the load alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { rawConnect, type Reply } from '../helpers/raw-client.js';
import { cli } from '../helpers/run-cli.js';
import { isRotationAllowed, ROTATION_ALLOWLIST } from '../../src/resp/index.js';
import { commandCounts, monitorArgs } from '../helpers/server-watch.js';
import { beginRotation, finishRotation, rotationStatus, type RotateOptions } from '../../src/rotate/index.js';

const ADMIN_PW = 'load-admin-pw-71c0';
const OLD = 'load-app-old-pw-e83a';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const USERS = ['user default off', `user admin on >${ADMIN_PW} ~* &* +@all`, `user app on >${OLD} ~app:* resetchannels -@all +@read +@write`];

let work: string;
let server: RedisServer;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'redsec-rotate-load-'));
  writeFileSync(join(work, 'admin.pw'), ADMIN_PW, { mode: 0o600 });
  server = await startRedis({ files: { 'users.acl': `${USERS.join('\n')}\n` }, overrides: { aclfile: 'users.acl' } });
});
afterAll(async () => {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

function args(phase: string, state: string, ...extra: string[]): string[] {
  return ['rotate', 'password', phase, `redis://127.0.0.1:${server.port}`, '--user', 'app', '--admin-user', 'admin', '--admin-password-file', join(work, 'admin.pw'), '--state', state, ...extra];
}

const isError = (r: Reply): boolean => typeof r === 'object' && r !== null && !Array.isArray(r) && 'error' in r;

describe.concurrent('rotation', () => {
  it('under load, about 20 s: clients reconnecting with old, then mixed, then new passwords, and connections held from before begin, across begin and finish: zero failed operations', async () => {
    const state = join(work, 'load-state.json');
    const secretOut = join(work, 'load-new.pw');
    let mode: 'old' | 'mixed' | 'new' = 'old';
    let NEW = '';
    let running = true;
    let ops = 0;
    const failures: string[] = [];
    const auths = { old: 0, new: 0 };
    /** Per reconnecting worker: has it completed an AUTH since every pick became 'new'? */
    const onNew: boolean[] = [];
    const WORKERS = 8;
    // A few hundred operations a second in all: each worker about 50 (a 15 ms pause between commands).
    const PAUSE_MS = 15;
    const OPS_PER_CONNECTION = 20;
    const worker = async (w: number) => {
      while (running) {
        const useNew = mode === 'new' || (mode === 'mixed' && Math.random() < 0.5);
        const picked = mode;
        try {
          const c = await rawConnect(server.port);
          const a = await c.call('AUTH', 'app', useNew ? NEW : OLD);
          if (a !== 'OK') failures.push(`AUTH with the ${useNew ? 'new' : 'old'} password: ${JSON.stringify(a)}`);
          else auths[useNew ? 'new' : 'old']++;
          if (picked === 'new') onNew[w] = true;
          for (let i = 0; i < OPS_PER_CONNECTION && running; i++) {
            const r = i % 2 === 0 ? await c.call('SET', `app:w${w}`, String(i)) : await c.call('GET', `app:w${w}`);
            ops++;
            if (isError(r)) failures.push(`op: ${JSON.stringify(r)}`);
            await sleep(PAUSE_MS);
          }
          c.close();
        } catch (e) {
          failures.push(`connection: ${(e as Error).message}`);
        }
      }
    };
    /** A pooled connection opened before begin and never re-authenticated: Redis keeps serving it after finish. */
    const heldSinceBefore = async (w: number) => {
      const c = await rawConnect(server.port);
      if ((await c.call('AUTH', 'app', OLD)) !== 'OK') failures.push('held connection: AUTH with the old password failed');
      for (let i = 0; running; i++) {
        const r = await c.call(i % 2 === 0 ? 'INCR' : 'GET', `app:held${w}`);
        ops++;
        if (isError(r)) failures.push(`held op: ${JSON.stringify(r)}`);
        await sleep(PAUSE_MS);
      }
      c.close();
    };
    const started = performance.now();
    const loop = Promise.all([...Array.from({ length: WORKERS }, (_, w) => worker(w)), heldSinceBefore(0), heldSinceBefore(1)]);
    const opts = (extra: Partial<RotateOptions>): RotateOptions => ({ url: `redis://127.0.0.1:${server.port}`, user: 'app', adminUser: 'admin', adminPasswordFile: join(work, 'admin.pw'), statePath: state, apply: true, ...extra });

    await sleep(5000);
    // The library rather than the CLI: the CLI helper captures this process's stdout, which the
    // concurrent test's CLI runs also use.
    const b = await beginRotation(opts({ secretOut }));
    expect(b.ok, JSON.stringify(b.checks)).toBe(true);
    NEW = readFileSync(secretOut, 'utf8').trim();
    mode = 'mixed';
    await sleep(8000);
    const st = await rotationStatus(opts({ apply: undefined }));
    expect(st.connections?.filter((c) => c.before_begin).length).toBeGreaterThanOrEqual(2);
    mode = 'new';
    // finish only once every reconnecting client has moved: each re-authenticated with the new password.
    const deadline = performance.now() + 10_000;
    while (onNew.filter(Boolean).length < WORKERS && performance.now() < deadline) await sleep(20);
    expect(onNew.filter(Boolean).length).toBe(WORKERS);
    const f = await finishRotation(opts({ secretFile: secretOut }));
    expect(f.ok, JSON.stringify(f.checks)).toBe(true);
    await sleep(6000);
    running = false;
    await loop;
    const seconds = (performance.now() - started) / 1000;

    expect(failures).toEqual([]);
    expect(auths.old).toBeGreaterThan(10);
    expect(auths.new).toBeGreaterThan(10);
    expect(seconds).toBeGreaterThan(18);
    // The loop aims at a few hundred a second; the floor is generous (the machine is shared).
    expect(ops / seconds).toBeGreaterThan(100);
    const c = await rawConnect(server.port);
    expect(await c.call('AUTH', 'app', OLD)).toEqual({ error: 'WRONGPASS invalid username-password pair or user is disabled.' });
    expect(await c.call('AUTH', 'app', NEW)).toBe('OK');
    c.close();
    console.log(`rotation under load: ${ops} ops in ${seconds.toFixed(1)} s (${Math.round(ops / seconds)}/s), ${auths.old} AUTH old, ${auths.new} AUTH new, 2 connections held from before begin, 0 failures`);
  }, 60_000);

  it('seen from the server: commandstats and MONITOR show only the rotation allowlist during begin, status and finish', async () => {
    const s = await startRedis({ files: { 'users.acl': `${USERS.join('\n')}\n` }, overrides: { aclfile: 'users.acl' } });
    try {
      const stats = await rawConnect(s.port);
      await stats.call('AUTH', 'admin', ADMIN_PW);
      const monitor = await rawConnect(s.port);
      await monitor.call('AUTH', 'admin', ADMIN_PW);
      expect(await monitor.call('MONITOR')).toBe('OK');
      let received = '';
      monitor.socket.on('data', (d: Buffer) => (received += d.toString()));
      const before = commandCounts(String(await stats.call('INFO', 'commandstats')));
      const state = join(work, 'mon-state.json');
      const secretOut = join(work, 'mon-new.pw');
      const run = (phase: string, ...extra: string[]) =>
        cli(['rotate', 'password', phase, `redis://127.0.0.1:${s.port}`, '--user', 'app', '--admin-user', 'admin', '--admin-password-file', join(work, 'admin.pw'), '--state', state, ...extra]);
      expect((await run('begin')).code).toBe(0);
      expect((await run('begin', '--secret-out', secretOut, '--apply')).code).toBe(0);
      expect((await run('status')).code).toBe(0);
      expect((await run('finish')).code).toBe(0);
      expect((await run('finish', '--secret-file', secretOut, '--apply')).code).toBe(0);
      await sleep(200);
      const after = commandCounts(String(await stats.call('INFO', 'commandstats')));
      monitor.close();
      // INFO is this test's own counter read; everything else the server counted came from redsec.
      const ran = [...after].filter(([name, n]) => name !== 'info' && n > (before.get(name) ?? 0)).map(([name]) => name.toUpperCase().replace('|', ' '));
      expect(ran.filter((name) => !ROTATION_ALLOWLIST.includes(name))).toEqual([]);
      expect(ran).toEqual(expect.arrayContaining(['ACL SETUSER', 'ACL GETUSER', 'ACL SAVE', 'CONFIG GET', 'CLIENT LIST', 'AUTH']));
      // The test's own INFO (from the stats connection) is left out by its address.
      const ours = `127.0.0.1:${stats.socket.localPort}]`;
      const commands = received
        .split('\r\n')
        .filter((l) => /^\+\d+\.\d+ \[/.test(l) && !l.includes(ours))
        .map(monitorArgs)
        .filter((a) => a.length > 0);
      expect(commands.length).toBeGreaterThan(0);
      expect(commands.filter((a) => !isRotationAllowed(a, 'app'))).toEqual([]);
      const NEW = readFileSync(secretOut, 'utf8').trim();
      expect(received).not.toContain(NEW);
      stats.close();
    } finally {
      await s.stop();
    }
  });
});
