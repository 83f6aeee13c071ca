/**
 * Password rotation as a fleet sees it: clients keep reconnecting and re-authenticating (old
 * password, then some old and some new, then only new) while begin and finish run; not one
 * operation may fail, and afterwards the old password gets WRONGPASS. And the server's own view of
 * a rotation: INFO commandstats and MONITOR show only the rotation allowlist's commands.
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

describe('rotation under load', () => {
  it('clients reconnecting with old, then mixed, then new passwords across begin and finish: zero failed operations', async () => {
    const state = join(work, 'load-state.json');
    const secretOut = join(work, 'load-new.pw');
    let mode: 'old' | 'mixed' | 'new' = 'old';
    let NEW = '';
    let running = true;
    let ops = 0;
    const failures: string[] = [];
    const auths = { old: 0, new: 0 };
    /** Per worker: has it completed an AUTH since every pick became 'new'? */
    const onNew: boolean[] = [];
    const WORKERS = 6;
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
          for (let i = 0; i < 12 && running; i++) {
            const r = i % 2 === 0 ? await c.call('SET', `app:w${w}`, String(i)) : await c.call('GET', `app:w${w}`);
            ops++;
            if (isError(r)) failures.push(`op: ${JSON.stringify(r)}`);
            await sleep(12);
          }
          c.close();
        } catch (e) {
          failures.push(`connection: ${(e as Error).message}`);
        }
      }
    };
    const loop = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
    const started = performance.now();

    await sleep(1000);
    const b = await cli(args('begin', state, '--secret-out', secretOut, '--apply'));
    expect(b.code, b.stderr).toBe(0);
    NEW = readFileSync(secretOut, 'utf8').trim();
    mode = 'mixed';
    await sleep(2000);
    expect((await cli(args('status', state))).code).toBe(0);
    mode = 'new';
    // finish only once every client has moved: each worker re-authenticated with the new password.
    const deadline = performance.now() + 10_000;
    while (onNew.filter(Boolean).length < WORKERS && performance.now() < deadline) await sleep(20);
    expect(onNew.filter(Boolean).length).toBe(WORKERS);
    const f = await cli(args('finish', state, '--secret-file', secretOut, '--apply'));
    expect(f.code, f.stderr).toBe(0);
    await sleep(1500);
    running = false;
    await loop;
    const seconds = (performance.now() - started) / 1000;

    expect(failures).toEqual([]);
    expect(auths.old).toBeGreaterThan(10);
    expect(auths.new).toBeGreaterThan(10);
    // A few hundred operations a second (generous floor: the machine is shared).
    expect(ops / seconds).toBeGreaterThan(50);
    const c = await rawConnect(server.port);
    expect(await c.call('AUTH', 'app', OLD)).toEqual({ error: 'WRONGPASS invalid username-password pair or user is disabled.' });
    expect(await c.call('AUTH', 'app', NEW)).toBe('OK');
    c.close();
    console.log(`rotation under load: ${ops} ops in ${seconds.toFixed(1)} s (${Math.round(ops / seconds)}/s), ${auths.old} AUTH old, ${auths.new} AUTH new, 0 failures`);
  }, 30_000);
});

describe('rotation seen from the server', () => {
  it('commandstats and MONITOR show only the rotation allowlist during begin, status and finish', async () => {
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
