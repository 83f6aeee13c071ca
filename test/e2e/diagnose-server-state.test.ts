/**
 * Network and server-state failures on real servers: connection refused, max clients, LOADING (a
 * real RDB loaded slowly with key-load-delay), READONLY replica, MISCONF after a failed BGSAVE,
 * cluster MOVED (slot computed and checked against the server's own redirection), Sentinel port.
 * Only the hung socket (TIMEOUT) uses a bare TCP listener that never answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diagnose, DiagnosisSchema, type Diagnosis, type DiagnoseOptions } from '../../src/diagnose/index.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { rawConnect, type RawClient } from '../helpers/raw-client.js';
import { freePort } from '../helpers/ports.js';

const started: { stop(): Promise<void> }[] = [];
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await Promise.all(started.map((s) => s.stop()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function server(opts: Parameters<typeof startRedis>[0]): Promise<RedisServer> {
  const s = await startRedis(opts);
  started.push(s);
  return s;
}

async function run(opts: Omit<DiagnoseOptions, 'env'>): Promise<Diagnosis> {
  const d = await diagnose({ env: {}, connectTimeoutMs: 2000, replyTimeoutMs: 2000, ...opts });
  expect(DiagnosisSchema.parse(d)).toEqual(d);
  return d;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    await sleep(50);
  }
  throw new Error('condition not reached');
}

describe('network failures', () => {
  it('connection refused', async () => {
    const port = await freePort();
    const d = await run({ url: `redis://127.0.0.1:${port}` });
    expect(d).toMatchObject({ ok: false, code: 'CONNREFUSED', problem: { name: 'CONNECTION_REFUSED' } });
  });

  it('a listener that never answers: TIMEOUT', async () => {
    const sockets: Socket[] = [];
    const hung: Server = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
    const port = (hung.address() as { port: number }).port;
    try {
      const d = await diagnose({ url: `redis://127.0.0.1:${port}`, env: {}, connectTimeoutMs: 500, replyTimeoutMs: 500 });
      expect(d).toMatchObject({ ok: false, code: 'TIMEOUT' });
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => hung.close(r));
    }
  });

  it('max clients reached', async () => {
    const s = await server({ overrides: { maxclients: '1' } });
    const holder = await rawConnect(s.port);
    try {
      const d = await run({ url: `redis://127.0.0.1:${s.port}` });
      expect(d).toMatchObject({ ok: false, code: 'MAXCLIENTS', problem: { evidence: ['server replied: ERR max number of clients reached'] } });
    } finally {
      holder.close();
    }
  });

  it('a Sentinel port instead of the data port names the monitored master', async () => {
    const data = await server({});
    const dir = mkdtempSync(join(tmpdir(), 'redsec-diag-sentinel-'));
    dirs.push(dir);
    const port = await freePort();
    writeFileSync(join(dir, 'sentinel.conf'), `port ${port}\nbind 127.0.0.1\ndir ${dir}\nsentinel monitor mymaster 127.0.0.1 ${data.port} 1\n`);
    const child = spawn('redis-server', [join(dir, 'sentinel.conf'), '--sentinel'], { cwd: dir, stdio: 'ignore' });
    children.push(child);
    await waitFor(async () => {
      const c = await rawConnect(port);
      c.close();
      return true;
    });
    const d = await run({ url: `redis://127.0.0.1:${port}` });
    expect(d).toMatchObject({ ok: false, code: 'SENTINEL', server: { mode: 'sentinel' } });
    expect(d.problem?.evidence).toContain(`monitors master 'mymaster' at 127.0.0.1:${data.port}`);
    expect(d.problem?.fixes[0]?.commands[0]).toMatch(/SENTINEL get-master-addr-by-name mymaster$/);
  });
});

describe('server state', () => {
  it('LOADING: a real dataset loaded slowly', async () => {
    // Build an RDB with 20000 keys, then load it with a per-key delay so loading lasts seconds; the
    // server serves clients (with -LOADING) between chunks of the file, here every 1 KB.
    const src = await server({});
    const c = await rawConnect(src.port);
    for (let b = 0; b < 20; b++) {
      const args: string[] = [];
      for (let i = 0; i < 1000; i++) args.push(`k:${b}:${i}`, 'v');
      await c.call('MSET', ...args);
    }
    expect(await c.call('SAVE')).toBe('OK');
    c.close();
    const dir = mkdtempSync(join(tmpdir(), 'redsec-diag-loading-'));
    dirs.push(dir);
    copyFileSync(join(src.dir, 'dump.rdb'), join(dir, 'dump.rdb'));
    const port = await freePort();
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--key-load-delay', '500', '--loading-process-events-interval-bytes', '1024'], { cwd: dir, stdio: 'ignore' });
    children.push(child);
    let probe: RawClient | undefined;
    await waitFor(async () => {
      probe = await rawConnect(port);
      return true;
    });
    const reply = await probe!.call('PING');
    probe!.close();
    expect(reply).toEqual({ error: 'LOADING Redis is loading the dataset in memory' });
    const d = await run({ url: `redis://127.0.0.1:${port}` });
    child.kill('SIGKILL');
    expect(d).toMatchObject({ ok: false, code: 'LOADING' });
    expect(d.problem?.evidence.join('\n')).toMatch(/loading_loaded_perc:/);
  });

  it('READONLY: a write to a replica, found without sending the write', async () => {
    const master = await server({});
    const replica = await server({ overrides: { replicaof: `127.0.0.1 ${master.port}` } });
    const d = await run({ url: `redis://127.0.0.1:${replica.port}`, command: 'SET a b' });
    expect(d).toMatchObject({ ok: false, code: 'READONLY', server: { role: 'slave' } });
    expect(d.problem?.fixes[0]?.text).toContain(`127.0.0.1:${master.port}`);
    const c = await rawConnect(replica.port);
    expect(await c.call('EXISTS', 'a')).toBe(0);
    c.close();
    // Reads are fine on the replica.
    expect(await run({ url: `redis://127.0.0.1:${replica.port}`, command: 'INFO server' })).toMatchObject({ ok: true });
  });

  it('MISCONF: writes (and PING) refused after a failed background save', async () => {
    // MISCONF needs save points configured (the harness disables them by default).
    const s = await server({ overrides: { save: '3600 1' } });
    const c = await rawConnect(s.port);
    // Take the directory away under the server: the next BGSAVE cannot create its temp file.
    rmSync(s.dir, { recursive: true, force: true });
    await c.call('BGSAVE');
    await waitFor(async () => String(await c.call('INFO', 'persistence')).includes('rdb_last_bgsave_status:err'));
    c.close();
    const d = await run({ url: `redis://127.0.0.1:${s.port}` });
    expect(d).toMatchObject({ ok: false, code: 'MISCONF' });
    expect(d.problem?.evidence).toContain('rdb_last_bgsave_status:err');
  });

  it('CLUSTERDOWN: a cluster node whose slots nobody serves, as the server itself says', async () => {
    const s = await server({ config: 'cluster-enabled yes\n' });
    const c = await rawConnect(s.port);
    const real = (await c.call('GET', 'foo')) as { error: string };
    c.close();
    expect(real.error).toMatch(/^CLUSTERDOWN/);
    const d = await run({ url: `redis://127.0.0.1:${s.port}`, command: 'GET foo' });
    expect(d).toMatchObject({ ok: false, code: 'CLUSTERDOWN', command: { method: 'not-checked', allowed: false } });
  });

  it('cluster MOVED: the slot and owner from CLUSTER NODES match the server\'s own redirection', async () => {
    const conf = 'cluster-enabled yes\ncluster-node-timeout 2000\n';
    const [a, b] = await Promise.all([server({ config: conf }), server({ config: conf })]);
    const ca = await rawConnect(a.port);
    const cb = await rawConnect(b.port);
    expect(await ca.call('CLUSTER', 'ADDSLOTSRANGE', '0', '8191')).toBe('OK');
    expect(await cb.call('CLUSTER', 'ADDSLOTSRANGE', '8192', '16383')).toBe('OK');
    expect(await ca.call('CLUSTER', 'MEET', '127.0.0.1', String(b.port))).toBe('OK');
    await waitFor(async () => String(await ca.call('CLUSTER', 'INFO')).includes('cluster_state:ok') && String(await cb.call('CLUSTER', 'INFO')).includes('cluster_state:ok'), 20_000);
    const real = (await ca.call('GET', 'foo')) as { error: string };
    ca.close();
    cb.close();
    expect(real.error).toMatch(/^MOVED 12182 127\.0\.0\.1:\d+$/);
    const d = await run({ url: `redis://127.0.0.1:${a.port}`, command: 'GET foo' });
    expect(d).toMatchObject({ ok: false, code: 'MOVED', server: { mode: 'cluster' } });
    expect(d.problem?.evidence[0]).toContain(real.error.replace(/:\d+$/, `:${b.port}`));
    // On the owner the same command is fine (asked with ACL DRYRUN, not sent).
    expect(await run({ url: `redis://127.0.0.1:${b.port}`, command: 'GET foo' })).toMatchObject({ ok: true, command: { method: 'acl-dryrun', allowed: true } });
  }, 40_000);
});
