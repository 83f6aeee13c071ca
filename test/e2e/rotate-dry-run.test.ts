/**
 * What `redsec rotate password` does without --apply, on real servers:
 *  - it cannot write: its connections carry the audit's read-only allowlist, and the server's own
 *    counters (INFO commandstats after CONFIG RESETSTAT) show only reads (MONITOR would not show
 *    ACL/CONFIG commands, so commandstats is the evidence), for one target and for a fleet with
 *    a replica;
 *  - its JSON carries no raw C1/bidi/line-separator character even when the user name (which
 *    Redis accepts with such bytes, and echoes in ACL GETUSER and CLIENT LIST) holds them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { rawConnect, type RawClient } from '../helpers/raw-client.js';
import { cli } from '../helpers/run-cli.js';

const ADMIN_PW = 'dry-admin-pw-3b7d';
const OLD = 'dry-old-password-90aa';
// CSI (C1), a right-to-left override and a first-strong isolate: Redis accepts them in a user
// name (and echoes them in ACL GETUSER and CLIENT LIST); --user refuses only whitespace and C0/DEL
// (a Unicode line separator counts as whitespace there, see the last test).
const HOSTILE = 'app\u009b2J\u202eevil\u2068x';
const RAW = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const USERS = ['user default off', `user admin on >${ADMIN_PW} ~* &* +@all`, `user app on >${OLD} ~* &* +@all`];
// What a dry run (and the test's own reset and read) may leave in INFO commandstats.
const READS = new Set(['auth', 'hello', 'client|setinfo', 'client|list', 'acl|getuser', 'config|get', 'info', 'config|resetstat', 'ping', 'select', 'command|docs', 'command']);

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'redsec-rotate-dry-'));
  writeFileSync(join(work, 'admin.pw'), `${ADMIN_PW}\n`, { mode: 0o600 });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const url = (s: RedisServer) => `redis://127.0.0.1:${s.port}`;

function dir(name: string): string {
  const d = join(work, name);
  mkdirSync(d);
  return d;
}

function args(phase: string, user: string, state: string, ...extra: string[]): string[] {
  return ['rotate', 'password', phase, '--user', user, '--admin-user', 'admin', '--admin-password-file', join(work, 'admin.pw'), '--state', state, ...extra];
}

async function admin(s: RedisServer): Promise<RawClient> {
  const c = await rawConnect(s.port);
  expect(await c.call('AUTH', 'admin', ADMIN_PW)).toBe('OK');
  return c;
}

async function resetStats(...servers: RedisServer[]): Promise<void> {
  for (const s of servers) {
    const c = await admin(s);
    expect(await c.call('CONFIG', 'RESETSTAT')).toBe('OK');
    c.close();
  }
}

/** cmdstat_<name> -> calls, from the server's own counters. */
async function commandCalls(s: RedisServer): Promise<Map<string, number>> {
  const c = await admin(s);
  const info = String(await c.call('INFO', 'commandstats'));
  c.close();
  const calls = new Map<string, number>();
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(m[1] as string, Number(m[2]));
  return calls;
}

function onlyReads(calls: Map<string, number>): void {
  expect([...calls.keys()].filter((k) => !READS.has(k))).toEqual([]);
}

