/**
 * Faults a real redis-server cannot produce on loopback, against the scripted fake server:
 * mid-reply close, a hung socket, garbage, -DENIED before any command, resets then success.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connect, parseTarget, RespError } from '../../src/resp/index.js';
import { TargetError } from '../../src/errors.js';
import { MAX_CLIENTS, PROTECTED_MODE_DENIED, startFakeResp, type FakeRespServer } from '../helpers/fake-resp-server.js';
import { failure } from '../helpers/connection-failure.js';

let server: FakeRespServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const target = (port: number, scheme = 'redis') => parseTarget(`${scheme}://127.0.0.1:${port}`);


describe('RESP client faults (fake server)', () => {
  it('a server that closes in the middle of a reply gives CLOSED, not a partial value', async () => {
    server = await startFakeResp({
      onCommand: (_args, c) => {
        c.socket.write('$100\r\nhalf of a bulk');
        setTimeout(() => c.socket.end(), 20);
      },
    });
    const conn = await connect(target(server.port));
    const e = await failure(conn.call(['INFO', 'server']));
    expect(e.code).toBe('CLOSED');
    expect(e.message).toMatch(/middle of a reply/);
    expect(conn.closed).toBe(true);
  });

  it('a hung socket fails at the reply deadline (300 ms) with TIMEOUT', async () => {
    server = await startFakeResp({ onCommand: () => undefined });
    const conn = await connect(target(server.port), { replyTimeoutMs: 300 });
    const started = Date.now();
    const e = await failure(conn.pipeline([['PING'], ['INFO']]));
    expect(e.code).toBe('TIMEOUT');
    expect(e.fault).toBe('reply-timeout');
    // The deadline, not the 5 s default, ended the wait.
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('a TLS handshake nobody answers fails at the connect deadline (300 ms)', async () => {
    server = await startFakeResp({ onNonResp: () => undefined });
    const e = await failure(connect(target(server.port, 'rediss'), { connectTimeoutMs: 300 }));
    expect(e.code).toBe('TIMEOUT');
    expect(e.fault).toBe('tls-handshake-timeout');
  });

  it('garbage bytes give a PROTOCOL error', async () => {
    server = await startFakeResp({ onCommand: (_a, c) => c.socket.write('HTTP/1.1 400 Bad Request\r\n\r\n') });
    const conn = await connect(target(server.port));
    const e = await failure(conn.call(['PING']));
    expect(e.code).toBe('PROTOCOL');
    expect(e.fault).toBe('protocol');
  });

  it('a reply nobody asked for is a PROTOCOL error', async () => {
    server = await startFakeResp({ onCommand: (_a, c) => c.socket.write('+PONG\r\n+EXTRA\r\n') });
    const conn = await connect(target(server.port));
    expect(await conn.call(['PING'])).toBe('PONG');
    const e = await failure(conn.call(['PING']));
    expect(e.code).toBe('PROTOCOL');
  });

  it('-DENIED sent on connect is kept out of band, with the exact text, and becomes E605', async () => {
    server = await startFakeResp({ onConnect: (c) => c.socket.end(PROTECTED_MODE_DENIED) });
    const conn = await connect(target(server.port));
    const e = await failure(conn.call(['PING']));
    expect(e.code).toBe('E605');
    expect(e.fault).toBe('protected-mode');
    expect(conn.outOfBand).toHaveLength(1);
    expect(conn.outOfBand[0]).toBeInstanceOf(RespError);
    expect(conn.outOfBand[0]?.code).toBe('DENIED');
    expect(`-${conn.outOfBand[0]?.message}\r\n`).toBe(PROTECTED_MODE_DENIED);
    expect(e.serverText).toBe(PROTECTED_MODE_DENIED.slice(1, -2));
  });

  it('-DENIED is seen without sending a byte when the caller waits for a greeting', async () => {
    server = await startFakeResp({ onConnect: (c) => c.socket.end(PROTECTED_MODE_DENIED) });
    const e = await failure(connect(target(server.port), { greetingWaitMs: 500 }));
    expect(e.code).toBe('E605');
    expect(server.bytesIn).toBe(0);
  });

  it('-DENIED arriving as the answer to AUTH is still E605, not a password error', async () => {
    server = await startFakeResp({ onConnect: (c) => setTimeout(() => c.socket.end(PROTECTED_MODE_DENIED), 50), onCommand: () => undefined });
    const e = await failure(connect(target(server.port), { auth: { password: 'pw-never-shown' } }));
    expect(e.code).toBe('E605');
    expect(e.message).not.toContain('pw-never-shown');
  });

  it('a quiet greeting wait sends nothing and leaves the connection usable', async () => {
    server = await startFakeResp();
    const conn = await connect(target(server.port), { greetingWaitMs: 100 });
    expect(server.bytesIn).toBe(0);
    expect(conn.outOfBand).toEqual([]);
    expect(await conn.call(['PING'])).toBe('PONG');
    conn.close();
  });

  it('RESP3 pushes are kept apart and never taken for a reply', async () => {
    server = await startFakeResp({ onCommand: (_a, c) => c.socket.write('>2\r\n+invalidate\r\n*1\r\n+k\r\n+PONG\r\n') });
    const conn = await connect(target(server.port));
    expect(await conn.call(['PING'])).toBe('PONG');
    expect(conn.pushes).toEqual([['invalidate', ['k']]]);
    conn.close();
  });

  it('max clients refusal on connect is MAXCLIENTS', async () => {
    server = await startFakeResp({ onConnect: (c) => c.socket.end(MAX_CLIENTS) });
    const conn = await connect(target(server.port));
    const e = await failure(conn.call(['PING']));
    expect(e.code).toBe('MAXCLIENTS');
  });

  it('a reset while connecting is retried with exponential backoff, then succeeds', async () => {
    // The first two connections are reset as soon as their first command (AUTH) arrives.
    server = await startFakeResp({
      onCommand: (args, c) => {
        if ((c.respIndex ?? 0) < 2) c.socket.resetAndDestroy();
        else c.socket.write(args[0] === 'PING' ? '+PONG\r\n' : '+OK\r\n');
      },
    });
    const conn = await connect(target(server.port), { auth: { user: 'u', password: 'p' }, backoffMs: 40 });
    expect(conn.attempts).toBe(3);
    expect(server.respArrivals).toHaveLength(3);
    expect(await conn.call(['PING'])).toBe('PONG');
    // AUTH first on every attempt, nothing else; PING only on the connection that survived.
    expect(server.commands).toEqual([['AUTH', 'u', 'p'], ['AUTH', 'u', 'p'], ['AUTH', 'u', 'p'], ['PING']]);
    // Backoff doubles: at least 40 ms, then at least 80 ms between attempts.
    const [a, b, c] = server.respArrivals as [number, number, number];
    expect(b - a).toBeGreaterThanOrEqual(35);
    expect(c - b).toBeGreaterThanOrEqual(75);
    conn.close();
  });

  it('a reset before any byte was sent is retried too', async () => {
    server = await startFakeResp({
      onConnect: (c) => {
        if (c.index < 1) c.socket.resetAndDestroy();
      },
    });
    const conn = await connect(target(server.port), { auth: { password: 'p' }, backoffMs: 5 });
    expect(conn.attempts).toBeGreaterThanOrEqual(2);
    expect(await conn.call(['PING'])).toBe('PONG');
    conn.close();
  });

  it('gives up after the configured retries with RESET', async () => {
    server = await startFakeResp({ onCommand: (_a, c) => c.socket.resetAndDestroy() });
    const e = await failure(connect(target(server.port), { auth: { password: 'p' }, backoffMs: 5, retries: 2 }));
    expect(e.code).toBe('RESET');
    expect(server.respArrivals).toHaveLength(3);
  });

  it('never retries once connected: a reset mid-session is reported, not hidden', async () => {
    server = await startFakeResp({
      onCommand: (args, c) => {
        if (args[0] === 'INFO') c.socket.resetAndDestroy();
        else c.socket.write('+PONG\r\n');
      },
    });
    const conn = await connect(target(server.port), { backoffMs: 5 });
    expect(await conn.call(['PING'])).toBe('PONG');
    const e = await failure(conn.call(['INFO']));
    expect(e.code).toBe('RESET');
    expect(server.respArrivals).toHaveLength(1);
  });

  it('never shows the password, even when the server echoes it', async () => {
    const password = 'Sup3r-Secret-Value';
    server = await startFakeResp({
      onCommand: (args, c) => c.socket.write(`-ERR unknown command '${args[0]}', with args beginning with: '${args.slice(1).join("' '")}'\r\n`),
    });
    const e = await failure(connect(target(server.port), { auth: { user: 'app', password, via: 'HELLO' } }));
    expect(e).toBeInstanceOf(TargetError);
    expect(e.code).toBe('E603');
    expect(e.message).toContain('unknown command');
    expect(e.message).not.toContain(password);
    expect(e.serverText).not.toContain(password);
    expect(JSON.stringify(e)).not.toContain(password);
  });

  it('connection refused and unresolvable hosts have their own codes', async () => {
    server = await startFakeResp();
    const port = server.port;
    await server.stop();
    server = undefined;
    expect((await failure(connect(target(port)))).code).toBe('CONNREFUSED');
    const dns = await failure(connect(parseTarget('redis://no-such-host.invalid:6379'), { connectTimeoutMs: 3000 }));
    expect(['DNS', 'TIMEOUT']).toContain(dns.code);
  });
});
