/**
 * diagnose --command with only the application's credentials (no admin, no ACL DRYRUN for the
 * user): the command is queued inside MULTI and thrown away with DISCARD, never EXEC. Redis checks
 * ACLs when it queues, so NOPERM answers without running anything. Proven on a real 7.0.15 server
 * with MONITOR (the queued commands never show, MULTI and DISCARD do), INFO commandstats (no call
 * of FLUSHALL, SET, SAVE) and the data itself (keys survive, the checked SET wrote nothing).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnose, type Diagnosis } from '../../src/diagnose/index.js';
import { connect, parseTarget } from '../../src/resp/index.js';
import { ForbiddenCommandError } from '../../src/errors.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { rawConnect, type RawClient } from '../helpers/raw-client.js';

const ADMIN_PW = 'multi-admin-pw-31f7';
const APP_PW = 'multi-app-pw-8c2d';
const ACL = [
  'user default off',
  `user admin on >${ADMIN_PW} ~* &* +@all`,
  // The user: everything but @dangerous (no ACL DRYRUN, no ACL GETUSER: both are @dangerous/@admin).
  `user app on >${APP_PW} ~* &* +@all -@dangerous`,
  // May not even start a transaction.
  `user nomulti on >${APP_PW} ~* -@all +get +set +flushall`,
  // SORT allowed on one key only.
  `user sorter on >${APP_PW} ~mylist -@all +sort +multi +discard`,
].join('\n');

let server: RedisServer;
let admin: RawClient;
let monitor: RawClient;
let received = '';
let dir: string;
let pwFile: string;
let adminPwFile: string;

function commandCalls(info: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out.set(m[1]!, Number(m[2]));
  return out;
}

/** The commands MONITOR showed since the last call, as upper-case names. */
function monitored(): string[] {
  const names = received
    .split('\r\n')
    .filter((l) => /^\+\d+\.\d+ \[/.test(l))
    .map((l) => /\] "([^"]+)"/.exec(l)?.[1]?.toUpperCase() ?? '');
  received = '';
  return names;
}

const as = (user: string, command: string, withAdmin = false) =>
  diagnose({
    url: `redis://${user}@127.0.0.1:${server.port}`,
    passwordFile: pwFile,
    env: {},
    command,
    ...(withAdmin ? { adminUser: 'admin', adminPasswordFile: adminPwFile } : {}),
  });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'redsec-diag-multi-'));
  pwFile = join(dir, 'app.pw');
  adminPwFile = join(dir, 'admin.pw');
  writeFileSync(pwFile, `${APP_PW}\n`, { mode: 0o600 });
  writeFileSync(adminPwFile, `${ADMIN_PW}\n`, { mode: 0o600 });
  server = await startRedis({ config: 'aclfile users.acl', files: { 'users.acl': `${ACL}\n` } });
  admin = await rawConnect(server.port);
  expect(await admin.call('AUTH', 'admin', ADMIN_PW)).toBe('OK');
  await admin.call('SET', 'canary', 'alive');
  await admin.call('RPUSH', 'mylist', '3', '1', '2');
  monitor = await rawConnect(server.port);
  await monitor.call('AUTH', 'admin', ADMIN_PW);
  expect(await monitor.call('MONITOR')).toBe('OK');
  monitor.socket.on('data', (d: Buffer) => (received += d.toString()));
});

afterAll(async () => {
  monitor?.close();
  admin?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 150));
}

