/**
 * The issue's proof for the embedded watcher, on real servers: each signal is provoked (bounded in
 * count) and must be reported within two polls with the right kind and evidence; a quiet server
 * with a steady client loop (EVAL included, as applications run it all day), watched over the same
 * time with anomaly detection active, reports nothing. "Within two polls" is counted, not timed: the
 * watcher's own poll count when the event arrives minus the count when the provocation ended.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { rawConnect, type RawClient } from '../helpers/raw-client.js';
import { testPki } from '../helpers/pki.js';
import { parseTarget } from '../../src/resp/index.js';
import { targetCredentials } from '../../src/audit/collect-target.js';
import { Watcher, type WatchTarget } from '../../src/watch/watcher.js';
import type { WatchEvent } from '../../src/watch/event.js';

const PW = 'watch-signals-admin-pw-8d';
const APP_PW = 'watch-signals-app-pw-2c';
const INTERVAL = 500;
const USERS = ['user default off', `user admin on >${PW} ~* &* +@all`, `user app on >${APP_PW} ~app:* resetchannels -@all +@read +@write +ping +eval`].join('\n');

interface Run {
  watcher: Watcher;
  events: WatchEvent[];
  /** Polls ended, of one target (by its port) or of all. */
  polls: (port?: number) => number;
  done: Promise<void>;
}

function watch(targets: WatchTarget[], detect: ConstructorParameters<typeof Watcher>[0]['detect'] = {}, settings: Record<string, unknown> = {}): Run {
  const events: WatchEvent[] = [];
  const polls = new Map<string, number>();
  const watcher = new Watcher({
    targets,
    settings: { user: 'admin', env: { REDSEC_PASSWORD: PW }, connectTimeoutMs: 3000, replyTimeoutMs: 3000, ...settings },
    intervalMs: INTERVAL,
    sinks: [{ send: (e: WatchEvent) => events.push(e) }],
    detect,
    onState: (name) => polls.set(name, (polls.get(name) ?? 0) + 1),
  });
  const count = (port?: number) => [...polls].filter(([name]) => port === undefined || name.endsWith(`:${port}`)).reduce((s, [, n]) => s + n, 0);
  return { watcher, events, polls: count, done: watcher.run() };
}

function target(url: string, settings: Record<string, unknown> = {}): WatchTarget {
  const t = parseTarget(url);
  return { name: t.display, target: t, credentials: targetCredentials(t, { user: 'admin', env: { REDSEC_PASSWORD: PW }, ...settings }) };
}