async function until(what: string, ok: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a dry run cannot write (INFO commandstats)', () => {
  let master: RedisServer;
  let node: RedisServer;
  let replica: RedisServer;
  beforeAll(async () => {
    [master, node] = await Promise.all([
      startRedis({ config: [...USERS, 'repl-diskless-sync-delay 0'].join('\n') }),
      startRedis({ files: { 'users.acl': `${USERS.join('\n')}\n` }, overrides: { aclfile: 'users.acl' } }),
    ]);
    replica = await startRedis({ config: [...USERS, `replicaof 127.0.0.1 ${master.port}`, 'masteruser app', `masterauth ${OLD}`].join('\n') });
    await until('the replica link', async () => {
      const c = await admin(replica);
      const info = String(await c.call('INFO', 'replication'));
      c.close();
      return info.includes('master_link_status:up');
    });
  });
  afterAll(async () => Promise.all([master?.stop(), node?.stop(), replica?.stop()]));

  it('one target: begin, status and finish without --apply send only reads (ACL SAVE and CONFIG REWRITE listed, not sent)', async () => {
    const d = dir('single');
    const state = join(d, 'state.json');
    await resetStats(node);
    const begin = await cli([...args('begin', 'app', state), url(node)]);
    expect(begin.code).toBe(0);
    expect(begin.stdout).toContain('ACL SETUSER app >***');
    expect(begin.stdout).toContain('ACL SAVE');
    const calls = await commandCalls(node);
    onlyReads(calls);
    expect(calls.get('acl|getuser')).toBeGreaterThan(0);
    expect(calls.get('config|get')).toBeGreaterThan(0);

    // An applied begin, then finish's and status's dry runs read only.
    const applied = await cli([...args('begin', 'app', state, '--secret-out', join(d, 'new.pw'), '--apply'), url(node)]);
    expect(applied.code).toBe(0);
    await resetStats(node);
    const finish = await cli([...args('finish', 'app', state, '--secret-file', join(d, 'new.pw')), url(node)]);
    expect(finish.code).toBe(0);
    expect(finish.stdout).toMatch(/ACL SETUSER app !([0-9a-f]{64})/);
    const status = await cli([...args('status', 'app', state), url(node)]);
    expect(status.code).toBe(0);
    const after = await commandCalls(node);
    onlyReads(after);
    expect(after.get('client|list')).toBeGreaterThan(0);
    // The old password still works: finish's dry run removed nothing.
    const c = await rawConnect(node.port);
    expect(await c.call('AUTH', 'app', OLD)).toBe('OK');
    c.close();
  });

  it('a fleet (--targets) with a replica: the dry run reads on every node and on the replica, and lists the replica read', async () => {
    const d = dir('fleet');
    const targets = join(d, 'targets.txt');
    writeFileSync(targets, `${url(master)}\n${url(node)}\n`);
    await resetStats(master, node, replica);
    const r = await cli([...args('begin', 'app', join(d, 'state.json'), '--targets', targets, '--replica', url(replica)), '--format', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { applied: boolean; peers: { role: string; commands: string[] }[] };
    expect(report.applied).toBe(false);
    expect(report.peers[0]?.commands).toEqual(['CONFIG GET masteruser', 'CONFIG SET masterauth ***', 'CONFIG REWRITE', 'INFO replication']);
    for (const s of [master, node, replica]) {
      const calls = await commandCalls(s);
      onlyReads(calls);
      expect(calls.get('config|get')).toBeGreaterThan(0);
    }
  });
});

describe('rotate JSON with a hostile user name', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis({ files: { 'users.acl': `${USERS.join('\n')}\n` }, overrides: { aclfile: 'users.acl' } });
    const c = await admin(server);
    // Redis refuses only spaces and NUL in a user name: these bytes are the server's to echo.
    expect(await c.call('ACL', 'SETUSER', HOSTILE, 'on', `>${OLD}`, '~*', '+@all')).toBe('OK');
    c.close();
  });
  afterAll(async () => server?.stop());

  it('begin, status (with a connection of that user) and finish: no raw C1/bidi byte in JSON or text, and the name parses back intact', async () => {
    const d = dir('hostile');
    const state = join(d, 'state.json');
    const client = await rawConnect(server.port);
    expect(await client.call('AUTH', HOSTILE, OLD)).toBe('OK');
    try {
      const runs = [
        await cli([...args('begin', HOSTILE, state, '--format', 'json'), url(server)]),
        await cli([...args('begin', HOSTILE, state, '--secret-out', join(d, 'new.pw'), '--apply', '--format', 'json'), url(server)]),
        await cli([...args('status', HOSTILE, state, '--format', 'json'), url(server)]),
        await cli([...args('finish', HOSTILE, state, '--secret-file', join(d, 'new.pw'), '--format', 'json'), url(server)]),
      ];
      for (const r of runs) {
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        expect(r.stdout).not.toMatch(RAW);
        expect(r.stdout).toContain('\\u009b');
        const report = JSON.parse(r.stdout) as { user: string; commands: string[]; connections?: unknown[] };
        expect(report.user).toBe(HOSTILE);
      }
      const status = JSON.parse(runs[2]?.stdout ?? '') as { connections: unknown[] };
      expect(status.connections.length).toBe(1);
      // The same through the fleet renderer (--targets with one node).
      const targets = join(d, 'targets.txt');
      writeFileSync(targets, `${url(server)}\n`);
      const fleet = await cli([...args('begin', HOSTILE, join(d, 'fleet-state.json'), '--targets', targets, '--format', 'json')]);
      expect(fleet.code).toBe(0);
      expect(fleet.stdout).not.toMatch(RAW);
      expect((JSON.parse(fleet.stdout) as { user: string }).user).toBe(HOSTILE);
      // The text report shows the name escaped too.
      const text = await cli([...args('status', HOSTILE, state), url(server)]);
      expect(text.stdout).not.toMatch(RAW);
      expect(text.stdout).toContain(`connections of 'app\\x9b2J\\u202eevil\\u2068x': 1`);
    } finally {
      client.close();
    }
  });
});

describe('--user with a forged line', () => {
  it('ESC, a newline or a Unicode line separator in --user: exit 2 with one line, nothing sent', async () => {
    for (const user of ['app\u001b[2J', 'app\nresult: ok', 'app\u2028result: ok']) {
      const r = await cli(args('begin', user, join(work, 'never.json'), 'redis://127.0.0.1:1'));
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe('redsec: --user must be an ACL user name without spaces or control characters\n');
    }
  });
});

describe('help of repeatable flags', () => {
  it("rotate password and mcp list --replica, --sentinel, --target ... without '(default: [])'", async () => {
    for (const argv of [['rotate', 'password', 'begin', '--help'], ['rotate', 'password', 'finish', '--help'], ['mcp', '--help']]) {
      const r = await cli(argv);
      const help = r.stdout + r.stderr;
      expect(help).toMatch(/--replica <url>|--target <name=url>/);
      expect(help).toContain('(repeatable');
      expect(help).not.toContain('(default: [])');
    }
  });
});
