/**
 * Faults a target can throw at `redsec audit`, each a clear one-line error with the right exit code
 * within the deadline: refused, hung (accepts and never answers), closes in the middle of a reply,
 * TLS to a plain port, plain to a TLS port, an untrusted certificate, a missing client certificate.
 * A fake RESP server plays what a real one cannot; real servers play the rest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeResp, type FakeRespServer } from '../helpers/fake-resp-server.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { freePort } from '../helpers/ports.js';
import { testPki } from '../helpers/pki.js';
import type { Report } from '../../src/report/types.js';
import { cli } from '../helpers/run-cli.js';

const FAST = ['--timeout', '800'];

describe('audit faults', () => {
  let hung: FakeRespServer;
  let midReply: FakeRespServer;
  let tls: RedisServer;
  let plain: RedisServer;
  beforeAll(async () => {
    const pki = testPki();
    [hung, midReply, tls, plain] = await Promise.all([
      startFakeResp({ onCommand: () => undefined }),
      // Answers PING, then starts a long INFO reply and hangs up in the middle of it.
      startFakeResp({
        onCommand: (args, conn) => {
          if ((args[0] ?? '').toUpperCase() === 'PING') conn.socket.write('+PONG\r\n');
          else conn.socket.end('$5000\r\n# Server\r\nredis_version:7.0.15\r\n');
        },
      }),
      startRedis({ tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca, authClients: 'yes', plain: false } }),
      startRedis({}),
    ]);
  });
  afterAll(async () => {
    await Promise.all([hung?.stop(), midReply?.stop(), tls?.stop(), plain?.stop()]);
  });

  async function expectTargetError(args: string[], code: RegExp, maxMs: number) {
    const r = await cli(['audit', ...args, ...FAST, '--format', 'json'], { REDSEC_PASSWORD: undefined, REDISCLI_AUTH: undefined });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(code);
    expect(r.ms).toBeLessThan(maxMs);
    return r;
  }

  it('connection refused: CONNREFUSED', async () => {
    await expectTargetError([`redis://127.0.0.1:${await freePort()}`], /^redsec: CONNREFUSED/, 5_000);
  });

  it('a socket that accepts and never answers: TIMEOUT within the deadline', async () => {
    await expectTargetError([`redis://127.0.0.1:${hung.port}`], /TIMEOUT/, 5_000);
  });

  it('a server that closes in the middle of a reply: CLOSED, not a crash', async () => {
    await expectTargetError([`redis://127.0.0.1:${midReply.port}`], /CLOSED|RESET|PROTOCOL/, 5_000);
  });

  it('TLS to a plain port: E604 with the hint', async () => {
    await expectTargetError([`rediss://127.0.0.1:${plain.port}`], /E604|TIMEOUT/, 6_000);
  });

  it('plain to a TLS port: a target error, not a hang', async () => {
    await expectTargetError([`redis://127.0.0.1:${tls.tlsPort}`], /^redsec: (E604|TIMEOUT|CLOSED|RESET|PROTOCOL)/, 6_000);
  });

  it('TLS with an untrusted server certificate: E604', async () => {
    await expectTargetError([`rediss://127.0.0.1:${tls.tlsPort}`], /E604/, 5_000);
  });

  it('TLS without the required client certificate: E604', async () => {
    await expectTargetError([`rediss://127.0.0.1:${tls.tlsPort}`, '--cacert', testPki().ca], /E604/, 5_000);
  });

  it('an unreadable CA file is bad input: exit 2', async () => {
    const r = await cli(['audit', `rediss://127.0.0.1:${tls.tlsPort}`, '--cacert', '/nonexistent/ca.pem', ...FAST]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a fleet with every kind of fault still reports each target and finishes within the deadline', async () => {
    const pki = testPki();
    const r = await cli(
      [
        'audit', `redis://127.0.0.1:${hung.port}`, `redis://127.0.0.1:${midReply.port}`, `redis://127.0.0.1:${await freePort()}`,
        `rediss://127.0.0.1:${tls.tlsPort}`, `redis://127.0.0.1:${plain.port}`,
        '--cacert', pki.ca, '--cert', pki.clientCert, '--key', pki.clientKey, ...FAST, '--format', 'json',
      ],
      { REDSEC_PASSWORD: undefined, REDISCLI_AUTH: undefined },
    );
    const reports = JSON.parse(r.stdout) as Report[];
    expect(reports.map((x) => x.error?.code ?? 'ok')).toEqual(['TIMEOUT', expect.stringMatching(/CLOSED|RESET|PROTOCOL/), 'CONNREFUSED', 'ok', 'ok']);
    // The plain server here has no password: critical findings, but the dead targets decide the exit code.
    expect(r.code).toBe(3);
    expect(r.ms).toBeLessThan(10_000);
  });
});