describe('diagnose --command without admin credentials: MULTI, the command, DISCARD', () => {
  it('FLUSHALL for +@all -@dangerous: NOPERM from the queue, nothing ran', async () => {
    const before = commandCalls(String(await admin.call('INFO', 'commandstats')));
    received = '';
    const d: Diagnosis = await as('app', 'FLUSHALL');
    expect(d).toMatchObject({ ok: false, code: 'E602', problem: { kind: 'command' }, command: { method: 'multi-queue', allowed: false } });
    expect(d.command?.detail).toContain('never ran (no EXEC)');
    expect(d.problem?.evidence.join('\n')).toMatch(/server \(queuing it in MULTI\) replied: NOPERM .*flushall/);
    await settle();
    const seen = monitored();
    expect(seen).toEqual(expect.arrayContaining(['MULTI', 'DISCARD']));
    expect(seen).not.toContain('FLUSHALL');
    expect(seen).not.toContain('EXEC');
    const after = commandCalls(String(await admin.call('INFO', 'commandstats')));
    expect(after.get('flushall') ?? 0).toBe(before.get('flushall') ?? 0);
    expect(after.get('exec') ?? 0).toBe(before.get('exec') ?? 0);
    expect((after.get('discard') ?? 0) - (before.get('discard') ?? 0)).toBe(1);
    expect(await admin.call('GET', 'canary')).toBe('alive');
  });

  it('an allowed SET is QUEUED and discarded: allowed, and the key was never written', async () => {
    const before = commandCalls(String(await admin.call('INFO', 'commandstats')));
    received = '';
    const d = await as('app', 'SET written-by-diagnose x');
    expect(d).toMatchObject({ ok: true, command: { method: 'multi-queue', allowed: true } });
    await settle();
    expect(monitored()).not.toContain('SET');
    const after = commandCalls(String(await admin.call('INFO', 'commandstats')));
    expect(after.get('set') ?? 0).toBe(before.get('set') ?? 0);
    expect(await admin.call('EXISTS', 'written-by-diagnose')).toBe(0);
  });

  it('MULTI denied: the command is never sent, the answer stays unknown', async () => {
    const before = commandCalls(String(await admin.call('INFO', 'commandstats')));
    received = '';
    const d = await as('nomulti', 'FLUSHALL');
    expect(d.command).toMatchObject({ method: 'not-checked', allowed: null });
    expect(d.command?.detail).toMatch(/MULTI was refused \(NOPERM/);
    await settle();
    expect(monitored()).not.toContain('FLUSHALL');
    const after = commandCalls(String(await admin.call('INFO', 'commandstats')));
    expect(after.get('flushall') ?? 0).toBe(before.get('flushall') ?? 0);
    expect(await admin.call('GET', 'canary')).toBe('alive');
  });

  it('a command that cannot be queued (SAVE on 7.0, checked before ACL) stays unknown and does not run', async () => {
    const before = commandCalls(String(await admin.call('INFO', 'commandstats')));
    const d = await as('app', 'SAVE');
    expect(d.command).toMatchObject({ method: 'not-checked', allowed: null });
    expect(d.command?.detail).toMatch(/SAVE cannot be queued in MULTI/);
    const after = commandCalls(String(await admin.call('INFO', 'commandstats')));
    expect(after.get('save') ?? 0).toBe(before.get('save') ?? 0);
  });

  it('SORT GET: queued fine, refused when run; unknown without the rules, denied when run with them', async () => {
    const alone = await as('sorter', 'SORT mylist GET v*');
    expect(alone.command).toMatchObject({ method: 'not-checked', allowed: null });
    expect(alone.command?.detail).toContain('ERR GET option of SORT denied due to insufficient ACL permissions.');
    const withRules = await as('sorter', 'SORT mylist GET v*', true);
    expect(withRules).toMatchObject({ ok: false, code: 'E602', problem: { kind: 'run' }, command: { allowed: false } });
    // The server agrees when the command actually runs (as the test's own client).
    const c = await rawConnect(server.port);
    await c.call('AUTH', 'sorter', APP_PW);
    expect(await c.call('SORT', 'mylist', 'GET', 'v*')).toEqual({ error: 'ERR GET option of SORT denied due to insufficient ACL permissions.' });
    expect(await c.call('SORT', 'mylist')).toEqual(['1', '2', '3']);
    c.close();
    const plain = await as('sorter', 'SORT mylist');
    expect(plain).toMatchObject({ ok: true, command: { method: 'multi-queue', allowed: true } });
  });

  it('the RESP path takes only this shape: commands the server runs at once inside MULTI are refused', async () => {
    const conn = await connect(parseTarget(`redis://127.0.0.1:${server.port}`), { auth: { user: 'app', password: APP_PW } });
    try {
      for (const name of ['EXEC', 'exec', 'MULTI', 'DISCARD', 'WATCH', 'QUIT', 'RESET']) {
        await expect(conn.queueCheck([name, 'x'])).rejects.toBeInstanceOf(ForbiddenCommandError);
      }
      await expect(conn.queueCheck([])).rejects.toBeInstanceOf(ForbiddenCommandError);
      // The ordinary path still refuses MULTI and any write.
      await expect(conn.call(['MULTI'])).rejects.toBeInstanceOf(ForbiddenCommandError);
      await expect(conn.call(['FLUSHALL'])).rejects.toBeInstanceOf(ForbiddenCommandError);
      const r = await conn.queueCheck(['DEL', 'canary']);
      expect(r).toEqual({ multi: 'OK', queued: 'QUEUED', discard: 'OK' });
    } finally {
      conn.close();
    }
    expect(await admin.call('GET', 'canary')).toBe('alive');
  });
});
