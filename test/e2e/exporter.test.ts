/**
 * `redsec exporter` against real redis-servers: what Prometheus scrapes passes `promtool check
 * metrics`; each security signal provoked on a real server shows in the next scrape under the
 * contract's names; the exporter sends only allowlisted reads (MONITOR and INFO commandstats watch
 * it from the server); /scrape takes names from its own list only, and connects nowhere else;
 * hostile replies (control characters, quotes, huge numbers) stay escaped and bounded.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExporter } from '../../src/exporter/start.js';
import type { RunningExporter } from '../../src/exporter/serve.js';
import { parseTarget, ALLOWLIST, isAllowed } from '../../src/resp/index.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { rawConnect, type RawClient, type Reply } from '../helpers/raw-client.js';
import { startReplayProxy, type FakeRespServer } from '../helpers/fake-resp-server.js';
import { commandCounts, monitorArgs } from '../helpers/server-watch.js';
import { freePort } from '../helpers/ports.js';
import { cli } from '../helpers/run-cli.js';
import { testPki } from '../helpers/pki.js';

const PW = 'exporter-admin-pw-6c2e';
const LOOPBACK = { host: '127.0.0.1', port: 0, loopback: true };

function promtoolCheck(text: string): { code: number; out: string } {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30_000 });
  if (r.error) throw new Error(`promtool could not run (${(r.error as NodeJS.ErrnoException).code}): install Debian's prometheus package`);
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

async function get(url: string, init?: RequestInit): Promise<{ status: number; text: string; type: string | null }> {
  const res = await fetch(url, init);
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
}

/** The value of one series, by its exact label text. */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('redsec exporter on real servers', () => {
  let server: RedisServer;
  let second: RedisServer;
  let exporter: RunningExporter;
  let admin: RawClient;
  let a: string;
  let b: string;
  const scratch = mkdtempSync(join(tmpdir(), 'redsec-exporter-'));

  beforeAll(async () => {
    [server, second] = await Promise.all([
      startRedis({ overrides: { 'enable-debug-command': 'yes', 'enable-protected-configs': 'yes' }, config: ['user default off', `user admin on >${PW} ~* &* +@all`, 'user app on >app-pw-31 ~app:* resetchannels -@all +@read +@write'].join('\n') }),
      startRedis({ config: `user default off\nuser admin on >${PW} ~* &* +@all` }),
    ]);
    admin = await rawConnect(server.port);
    await admin.call('AUTH', 'admin', PW);
    a = `redis://admin@127.0.0.1:${server.port}`;
    b = `redis://admin@127.0.0.1:${second.port}`;
    exporter = await startExporter({
      targets: [parseTarget(a), parseTarget(b)],
      settings: { env: { REDSEC_PASSWORD: PW }, connectTimeoutMs: 3000, replyTimeoutMs: 3000 },
      listen: LOOPBACK,
      labelUsers: 5,
      // The first scrape's findings are asserted: wait for the audit however loaded the machine is.
      firstAuditWaitMs: 60_000,
    });
  });
  afterAll(async () => {
    admin?.close();
    await exporter?.close();
    await Promise.all([server?.stop(), second?.stop()]);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('serves /metrics for every target in the text format promtool accepts, with the audit\'s level and findings', async () => {
    const r = await get(`${exporter.url}/metrics`);
    expect(r.status).toBe(200);
    expect(r.type).toBe('text/plain; version=0.0.4; charset=utf-8');
    const check = promtoolCheck(r.text);
    expect(check.out).toBe('');
    expect(check.code).toBe(0);
    for (const t of [a, b]) {
      expect(value(r.text, `redsec_up{target="${t}"}`)).toBe(1);
      expect(value(r.text, `redsec_level_achieved{target="${t}"}`)).toBeGreaterThanOrEqual(0);
      expect(value(r.text, `redsec_acl_users{target="${t}"}`)).toBeGreaterThanOrEqual(2);
      expect(value(r.text, `redsec_maxclients{target="${t}"}`)).toBe(10000);
      expect(value(r.text, `redsec_config_drift_directives{target="${t}"}`)).toBe(0);
    }
    expect(r.text).toMatch(/^redsec_finding_failing\{target="[^"]+",rule="NET-PROTECTED-MODE-OFF",severity="high"\} 0$/m);
    expect(r.text).toMatch(/^redsec_build_info\{version="\d+\.\d+\.\d+[^"]*"\} 1$/m);
    expect(r.text).not.toContain(PW);
  });

  it('shows each provoked signal in the next scrape: failed AUTHs by user, denials, drift, a new user, dangerous commands', async () => {
    const target = `target="${a}"`;
    const before = (await get(`${exporter.url}/scrape?target=${encodeURIComponent(a)}`)).text;
    const dangerous = (cmd: string, text: string) => value(text, `redsec_dangerous_commands_total{${target},command="${cmd}"}`) ?? NaN;
    // 50 failed AUTHs in one burst from one client, under a user name an attacker chose.
    const attacker = await rawConnect(server.port);
    const replies = await attacker.pipeline(Array.from({ length: 50 }, () => ['AUTH', 'root', 'guess']));
    expect(replies.every((x) => typeof x === 'object' && x !== null && 'error' in x)).toBe(true);
    attacker.close();
    // An application user tries DEBUG; the admin changes dir, adds a user and flushes.
    const app = await rawConnect(server.port);
    await app.call('AUTH', 'app', 'app-pw-31');
    expect(await app.call('DEBUG', 'SLEEP', '0')).toMatchObject({ error: expect.stringMatching(/^NOPERM/) });
    app.close();
    expect(await admin.call('CONFIG', 'SET', 'dir', scratch)).toBe('OK');
    expect(await admin.call('ACL', 'SETUSER', 'intruder', 'on', '>intruder-pw', '+@all')).toBe('OK');
    expect(await admin.call('FLUSHALL')).toBe('OK');

    const after = (await get(`${exporter.url}/scrape?target=${encodeURIComponent(a)}`)).text;
    expect(promtoolCheck(after).code).toBe(0);
    expect(value(after, `redsec_acl_auth_failures_total{${target},user="root"}`)).toBe(50);
    expect(value(after, `redsec_acl_denied_total{${target},reason="command"}`)).toBe((value(before, `redsec_acl_denied_total{${target},reason="command"}`) ?? 0) + 1);
    expect(value(after, `redsec_config_drift{${target},directive="dir"}`)).toBe(1);
    expect(value(after, `redsec_config_drift_directives{${target}}`)).toBe(1);
    expect(value(after, `redsec_acl_user_changes{${target},change="added"}`)).toBe(1);
    expect(value(after, `redsec_acl_users{${target}}`)).toBe(4);
    expect(dangerous('config|set', after) - dangerous('config|set', before)).toBe(1);
    expect(dangerous('acl|setuser', after) - dangerous('acl|setuser', before)).toBe(1);
    expect(dangerous('flushall', after) - dangerous('flushall', before)).toBe(1);
    expect(dangerous('debug', after)).toBe(0);
    // The untouched second server shows none of it (/scrape of a name in the list).
    const quiet = (await get(`${exporter.url}/scrape?target=${encodeURIComponent(b)}`)).text;
    expect(value(quiet, `redsec_config_drift_directives{target="${b}"}`)).toBe(0);
    expect(value(quiet, `redsec_acl_user_changes{target="${b}",change="added"}`)).toBe(0);
    expect(quiet).not.toContain(`target="${a}"`);
  });

  it('sends only allowlisted reads, never MONITOR or a write (MONITOR and INFO commandstats watch it)', async () => {
    const monitor = await rawConnect(second.port);
    await monitor.call('AUTH', 'admin', PW);
    expect(await monitor.call('MONITOR')).toBe('OK');
    let received = '';
    monitor.socket.on('data', (d: Buffer) => (received += d.toString()));
    const stats = await rawConnect(second.port);
    await stats.call('AUTH', 'admin', PW);
    const countsBefore = commandCounts(String(await stats.call('INFO', 'commandstats')));
    for (let i = 0; i < 3; i++) expect((await get(`${exporter.url}/metrics`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    const countsAfter = commandCounts(String(await stats.call('INFO', 'commandstats')));
    stats.close();
    monitor.close();
    // INFO commandstats from `stats` itself ran once between the two readings: not ours.
    const ran = [...countsAfter].filter(([name, n]) => n - (name === 'info' ? 1 : 0) > (countsBefore.get(name) ?? 0));
    const allowed = new Set(ALLOWLIST);
    expect(ran.map(([n]) => n.toUpperCase().replace('|', ' ')).filter((n) => !allowed.has(n))).toEqual([]);
    // A poll is one round trip of at most 10 commands plus AUTH; three scrapes, no audit due.
    const total = ran.reduce((s, [name, n]) => s + n - (countsBefore.get(name) ?? 0) - (name === 'info' ? 1 : 0), 0);
    expect(total).toBeLessThanOrEqual(3 * 11);
    expect(total).toBeGreaterThanOrEqual(3 * 5);
    const commands = received.split('\r\n').filter((l) => /^\+\d+\.\d+ \[/.test(l)).map(monitorArgs).filter((x) => x.length > 0);
    expect(commands.length).toBeGreaterThan(0);
    expect(commands.filter((x) => !isAllowed(x))).toEqual([]);
    expect(received).not.toContain(PW);
  });

  it('/scrape takes a name from its own list only, and connects nowhere else', async () => {
    const accepted: number[] = [];
    const bait: Server = createServer((s) => {
      accepted.push(Date.now());
      s.destroy();
    });
    const baitPort = await freePort();
    await new Promise<void>((r) => bait.listen(baitPort, '127.0.0.1', r));
    try {
      for (const q of [`redis://127.0.0.1:${baitPort}`, `127.0.0.1:${baitPort}`, encodeURIComponent(`redis://admin@127.0.0.1:${baitPort}`)]) {
        const r = await get(`${exporter.url}/scrape?target=${q}`);
        expect(r.status).toBe(404);
        expect(r.text).not.toContain(String(baitPort));
      }
      expect((await get(`${exporter.url}/scrape`)).status).toBe(400);
      expect((await get(`${exporter.url}/scrape?target=${encodeURIComponent(a)}&target=${encodeURIComponent(b)}`)).status).toBe(400);
      expect((await get(`${exporter.url}/scrape?target=%E0%A4%A`)).status).toBe(404);
      expect((await get(`${exporter.url}/scrape?target=${'x'.repeat(5000)}`)).status).toBe(414);
      expect((await get(`${exporter.url}/metrics`, { method: 'POST', body: 'x' })).status).toBe(405);
      const ctl = await get(`${exporter.url}/nope%0d%0aX-Injected:%201`);
      expect(ctl.status).toBe(404);
      expect(ctl.text).not.toContain('Injected');
      await new Promise((r) => setTimeout(r, 100));
      expect(accepted).toEqual([]);
    } finally {
      await new Promise<void>((r) => bait.close(() => r()));
    }
  });

  it('says a target that stopped answering is down, and nothing else about it', async () => {
    const port = await freePort();
    const down = await startExporter({ targets: [parseTarget(`redis://127.0.0.1:${port}`)], settings: { connectTimeoutMs: 1000, replyTimeoutMs: 1000, retries: 0 }, listen: LOOPBACK });
    try {
      const r = await get(`${down.url}/metrics`);
      expect(r.status).toBe(200);
      expect(promtoolCheck(r.text).code).toBe(0);
      expect(value(r.text, `redsec_up{target="redis://127.0.0.1:${port}"}`)).toBe(0);
      expect(r.text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.slice(0, l.indexOf('{')))).toEqual(['redsec_up', 'redsec_scrape_duration_seconds', 'redsec_build_info']);
    } finally {
      await down.close();
    }
  });
});

describe('redsec exporter against hostile replies', () => {
  let real: RedisServer;
  let proxy: FakeRespServer;
  let exporter: RunningExporter;
  let round = 0;

  beforeAll(async () => {
    real = await startRedis();
    // A real server's replies, with what a compromised or malicious one could add.
    proxy = await startReplayProxy(real.port, (args, reply): Reply => {
      const cmd = args.map((x) => x.toUpperCase()).join(' ');
      if (cmd === 'INFO STATS' && typeof reply === 'string') return reply.replace(/total_connections_received:\d+/, 'total_connections_received:99999999999999999999999999999').replace(/rejected_connections:\d+/, 'rejected_connections:1e400');
      if (cmd === 'CONFIG GET *' && Array.isArray(reply)) {
        round++;
        return round === 1 ? reply : [...reply, 'evil"\n\x1b[2J\u202edir', 'x', ...Array.from({ length: 600 }, (_, i) => [`junk-${i}`, 'v']).flat()];
      }
      if (cmd === 'ACL LOG 128') {
        const entry = (user: string): Reply => ['count', '3', 'reason', 'auth', 'context', 'toplevel', 'object', 'AUTH', 'username', user, 'age-seconds', '0.1', 'client-info', 'id=1 addr=127.0.0.1:1 cmd=auth'];
        return [entry('a"b\\c\nd\x07'), entry('\u202eroot'), entry('x'.repeat(5000)), entry('fourth')];
      }
      return reply;
    });
    exporter = await startExporter({ targets: [parseTarget(`redis://127.0.0.1:${proxy.port}`)], settings: { connectTimeoutMs: 3000, replyTimeoutMs: 3000 }, listen: LOOPBACK, labelUsers: 3 });
  });
  afterAll(async () => {
    await exporter?.close();
    await proxy?.stop();
    await real?.stop();
  });

  it('escapes and bounds what the server says: promtool accepts it, no raw control characters, capped series', async () => {
    await get(`${exporter.url}/metrics`);
    const r = await get(`${exporter.url}/metrics`);
    const check = promtoolCheck(r.text);
    expect(check.out).toBe('');
    expect(check.code).toBe(0);
    // eslint-disable-next-line no-control-regex
    expect(r.text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/);
    const t = `target="redis://127.0.0.1:${proxy.port}"`;
    expect(r.text).toContain(`redsec_connections_received_total{${t}} 1e+29`);
    expect(r.text).not.toMatch(/redsec_rejected_connections_total\{/);
    expect(r.text).toContain(`redsec_config_drift{${t},directive="evil\\"\\\\n\\\\x1b[2j\\\\u202edir"} 1`);
    expect(value(r.text, `redsec_config_drift_directives{${t}}`)).toBe(601);
    expect(r.text.split('\n').filter((l) => l.startsWith('redsec_config_drift{'))).toHaveLength(256);
    const users = r.text.split('\n').filter((l) => l.startsWith('redsec_acl_auth_failures_total{'));
    // Three users by name, the fourth counted under "(other)".
    expect(users).toHaveLength(4);
    expect(users.join('\n')).toContain('user="(other)"} 3');
    expect(users.join('\n')).toContain('user="a\\"b\\\\c\\\\nd\\\\x07"');
    expect(Math.max(...r.text.split('\n').map((l) => l.length))).toBeLessThan(600);
  });
});

describe('redsec exporter with --baseline-plan', () => {
  it('measures drift against generate\'s plan.json: only the directives the plan sets', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redsec-exporter-plan-'));
    const server = await startRedis({ overrides: { timeout: '300', maxclients: '1000' } });
    try {
      const gen = await cli(['generate', '--level', 'hardened', '--exposure', 'private_network', '--out', join(dir, 'bundle')]);
      expect(gen.code, gen.stderr).toBe(0);
      const exporter = await startExporter({ targets: [parseTarget(`redis://127.0.0.1:${server.port}`)], settings: {}, listen: LOOPBACK, baselinePlan: join(dir, 'bundle', 'plan.json') });
      try {
        const r = await get(`${exporter.url}/metrics`);
        expect(promtoolCheck(r.text).code).toBe(0);
        const drifted = [...r.text.matchAll(/^redsec_config_drift\{[^}]*directive="([^"]+)"\} 1$/gm)].map((m) => m[1]);
        // The plan's TLS-only listener, its ACL log size and syslog are not this server's; timeout
        // and maxclients were set to the plan's values, and directives the plan leaves alone never count.
        expect(drifted).toEqual(expect.arrayContaining(['port', 'tls-protocols', 'acllog-max-len', 'syslog-enabled']));
        expect(drifted).not.toContain('timeout');
        expect(drifted).not.toContain('maxclients');
        expect(drifted).not.toContain('dir');
      } finally {
        await exporter.close();
      }
      const bad = await cli(['exporter', `redis://127.0.0.1:${server.port}`, '--baseline-plan', join(dir, 'bundle', 'redis.conf'), '--listen', '127.0.0.1:0']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/redis\.conf: not JSON/);
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('redsec exporter on a TLS server', () => {
  it('dates the served certificate (redsec_tls_cert_expiry_seconds) as openssl does', async () => {
    const pki = testPki();
    const server = await startRedis({ tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca, plain: false } });
    const exporter = await startExporter({ targets: [parseTarget(`rediss://localhost:${server.tlsPort}`)], settings: { tls: { ca: pki.ca }, connectTimeoutMs: 3000, replyTimeoutMs: 3000 }, listen: LOOPBACK });
    try {
      const r = await get(`${exporter.url}/metrics`);
      expect(promtoolCheck(r.text).code).toBe(0);
      const t = `target="rediss://localhost:${server.tlsPort}"`;
      expect(value(r.text, `redsec_up{${t}}`)).toBe(1);
      const end = execFileSync('openssl', ['x509', '-noout', '-enddate', '-in', pki.serverCert], { encoding: 'utf8' }).trim().replace(/^notAfter=/, '');
      const expected = (Date.parse(end) - Date.now()) / 1000;
      expect(Math.abs((value(r.text, `redsec_tls_cert_expiry_seconds{${t}}`) ?? NaN) - expected)).toBeLessThan(120);
    } finally {
      await exporter.close();
      await server.stop();
    }
  });
});

describe('redsec exporter CLI', () => {
  it('serves until SIGTERM, then exits 0 and closes its port', async () => {
    const server = await startRedis();
    const child = spawn(process.execPath, [resolve(import.meta.dirname, '../../dist/cli.js'), 'exporter', `redis://127.0.0.1:${server.port}`, '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const deadline = Date.now() + 15_000;
      while (!/serving (http:\/\/127\.0\.0\.1:\d+)\/metrics/.test(stderr) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const url = /serving (http:\/\/127\.0\.0\.1:\d+)\/metrics/.exec(stderr)?.[1];
      expect(url, stderr).toBeDefined();
      const r = await get(`${url}/metrics`);
      expect(value(r.text, `redsec_up{target="redis://127.0.0.1:${server.port}"}`)).toBe(1);
      const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      await expect(fetch(`${url}/metrics`)).rejects.toThrow();
      expect(stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      child.kill('SIGKILL');
      await server.stop();
    }
  });


  it('refuses a non-loopback address without --listen-any, and bad flags, with one line and exit 2', async () => {
    const r = await cli(['exporter', 'redis://127.0.0.1:1', '--listen', '0.0.0.0:0']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('--listen-any');
    for (const args of [[], ['redis://127.0.0.1:1', '--audit-every', 'soon'], ['redis://127.0.0.1:1', '--label-users', '0'], ['ftp://x']]) {
      const bad = await cli(['exporter', ...args]);
      expect(bad.code, args.join(' ')).toBe(2);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
