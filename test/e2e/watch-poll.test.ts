/**
 * One watch poll against real servers: the snapshot's facts, and what the server saw of it. A raw
 * connection holds MONITOR while INFO commandstats (from a third connection) counts the admin
 * commands MONITOR does not show: every command of a poll is on the audit's read-only allowlist,
 * a poll sends a fixed, bounded number of them, and never MONITOR.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { rawConnect, type RawClient } from '../helpers/raw-client.js';
import { commandCounts, monitorArgs } from '../helpers/server-watch.js';
import { testPki } from '../helpers/pki.js';
import { ALLOWLIST, isAllowed, parseTarget } from '../../src/resp/index.js';
import { pollTarget } from '../../src/watch/poll.js';
import { commandStats, infoNumber, pollCommands } from '../../src/watch/snapshot.js';
import { TargetError } from '../../src/errors.js';
import { freePort } from '../helpers/ports.js';

const PW = 'watch-poll-admin-pw-31';
const settings = { user: 'admin', env: { REDSEC_PASSWORD: PW }, connectTimeoutMs: 2000, replyTimeoutMs: 2000 };

describe('watch poll on a real server', () => {
  let server: RedisServer;
  let tlsServer: RedisServer;
  let monitor: RawClient;
  let received = '';
  beforeAll(async () => {
    const pki = testPki();
    [server, tlsServer] = await Promise.all([
      startRedis({ config: ['user default off', `user admin on >${PW} ~* &* +@all`, 'user app on >app-pw ~app:* resetchannels -@all +@read'].join('\n') }),
      startRedis({ tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca, plain: false }, config: `user default off\nuser admin on >${PW} ~* &* +@all` }),
    ]);
    monitor = await rawConnect(server.port);
    await monitor.call('AUTH', 'admin', PW);
    expect(await monitor.call('MONITOR')).toBe('OK');
    monitor.socket.on('data', (d: Buffer) => (received += d.toString()));
  });
  afterAll(async () => {
    monitor?.close();
    await Promise.all([server?.stop(), tlsServer?.stop()]);
  });

  it('three polls send only allowlisted reads, a bounded number each, never MONITOR; the snapshot reads them', async () => {
    const stats = await rawConnect(server.port);
    await stats.call('AUTH', 'admin', PW);
    const before = commandCounts(String(await stats.call('INFO', 'commandstats')));
    const target = parseTarget(`redis://127.0.0.1:${server.port}`);
    const snaps = [];
    for (let i = 0; i < 3; i++) snaps.push(await pollTarget(target, settings, { clients: true }));
    await new Promise((r) => setTimeout(r, 200));
    const after = commandCounts(String(await stats.call('INFO', 'commandstats')));
    stats.close();

    // What the server counted (MONITOR does not show admin commands such as CONFIG and ACL).
    const delta = [...after].map(([name, n]) => [name, n - (before.get(name) ?? 0)] as const).filter(([, n]) => n > 0);
    const allowed = new Set(ALLOWLIST);
    // The stats connection's own INFO commandstats is counted once too.
    const ours = delta.map(([name, n]) => [name, name === 'info' ? n - 1 : n] as const).filter(([, n]) => n > 0);
    expect(ours.map(([name]) => name.toUpperCase().replace('|', ' ')).filter((n) => !allowed.has(n))).toEqual([]);
    const perPoll = pollCommands({ clients: true }).length + 1; // + AUTH
    expect(ours.reduce((s, [, n]) => s + n, 0)).toBe(3 * perPoll);
    expect(perPoll).toBeLessThanOrEqual(11);
    expect(Object.fromEntries(ours)).toMatchObject({ 'config|get': 3, 'acl|list': 3, 'acl|log': 3, 'client|list': 3, 'module|list': 3, auth: 3, info: 15 });
    expect(ours.map(([name]) => name)).not.toContain('monitor');

    const lines = received.split('\r\n').filter((l) => /^\+\d+\.\d+ \[/.test(l)).map(monitorArgs).filter((a) => a.length > 0);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.filter((a) => !isAllowed(a))).toEqual([]);
    expect(received).not.toContain(PW);

    const s = snaps[2]!;
    expect(s.target).toBe(`redis://127.0.0.1:${server.port}`);
    expect(s.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(s.commandsSent).toBe(perPoll);
    expect(s.config.known && s.config.value['protected-mode']).toBe('yes');
    expect(s.users.known && s.users.value.map((u) => u.name).sort()).toEqual(['admin', 'app', 'default']);
    expect(s.aclLog.known).toBe(true);
    expect(s.clients?.known && s.clients.value.some((c) => c.cmd === 'client|list')).toBe(true);
    // Each poll is one new connection: total_connections_received rises by one per poll.
    expect(infoNumber(s, 'stats', 'total_connections_received')! - infoNumber(snaps[0]!, 'stats', 'total_connections_received')!).toBe(2);
    expect(commandStats(s)?.['config|get']?.calls).toBeGreaterThanOrEqual(2);
    expect(s.certificates).toEqual([]);
  });

  it('a TLS target: the served chain is in the snapshot', async () => {
    const pki = testPki();
    const s = await pollTarget(parseTarget(`rediss://127.0.0.1:${tlsServer.tlsPort}`), { ...settings, tls: { ca: pki.ca } });
    expect(s.certificates.length).toBeGreaterThanOrEqual(1);
    expect(s.certificates[0]!.subject).toContain('localhost');
    expect(Date.parse(s.certificates[0]!.notAfter)).toBeGreaterThan(Date.now());
  });

  it('a wrong password or a closed port is a TargetError (the watcher\'s target-down), never a snapshot', async () => {
    const target = parseTarget(`redis://127.0.0.1:${server.port}`);
    await expect(pollTarget(target, { ...settings, env: { REDSEC_PASSWORD: 'wrong' } })).rejects.toBeInstanceOf(TargetError);
    const closed = parseTarget(`redis://127.0.0.1:${await freePort()}`);
    await expect(pollTarget(closed, settings)).rejects.toBeInstanceOf(TargetError);
  });
});
