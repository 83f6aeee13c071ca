/**
 * A hostile server against the RESP client (issue 10, item 8), with the fake server because a real
 * redis-server cannot be made to drip bytes or send endless replies: the reply deadline runs from
 * the request to the complete reply (bytes trickling in do not extend it), replies and connections
 * are capped in size, and what would have hung or exhausted memory fails with a clear error.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connect, parseTarget } from '../../src/resp/index.js';
import { diagnose } from '../../src/diagnose/index.js';
import { cli } from '../helpers/run-cli.js';
import { startFakeResp, type FakeConnection, type FakeRespServer } from '../helpers/fake-resp-server.js';
import { failure } from '../helpers/connection-failure.js';

let server: FakeRespServer | undefined;
const timers = new Set<NodeJS.Timeout>();
afterEach(async () => {
  for (const t of timers) clearInterval(t);
  timers.clear();
  await server?.stop();
  server = undefined;
});

const target = (port: number) => parseTarget(`redis://127.0.0.1:${port}`);


/** Answers every command with a bulk string of 1000 bytes sent one byte every `everyMs`. */
function drip(c: FakeConnection, everyMs: number): void {
  c.socket.write('$1000\r\n');
  const t = setInterval(() => (c.socket.destroyed ? clearInterval(t) : c.socket.write('x')), everyMs);
  timers.add(t);
}