/** Waits until an event matches (at most 15 s: the machine is shared), returning it and the polls it took. */
async function reported(run: Run, since: number, match: (e: WatchEvent) => boolean, from: number, port?: number): Promise<{ event: WatchEvent; polls: number }> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const event = run.events.slice(since).find(match);
    if (event) return { event, polls: run.polls(port) - from };
    if (Date.now() > deadline) throw new Error(`no matching event; got ${JSON.stringify(run.events.slice(since).map((e) => `${e.kind}: ${e.summary}`))}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Provokes, then expects a matching event within two polls of the target on `port`; returns the event. */
async function provoke(run: Run, port: number, what: () => Promise<unknown>, match: (e: WatchEvent) => boolean): Promise<WatchEvent> {
  const since = run.events.length;
  await what();
  const from = run.polls(port);
  const { event, polls } = await reported(run, since, (e) => e.target.endsWith(`:${port}`) && match(e), from, port);
  // The poll under way when the provocation ended may have read the server before it: one more.
  expect(polls, `${event.kind} took ${polls} polls`).toBeLessThanOrEqual(2);
  return event;
}

async function admin(port: number, host = '127.0.0.1'): Promise<RawClient> {
  const c = await rawConnect(port, { host });
  expect(await c.call('AUTH', 'admin', PW)).toBe('OK');
  return c;
}

async function firstPolls(run: Run, n: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (run.polls() < n) {
    if (Date.now() > deadline) throw new Error('the watcher did not poll');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('watch reports each signal within two polls', () => {
  let server: RedisServer;
  let other: RedisServer;
  let quiet: RedisServer;
  let small: RedisServer;
  let tlsServer: RedisServer;
  let run: Run;
  let quietRun: Run;
  let quietLoop: Promise<number>;
  let stopQuiet = false;
  const dirX = mkdtempSync(join(tmpdir(), 'redsec-watch-x-'));

  beforeAll(async () => {
    const pki = testPki();
    // A server certificate that expires in 5 days, from the test CA.
    const certDir = mkdtempSync(join(tmpdir(), 'redsec-watch-cert-'));
    writeFileSync(join(certDir, 'ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
    const ossl = (args: string[]) => execFileSync('openssl', args, { cwd: certDir, stdio: 'pipe' });
    ossl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'soon.key', '-out', 'soon.csr', '-subj', '/CN=expiring-soon']);
    ossl(['x509', '-req', '-in', 'soon.csr', '-CA', pki.ca, '-CAkey', pki.caKey, '-CAcreateserial', '-out', 'soon.crt', '-days', '5', '-extfile', 'ext']);
    const common = { config: USERS, overrides: { 'enable-protected-configs': 'local', 'enable-debug-command': 'local' } };
    [server, other, quiet, small, tlsServer] = await Promise.all([
      startRedis(common),
      startRedis({ config: USERS }),
      startRedis({ config: USERS }),
      startRedis({ config: USERS, overrides: { maxclients: '12' } }),
      startRedis({ config: USERS, tls: { cert: join(certDir, 'soon.crt'), key: join(certDir, 'soon.key'), ca: pki.ca, plain: false } }),
    ]);
    run = watch([target(`redis://127.0.0.1:${server.port}`), target(`redis://127.0.0.1:${small.port}`)], { allowClients: ['127.0.0.1'] });
    // The quiet server: a steady application loop on one connection plus a client that reconnects
    // every second, watched with anomaly detection past its warm-up.
    const app = await rawConnect(quiet.port);
    await app.call('AUTH', 'app', APP_PW);
    // The application runs Lua all day (before the first poll too): EVAL is routine, not an event.
    await app.call('EVAL', 'return 1', '0');
    quietLoop = (async () => {
      let n = 0;
      let last = Date.now();
      while (!stopQuiet) {
        await app.call('SET', `app:k${n % 50}`, String(n));
        await app.call('GET', `app:k${(n + 7) % 50}`);
        await app.call('EVAL', "return redis.call('GET', KEYS[1])", '1', `app:k${n % 50}`);
        n++;
        if (Date.now() - last > 1000) {
          last = Date.now();
          const c = await rawConnect(quiet.port);
          await c.call('AUTH', 'app', APP_PW);
          c.close();
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      app.close();
      return n;
    })();
    quietRun = watch([target(`redis://127.0.0.1:${quiet.port}`)], { allowClients: ['127.0.0.1'], anomaly: { warmup: 4 } });
    await firstPolls(run, 4);
  });

  afterAll(async () => {
    stopQuiet = true;
    await Promise.allSettled([run?.watcher.stop(), quietRun?.watcher.stop(), quietLoop]);
    await Promise.all([server?.stop(), other?.stop(), quiet?.stop(), small?.stop(), tlsServer?.stop()]);
  });

  it('50 failed AUTHs in 2 s from one client: auth-failure with user and source, then auth-bruteforce', async () => {
    const since = run.events.length;
    const ev = await provoke(
      run,
      server.port,
      async () => {
        const c = await rawConnect(server.port);
        for (let i = 0; i < 50; i++) {
          await c.call('AUTH', 'app', `wrong-${i}`);
          await new Promise((r) => setTimeout(r, 30));
        }
        c.close();
      },
      (e) => e.kind === 'auth-bruteforce',
    );
    expect(ev.severity).toBe('high');
    expect(ev.evidence).toMatchObject({ source: '127.0.0.1', user_names: 'app' });
    expect(Number(ev.evidence['count'])).toBeGreaterThanOrEqual(20);
    await new Promise((r) => setTimeout(r, 2 * INTERVAL + 200));
    const failures = run.events.slice(since).filter((e) => e.kind === 'auth-failure');
    expect(failures.length).toBeGreaterThan(0);
    for (const f of failures) expect(f.evidence).toMatchObject({ user: 'app', source: '127.0.0.1' });
    expect(failures.reduce((s, f) => s + Number(f.evidence['count']), 0)).toBe(50);
    expect(JSON.stringify(run.events)).not.toContain('wrong-');
  });

  it('a denied DEBUG by the application user: acl-denied naming user and command', async () => {
    const ev = await provoke(
      run,
      server.port,
      async () => {
        const c = await rawConnect(server.port);
        await c.call('AUTH', 'app', APP_PW);
        const r = (await c.call('DEBUG', 'SLEEP', '0')) as { error?: string };
        expect(r.error).toMatch(/^NOPERM/);
        c.close();
      },
      (e) => e.kind === 'acl-denied',
    );
    expect(ev.evidence).toMatchObject({ reason: 'command', user: 'app', object: 'debug', count: 1 });
  });

  it('a burst of 200 connections: connection-spike', async () => {
    const ev = await provoke(
      run,
      server.port,
      async () => {
        const sockets = await Promise.all(
          Array.from({ length: 200 }, () => new Promise<Socket>((resolve, reject) => {
            const s = netConnect({ host: '127.0.0.1', port: server.port }, () => resolve(s));
            s.on('error', reject);
          })),
        );
        for (const s of sockets) s.destroy();
      },
      (e) => e.kind === 'connection-spike' && e.target.endsWith(`:${server.port}`),
    );
    expect(Number(ev.evidence['new_connections'])).toBeGreaterThanOrEqual(200);
  });

  it('CONFIG SET dir: config-drift (critical, old and new value) and dangerous-command config|set', async () => {
    const since = run.events.length;
    const ev = await provoke(
      run,
      server.port,
      async () => {
        const c = await admin(server.port);
        expect(await c.call('CONFIG', 'SET', 'dir', dirX)).toBe('OK');
        c.close();
      },
      (e) => e.kind === 'config-drift' && e.evidence['directive'] === 'dir',
    );
    expect(ev.severity).toBe('critical');
    expect(ev.evidence).toMatchObject({ new: dirX, old: server.dir, ioc: true, baseline: server.dir, baseline_from: 'first-poll' });
    const cmd = run.events.slice(since).find((e) => e.kind === 'dangerous-command' && e.evidence['command'] === 'config|set');
    expect(cmd?.evidence).toMatchObject({ calls: 1, users_allowed: 'admin' });
  });

  it('ACL SETUSER intruder on >pw +@all: acl-change (added, critical) and dangerous-command acl|setuser', async () => {
    const since = run.events.length;
    const ev = await provoke(
      run,
      server.port,
      async () => {
        const c = await admin(server.port);
        expect(await c.call('ACL', 'SETUSER', 'intruder', 'on', '>intruder-pw-77', '+@all')).toBe('OK');
        c.close();
      },
      (e) => e.kind === 'acl-change' && e.evidence['user'] === 'intruder',
    );
    expect(ev.severity).toBe('critical');
    expect(ev.evidence).toMatchObject({ change: 'added', enabled: true });
    expect(JSON.stringify(run.events)).not.toContain('intruder-pw-77');
    await reported(run, since, (e) => e.kind === 'dangerous-command' && e.evidence['command'] === 'acl|setuser', run.polls());
  });

  it('FLUSHALL by the admin: dangerous-command flushall with the users who may run it', async () => {
    const ev = await provoke(
      run,
      server.port,
      async () => {
        const c = await admin(server.port);
        expect(await c.call('FLUSHALL')).toBe('OK');
        c.close();
      },
      (e) => e.kind === 'dangerous-command' && e.evidence['command'] === 'flushall',
    );
    expect(ev.severity).toBe('high');
    // As redsec's ACL engine reads the rules: app's +@write includes FLUSHALL; default is off.
    expect(ev.evidence['users_allowed']).toBe('admin, app, intruder');
  });

  it('the server pointed at another master: config-drift replicaof (critical, once) and dangerous-command replicaof', async () => {
    const since = run.events.length;
    const ev = await provoke(
      run,
      server.port,
      async () => {
        const c = await admin(server.port);
        expect(await c.call('REPLICAOF', '127.0.0.1', String(other.port))).toBe('OK');
        c.close();
      },
      (e) => e.kind === 'config-drift' && e.evidence['directive'] === 'replicaof',
    );
    expect(ev.severity).toBe('critical');
    expect(ev.evidence['new']).toBe(`127.0.0.1 ${other.port}`);
    await reported(run, since, (e) => e.kind === 'dangerous-command' && e.evidence['command'] === 'replicaof', run.polls());
    // slaveof is the same directive under its old name: not a second event.
    expect(run.events.slice(since).filter((e) => e.kind === 'config-drift' && e.evidence['directive'] === 'slaveof')).toEqual([]);
    const c = await admin(server.port);
    await c.call('REPLICAOF', 'NO', 'ONE');
    c.close();
  });

  it('a client from outside --allow-clients: client-outside-allowlist with its address and user', async () => {
    let c: RawClient | undefined;
    const ev = await provoke(
      run,
      server.port,
      async () => {
        c = await rawConnect(server.port, { host: '127.0.0.1' });
        // 127.0.0.2 is loopback but not in the allowlist: bind the client there.
        c.close();
        c = await new Promise<RawClient>((resolve, reject) => {
          const s = netConnect({ host: '127.0.0.1', port: server.port, localAddress: '127.0.0.2' }, () => {
            s.write('*3\r\n$4\r\nAUTH\r\n$3\r\napp\r\n$' + APP_PW.length + '\r\n' + APP_PW + '\r\n');
            s.once('data', () => resolve({ socket: s, close: () => s.destroy() } as unknown as RawClient));
          });
          s.on('error', reject);
        });
      },
      (e) => e.kind === 'client-outside-allowlist',
    );
    expect(ev.evidence).toMatchObject({ source: '127.0.0.2', user: 'app' });
    c?.close();
  });

  it('connections near maxclients, then refused: connection-spike (high), target-down MAXCLIENTS, then rejected connections and target-up', async () => {
    const open: Socket[] = [];
    const more = async (n: number) => {
      for (let i = 0; i < n; i++) {
        open.push(
          await new Promise<Socket>((resolve) => {
            const sock = netConnect({ host: '127.0.0.1', port: small.port }, () => resolve(sock));
            sock.on('error', () => resolve(sock));
          }),
        );
      }
    };
    const near = (e: WatchEvent) => e.kind === 'connection-spike' && e.target.endsWith(`:${small.port}`);
    // 11 of maxclients 12: the watcher's own poll still gets in.
    const ev = await provoke(run, small.port, () => more(11), (e) => near(e) && e.evidence['maxclients'] === 12);
    expect(ev.severity).toBe('high');
    expect(ev.evidence).toMatchObject({ connected_clients: expect.any(Number), threshold: 0.9 });
    expect(Number(ev.evidence['connected_clients'])).toBeGreaterThanOrEqual(11);
    // Full: the watcher's poll is refused like any client.
    const down = await provoke(run, small.port, () => more(4), (e) => e.kind === 'target-down' && e.target.endsWith(`:${small.port}`));
    expect(down.evidence['error']).toBe('MAXCLIENTS');
    const since = run.events.length;
    await provoke(
      run,
      small.port,
      async () => {
        for (const s of open) s.destroy();
        await new Promise((r) => setTimeout(r, 50));
      },
      (e) => e.kind === 'target-up' && e.target.endsWith(`:${small.port}`),
    );
    const rejected = run.events.slice(since).find((e) => near(e) && e.evidence['rejected_connections'] !== undefined);
    expect(Number(rejected?.evidence['rejected_connections'])).toBeGreaterThanOrEqual(1);
  });

  it('an expiring served certificate: cert-expiry with the days left, on the first poll', async () => {
    const pki = testPki();
    // A 10-day window: the test CA (30 days) is in the chain too and outside it.
    const tlsRun = watch([target(`rediss://127.0.0.1:${tlsServer.tlsPort}`, { tls: { ca: pki.ca } })], { certWindowDays: 10 }, { tls: { ca: pki.ca } });
    try {
      const { event, polls } = await reported(tlsRun, 0, (e) => e.kind === 'cert-expiry', 0);
      expect(polls).toBeLessThanOrEqual(2);
      expect(event.severity).toBe('high');
      expect(event.evidence).toMatchObject({ subject: expect.stringContaining('expiring-soon'), position: 0 });
      expect(Number(event.evidence['days_left'])).toBeGreaterThan(4);
      expect(Number(event.evidence['days_left'])).toBeLessThanOrEqual(5);
      // Reported once, not on every poll.
      await firstPolls(tlsRun, polls + 3);
      expect(tlsRun.events.filter((e) => e.kind === 'cert-expiry')).toHaveLength(1);
    } finally {
      await tlsRun.watcher.stop();
    }
  });

  it('the quiet server with a steady client loop reported nothing over the same time', async () => {
    // The quiet watcher ran since beforeAll, through every test above.
    expect(quietRun.polls()).toBeGreaterThanOrEqual(10);
    expect(quietRun.events).toEqual([]);
    // EVAL ran all along, and the watcher saw it (it is on the dangerous-command list, as routine).
    expect(quietRun.watcher.state()[`redis://127.0.0.1:${quiet.port}`]?.commandCalls?.['eval']).toBeGreaterThan(100);
    const state = quietRun.watcher.state()[`redis://127.0.0.1:${quiet.port}`];
    // Anomaly detection was live (past warm-up) for the connection and command rates.
    expect(state?.anomaly?.connections?.samples).toBeGreaterThanOrEqual(4);
    expect(state?.anomaly?.commands?.samples).toBeGreaterThanOrEqual(4);
    stopQuiet = true;
    expect(await quietLoop).toBeGreaterThan(100);
  });
});
