/**
 * `redsec watch` as a user runs it: the built CLI in its own process against real servers, JSON
 * Lines and text output, a targets file, a target that dies and comes back (target-down, then
 * target-up, the other target watched all along), findings over time (--audit-every: finding-new,
 * then finding-resolved), SIGTERM and SIGINT ending it cleanly (exit 0, a
 * closing line, no stack trace), bad input as one line and exit 2. The password never shows.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { rawConnect } from '../helpers/raw-client.js';
import { WATCH_EVENT_KINDS } from '../../src/watch/event.js';

const CLI = resolve(import.meta.dirname, '../../dist/cli.js');
const PW = 'watch-cli-admin-pw-4471';
const USERS = `user default off\nuser admin on >${PW} ~* &* +@all`;
const dir = mkdtempSync(join(tmpdir(), 'redsec-watch-cli-'));

interface Proc {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(args: string[]): Proc {
  const child = spawn(process.execPath, [CLI, 'watch', ...args], { env: { ...process.env, REDSEC_PASSWORD: PW, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on('exit', (code, signal) => res({ code, signal })));
  return { child, stdout: () => out, stderr: () => err, exit };
}

async function until(what: string, p: Proc, ok: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`${what}: not seen; stdout: ${p.stdout().slice(-2000)} stderr: ${p.stderr().slice(-1000)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const lines = (p: Proc) => p.stdout().split('\n').filter((l) => l !== '');

describe('redsec watch (CLI)', () => {
  let a: RedisServer;
  let b: RedisServer;
  beforeAll(async () => {
    [a, b] = await Promise.all([startRedis({ config: USERS }), startRedis({ config: USERS })]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('--format jsonl with a targets file: one event object per line; a dead target is down, then up when it answers; SIGTERM ends it cleanly', async () => {
    const file = join(dir, 'fleet.txt');
    let bPort = 0;
    writeFileSync(file, `# two servers\nredis://127.0.0.1:${a.port}\nredis://127.0.0.1:${b.port}  # the one that dies\n`);
    const p = run(['--targets', file, '--user', 'admin', '--interval', '300ms', '--format', 'jsonl', '--audit-every', '0', '--timeout', '15000']);
    try {
      await until('banner', p, () => /2 targets every 300ms/.test(p.stderr()));
      // Let both targets have their first poll, then provoke a change on a.
      await new Promise((r) => setTimeout(r, 800));
      const admin = await rawConnect(a.port);
      await admin.call('AUTH', 'admin', PW);
      await admin.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
      admin.close();
      await until('config-drift', p, () => p.stdout().includes('"config-drift"'));
      // b dies: down once (not once per poll), a still watched; b restarts on its port: up.
      bPort = b.port;
      await b.stop();
      await until('target-down', p, () => p.stdout().includes('"target-down"'));
      await new Promise((r) => setTimeout(r, 1000));
      b = await startRedis({ config: USERS, overrides: { port: String(bPort) } });
      await until('target-up', p, () => p.stdout().includes('"target-up"'));
      p.child.kill('SIGTERM');
      const { code, signal } = await p.exit;
      expect(signal).toBeNull();
      expect(code).toBe(0);
      const events = lines(p).map((l) => JSON.parse(l) as Record<string, unknown>);
      for (const e of events) {
        expect(WATCH_EVENT_KINDS).toContain(e['kind']);
        expect(Object.keys(e)).toEqual(expect.arrayContaining(['time', 'target', 'kind', 'severity', 'summary', 'evidence']));
        expect(Number.isNaN(Date.parse(String(e['time'])))).toBe(false);
      }
      const drift = events.find((e) => e['kind'] === 'config-drift');
      expect(drift?.['target']).toBe(`redis://127.0.0.1:${a.port}`);
      expect(drift?.['evidence']).toMatchObject({ directive: 'maxmemory-policy', old: 'noeviction', new: 'allkeys-lru' });
      const downs = events.filter((e) => e['kind'] === 'target-down');
      expect(downs).toHaveLength(1);
      expect(downs[0]?.['target']).toBe(`redis://127.0.0.1:${bPort}`);
      expect(downs[0]?.['evidence']).toMatchObject({ error: 'CONNREFUSED' });
      expect(events.filter((e) => e['kind'] === 'target-up')).toHaveLength(1);
      // Nothing else: the CONFIG SET itself, and b restarted with another dir and logfile (its test dir).
      expect(events.map((e) => e['kind']).sort()).toEqual(['config-drift', 'config-drift', 'config-drift', 'dangerous-command', 'target-down', 'target-up']);
      expect(events.filter((e) => e['kind'] === 'config-drift' && e['target'] === `redis://127.0.0.1:${bPort}`).map((e) => (e['evidence'] as Record<string, unknown>)['directive']).sort()).toEqual(['dir', 'logfile']);
      expect(p.stderr()).toMatch(/stopped after \d+ poll\(s\), [1-9]\d* failed, 6 event\(s\)/);
      expect(p.stderr()).not.toMatch(/\n\s+at /);
      expect(p.stdout() + p.stderr()).not.toContain(PW);
    } finally {
      p.child.kill('SIGKILL');
    }
  });

  it('text format, one line per event; SIGINT ends it cleanly', async () => {
    const p = run([`redis://127.0.0.1:${a.port}`, '--user', 'admin', '--interval', '300ms', '--audit-every', '0']);
    try {
      await until('banner', p, () => /1 target every 300ms/.test(p.stderr()));
      await new Promise((r) => setTimeout(r, 700));
      const admin = await rawConnect(a.port);
      await admin.call('AUTH', 'admin', PW);
      await admin.call('ACL', 'SETUSER', 'intruder', 'on', '>intruder-pw-1', '+@all', '~*');
      admin.close();
      await until('acl-change', p, () => p.stdout().includes('acl-change'));
      p.child.kill('SIGINT');
      const { code } = await p.exit;
      expect(code).toBe(0);
      const acl = lines(p).find((l) => l.includes(' acl-change: '));
      expect(acl).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\S+Z CRITICAL redis://127\\.0\\.0\\.1:${a.port} acl-change: user intruder added, enabled, with .*\\+@all`));
      expect(p.stdout()).not.toContain('intruder-pw-1');
      expect(p.stdout()).not.toContain('\x1b[');
    } finally {
      p.child.kill('SIGKILL');
    }
  });

  it('--max-polls ends on its own; the audit runs on the first poll without events (it is the baseline)', async () => {
    const p = run([`redis://127.0.0.1:${a.port}`, '--user', 'admin', '--interval', '200ms', '--max-polls', '3', '--format', 'jsonl']);
    const { code } = await p.exit;
    expect(code).toBe(0);
    expect(p.stdout()).toBe('');
    expect(p.stderr()).toMatch(/audit every 1h/);
    expect(p.stderr()).toMatch(/stopped after 3 poll\(s\), 0 failed, 0 event\(s\)/);
  });

  it('--audit-every: a rule that starts failing between audits is finding-new; fixed, it is finding-resolved', async () => {
    const server = await startRedis({ config: USERS });
    const c = await rawConnect(server.port);
    await c.call('AUTH', 'admin', PW);
    // The audit sends ACL WHOAMI and a poll does not: two audits begun means the first (the baseline) ended.
    const auditsBegun = async () => Number(/cmdstat_acl\|whoami:calls=(\d+)/.exec(String(await c.call('INFO', 'commandstats')))?.[1] ?? 0);
    const p = run([`redis://127.0.0.1:${server.port}`, '--user', 'admin', '--interval', '300ms', '--audit-every', '1s', '--format', 'jsonl']);
    try {
      const deadline = Date.now() + 20_000;
      while ((await auditsBegun()) < 2) {
        if (Date.now() > deadline) throw new Error(`the baseline audit did not run; stderr: ${p.stderr()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const events = () => lines(p).map((l) => JSON.parse(l) as { kind: string; severity: string; evidence: Record<string, unknown> });
      await c.call('ACL', 'SETUSER', 'default', 'on', 'nopass', '~*', '+@all');
      await until('finding-new AUTH-NOPASS-DEFAULT', p, () => events().some((e) => e.kind === 'finding-new' && e.evidence['rule'] === 'AUTH-NOPASS-DEFAULT'), 20_000);
      const fresh = events().find((e) => e.kind === 'finding-new' && e.evidence['rule'] === 'AUTH-NOPASS-DEFAULT');
      expect(fresh?.severity).toBe('critical');
      await c.call('ACL', 'SETUSER', 'default', 'off', 'resetpass', '-@all');
      await until('finding-resolved AUTH-NOPASS-DEFAULT', p, () => events().some((e) => e.kind === 'finding-resolved' && e.evidence['rule'] === 'AUTH-NOPASS-DEFAULT'), 20_000);
      // Reported once each, though several audits ran in between.
      expect(events().filter((e) => e.evidence['rule'] === 'AUTH-NOPASS-DEFAULT').map((e) => e.kind)).toEqual(['finding-new', 'finding-resolved']);
    } finally {
      p.child.kill('SIGKILL');
      c.close();
      await server.stop();
    }
  });

  it('--state: a restart reports only what changed while it was stopped, and nothing twice; the file is 0600 without secrets', async () => {
    const state = join(dir, 'watch-state.json');
    const once = async () => {
      const p = run([`redis://127.0.0.1:${a.port}`, '--user', 'admin', '--interval', '200ms', '--max-polls', '2', '--audit-every', '0', '--format', 'jsonl', '--state', state]);
      const { code } = await p.exit;
      expect(code, p.stderr()).toBe(0);
      return lines(p).map((l) => JSON.parse(l) as { kind: string; evidence: Record<string, unknown> });
    };
    expect(await once()).toEqual([]);
    expect(statSync(state).mode & 0o777).toBe(0o600);
    // While the watcher is stopped: a new user and three failed AUTHs.
    const admin = await rawConnect(a.port);
    await admin.call('AUTH', 'admin', PW);
    await admin.call('ACL', 'SETUSER', 'latecomer', 'on', '>latecomer-pw-9', '~*', '+get');
    admin.close();
    const bad = await rawConnect(a.port);
    for (let i = 0; i < 3; i++) await bad.call('AUTH', 'latecomer', `nope-${i}`);
    bad.close();
    const second = await once();
    expect(second.map((e) => e.kind).sort()).toEqual(['acl-change', 'auth-failure', 'dangerous-command']);
    expect(second.find((e) => e.kind === 'acl-change')?.evidence).toMatchObject({ user: 'latecomer', change: 'added' });
    expect(second.find((e) => e.kind === 'auth-failure')?.evidence).toMatchObject({ user: 'latecomer', count: 3 });
    // A third run has nothing new to say.
    expect(await once()).toEqual([]);
    const text = readFileSync(state, 'utf8');
    expect(text).not.toContain(PW);
    expect(text).not.toContain('latecomer-pw-9');
    expect(text).not.toMatch(/#[0-9a-f]{64}/);
    // The file holds the recent events (what `redsec mcp --watch` serves).
    expect((JSON.parse(text) as { events: { kind: string }[] }).events.map((e) => e.kind).sort()).toEqual(['acl-change', 'auth-failure', 'dangerous-command']);
  });

  it('bad input: one line, exit 2, nothing polled', async () => {
    const cases = [
      [['--interval', 'soon', `redis://127.0.0.1:${a.port}`], /--interval must be a duration/],
      [['--format', 'xml', `redis://127.0.0.1:${a.port}`], /--format must be text or jsonl/],
      [[], /give at least one URL or --targets FILE/],
      [['--targets', join(dir, 'missing.txt')], /missing\.txt/],
      [['--baseline-plan', join(dir, 'missing.json'), `redis://127.0.0.1:${a.port}`], /missing\.json/],
      [[`redis://127.0.0.1:${a.port}`, `redis://127.0.0.1:${a.port}`], /target given twice/],
    ] as const;
    // The processes run side by side (each is a node start-up).
    await Promise.all(
      cases.map(async ([args, message]) => {
        const p = run([...args]);
        const { code } = await p.exit;
        expect(code, String(args)).toBe(2);
        expect(p.stderr().trim().split('\n')).toHaveLength(1);
        expect(p.stderr()).toMatch(message);
        expect(p.stdout()).toBe('');
      }),
    );
  });
});