describe('hostile replies (fake server)', () => {
  it('a server dripping a byte every 200 ms fails at the 1 s reply deadline: chunks do not extend it', async () => {
    server = await startFakeResp({ onCommand: (_a, c) => drip(c, 200) });
    const conn = await connect(target(server.port), { replyTimeoutMs: 1000 });
    const started = Date.now();
    const e = await failure(conn.call(['INFO']));
    expect(e.fault).toBe('reply-timeout');
    expect(e.message).toMatch(/no complete reply within 1000 ms/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    // Generous upper bound for a busy machine; before the fix this never ended.
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('a command written later does not extend the deadline of a reply already awaited', async () => {
    server = await startFakeResp({ onCommand: () => undefined });
    const conn = await connect(target(server.port), { replyTimeoutMs: 1000 });
    const started = Date.now();
    const first = failure(conn.call(['PING']));
    await new Promise((r) => setTimeout(r, 600));
    const second = failure(conn.call(['INFO']));
    const e = await first;
    expect(e.fault).toBe('reply-timeout');
    expect(Date.now() - started).toBeLessThan(1550);
    await second;
  });

  it('every reply of a pipeline is due within the deadline of the write: answering each just in time does not stretch it', async () => {
    // Each reply comes 400 ms after the previous one: 3 replies take 1.2 s, past the 1 s deadline.
    let next = Date.now();
    server = await startFakeResp({
      onCommand: (_a, c) => {
        next = Math.max(next, Date.now()) + 400;
        setTimeout(() => c.socket.write('+PONG\r\n'), next - Date.now());
      },
    });
    const conn = await connect(target(server.port), { replyTimeoutMs: 1000 });
    const started = Date.now();
    const e = await failure(conn.pipeline([['PING'], ['PING'], ['PING']]));
    expect(e.fault).toBe('reply-timeout');
    expect(Date.now() - started).toBeLessThan(1500);
    // Prompt replies pass.
    await server.stop();
    server = await startFakeResp();
    const ok = await connect(target(server.port), { replyTimeoutMs: 1000 });
    expect(await ok.pipeline([['PING'], ['PING'], ['PING']])).toEqual(['PONG', 'PONG', 'PONG']);
    ok.close();
  });

  it('diagnose against a dripping server ends at its deadline with a reply-timeout, not never', async () => {
    server = await startFakeResp({ onCommand: (args, c) => ((args[0] ?? '').toUpperCase() === 'PING' ? drip(c, 200) : c.socket.write('+OK\r\n')) });
    const started = Date.now();
    const d = await diagnose({ url: `redis://127.0.0.1:${server.port}`, env: {}, connectTimeoutMs: 1000, replyTimeoutMs: 1000 });
    expect(d.ok).toBe(false);
    expect(d.steps.map((s) => s.detail).join('\n')).toMatch(/no complete reply within 1000 ms/);
    expect(Date.now() - started).toBeLessThan(6000);
  });

  it('audit (CLI) of a dripping server, alone and in a fleet, ends at the deadline with exit 3', async () => {
    server = await startFakeResp({ onCommand: (_a, c) => drip(c, 200) });
    const started = Date.now();
    const r = await cli(['audit', `redis://127.0.0.1:${server.port}`, `127.0.0.1:${server.port}`, '--timeout', '1000', '--format', 'json']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/TIMEOUT: redis:\/\/127\.0\.0\.1:\d+: no complete reply within 1000 ms/);
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it('an endless array of bulk strings is cut at the 64 MiB reply limit, not buffered until memory runs out', async () => {
    const kib = `$1024\r\n${'a'.repeat(1024)}\r\n`.repeat(64);
    server = await startFakeResp({
      onCommand: (_a, c) => {
        // 900,000 elements is under the element limit; their bytes are not.
        c.socket.write('*900000\r\n');
        const pump = () => {
          while (!c.socket.destroyed && c.socket.write(kib));
          if (!c.socket.destroyed) c.socket.once('drain', pump);
        };
        pump();
      },
    });
    const conn = await connect(target(server.port), { replyTimeoutMs: 30_000 });
    const e = await failure(conn.call(['COMMAND', 'DOCS']));
    expect(e.code).toBe('PROTOCOL');
    expect(e.message).toMatch(/a reply larger than 64 MiB \(redsec's limit\)/);
    expect(conn.closed).toBe(true);
  });

  it('a reply announcing more elements or bytes than the limits is refused at its header', async () => {
    server = await startFakeResp({
      onCommand: (args, c) => c.socket.write((args[0] ?? '') === 'INFO' ? '$200000000\r\nabc' : '*2\r\n*800000\r\n*800000\r\n'),
    });
    const conn = await connect(target(server.port));
    expect((await failure(conn.call(['INFO']))).message).toMatch(/larger than 64 MiB/);
    const conn2 = await connect(target(server.port));
    expect((await failure(conn2.call(['COMMAND', 'DOCS']))).message).toMatch(/more than 1000000 elements/);
  });

  it('a connection is capped in total bytes (the audit of one target reads through one connection)', async () => {
    const big = `$300000\r\n${'i'.repeat(300_000)}\r\n`;
    server = await startFakeResp({ onCommand: (_a, c) => c.socket.write(big) });
    const conn = await connect(target(server.port), { maxTotalBytes: 1024 * 1024 });
    for (let i = 0; i < 3; i++) expect(await conn.call(['INFO'])).toHaveLength(300_000);
    const e = await failure(conn.call(['INFO']));
    expect(e.message).toMatch(/more than 1 MiB on one connection/);
  });

  it('secrets sent by any caller are hidden from every error after: nested (EXEC-like), out of band, and in the AUTH reply', async () => {
    const pw = 'Vb8r-long-secret-0123456789abcdef';
    server = await startFakeResp({
      onCommand: (args, c) => {
        const name = (args[0] ?? '').toUpperCase();
        if (name === 'AUTH' || name === 'HELLO') c.socket.write(`-ERR unknown command '${name}', with args beginning with: '${args.slice(1).join("' '")}' \r\n`);
        else c.socket.write(`*2\r\n-ERR echo ${pw.slice(0, 12)}\r\n*1\r\n-ERR deeper ${pw}\r\n-ERR unsolicited ${pw.slice(0, 9)}\r\n`);
      },
    });
    // No credentials in the options: the caller sends AUTH and HELLO AUTH itself, as diagnose does.
    const conn = await connect(target(server.port));
    const auth = await conn.call(['AUTH', 'someuser', pw]);
    expect(String(auth)).toBe("ERR unknown command 'AUTH', with args beginning with: ***");
    expect(String(await conn.call(['HELLO', '3', 'AUTH', 'someuser', pw]))).not.toContain('someuser');
    const nested = await conn.call(['PING']);
    expect(JSON.stringify(nested, (_k, v: unknown) => (v instanceof Object && 'message' in v ? String(v.message) : v))).toBe('["ERR echo ***",["ERR deeper ***"]]');
    await new Promise((r) => setTimeout(r, 50));
    expect(conn.outOfBand.map((e) => e.message)).toEqual(['ERR unsolicited ***']);
    conn.close();
  });
});
