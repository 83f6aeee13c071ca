import { renameSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectTarget } from '../../src/audit/collect-target.js';
import { parseTarget } from '../../src/resp/index.js';
import { runRules } from '../../src/rules/index.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';

// IOC-LOG-XPROTO on the server's own host: the audit reads the logfile the server names in
// CONFIG GET and finds the warning the server itself writes when an HTTP request reaches it.

async function xproto(server: RedisServer) {
  const facts = await collectTarget(parseTarget(`redis://127.0.0.1:${server.port}`), {});
  return { facts, finding: runRules(facts, { mode: 'live', profile: null }).find((f) => f.id === 'IOC-LOG-XPROTO') };
}

/** What a forged request from a web application (SSRF) looks like to Redis. */
function sendHttpRequest(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1', () => sock.write('POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n'));
    sock.on('error', reject);
    // The server aborts the connection after logging the warning.
    sock.on('close', () => resolve());
    sock.resume();
  });
}

async function waitFor(condition: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('IOC-LOG-XPROTO against redis-server 7.0.15', () => {
  let server: RedisServer;
  let quiet: RedisServer;
  beforeAll(async () => {
    [server, quiet] = await Promise.all([startRedis(), startRedis({ overrides: { logfile: '' } })]);
  });
  afterAll(async () => {
    await Promise.all([server?.stop(), quiet?.stop()]);
  });

  it('passes on a clean log, then fails at the line of the warning an HTTP request leaves', async () => {
    const before = await xproto(server);
    expect(before.finding).toMatchObject({ status: 'pass' });
    expect(before.finding?.evidence).toContain(`${server.dir}/redis.log`);

    await sendHttpRequest(server.port);
    await waitFor(() => server.log().includes('Possible SECURITY ATTACK detected'));
    const logLines = server.log().split('\n');
    const line = logLines.findIndex((l) => l.includes('Possible SECURITY ATTACK detected')) + 1;

    const after = await xproto(server);
    expect(after.finding).toMatchObject({ status: 'fail', location: { file: `${server.dir}/redis.log`, line } });
  });

  it('has no file to scan when the server logs to standard output, and says so', async () => {
    const { facts, finding } = await xproto(quiet);
    expect(facts.logScan).toBeUndefined();
    expect(finding).toMatchObject({ status: 'not_applicable' });
    expect(finding?.evidence).toMatch(/standard output/);
  });

  it('could not verify when the logfile cannot be read', async () => {
    expect((await xproto(server)).facts.logScan).toMatchObject({ known: true });
    // The log moved away: the server still names it in CONFIG GET.
    renameSync(`${server.dir}/redis.log`, `${server.dir}/redis.log.moved`);
    try {
      const { facts: moved, finding } = await xproto(server);
      expect(moved.logScan).toMatchObject({ known: false });
      expect(finding).toMatchObject({ status: 'unknown' });
      expect(finding?.evidence).toMatch(/ENOENT/);
    } finally {
      renameSync(`${server.dir}/redis.log.moved`, `${server.dir}/redis.log`);
    }
  });
});
