import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import type { WatchEvent } from './event.js';
import { WebhookSink, parseWebhookUrl } from './webhook.js';

interface Received {
  body: string;
  auth: string | undefined;
  type: string | undefined;
  at: number;
}

/** A real HTTP receiver on loopback; `reply` decides each response (status, headers) or hangs when it returns undefined. */
async function receiver(reply: (n: number) => { status: number; headers?: Record<string, string> } | undefined): Promise<{ url: string; got: Received[]; requests: () => number; server: Server }> {
  const got: Received[] = [];
  let n = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = reply(n++);
      if (r === undefined) return; // never answers: the sink's deadline must fire
      if (r.status >= 200 && r.status < 300) got.push({ body: Buffer.concat(chunks).toString('utf8'), auth: req.headers.authorization, type: req.headers['content-type'], at: Date.now() });
      res.writeHead(r.status, r.headers ?? {});
      res.end('ok');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, got, requests: () => n, server };
}

const servers: Server[] = [];
const sinks: WebhookSink[] = [];
afterEach(async () => {
  await Promise.all(sinks.splice(0).map((s) => s.close(100)));
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        }),
    ),
  );
});

function sink(opts: ConstructorParameters<typeof WebhookSink>[0]): WebhookSink {
  const s = new WebhookSink(opts);
  sinks.push(s);
  return s;
}

function event(i: number, extra: Record<string, string> = {}): WatchEvent {
  return {
    time: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    target: 'prod',
    kind: 'auth-failure',
    severity: 'high',
    summary: `event ${i}`,
    evidence: { n: i, ...extra },
  };
}

async function until(cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('webhook sink', () => {
  it('a receiver that fails, then recovers, gets every event once, in order, with backoff between attempts', async () => {
    // 503 three times, then 200.
    const r = await receiver((n) => (n < 3 ? { status: 503 } : { status: 200 }));
    const lines: string[] = [];
    const s = sink({ url: r.url, initialDelayMs: 40, maxDelayMs: 1000, log: (l) => lines.push(l) });
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) expect(s.send(event(i))).toBe(true);
    await until(() => r.got.length === 5 && s.stats().queued === 0);
    // Backoff: at least 40/2 + 80/2 + 160/2 ms of (jittered) waiting before the first success.
    expect(r.got[0]!.at - t0).toBeGreaterThanOrEqual(140);
    expect(r.got.map((g) => (JSON.parse(g.body) as WatchEvent).summary)).toEqual(['event 0', 'event 1', 'event 2', 'event 3', 'event 4']);
    expect(JSON.parse(r.got[0]!.body)).toEqual(event(0));
    expect(r.got[0]!.type).toBe('application/json');
    expect(s.stats()).toMatchObject({ delivered: 5, failedAttempts: 3, droppedFailed: 0, droppedQueueFull: 0, queued: 0 });
    expect(lines.filter((l) => l.includes('attempt'))).toHaveLength(3);
    expect(lines[0]).toMatch(/^webhook http:\/\/127\.0\.0\.1:\d+: attempt 1 failed \(HTTP 503\); retrying in \d+ms$/);
  });

  it('never blocks the caller: send() returns at once while the receiver hangs, and the deadline retries', async () => {
    const r = await receiver((n) => (n === 0 ? undefined : { status: 204 }));
    const s = sink({ url: r.url, timeoutMs: 300, initialDelayMs: 20 });
    await until(() => {
      s.send(event(0));
      return true;
    });
    for (let i = 1; i < 100; i++) s.send(event(i));
    // send() is synchronous: all 100 are queued while the first request still hangs.
    expect(s.stats()).toMatchObject({ queued: 100, delivered: 0 });
    await until(() => r.got.length === 100 && s.stats().queued === 0);
    expect(s.stats()).toMatchObject({ delivered: 100, failedAttempts: 1 });
  });

  it('the queue is bounded: while the receiver is down the oldest events are dropped and counted', async () => {
    let up = false;
    const r = await receiver(() => (up ? { status: 200 } : { status: 500 }));
    const lines: string[] = [];
    const s = sink({ url: r.url, queueLimit: 3, initialDelayMs: 50, maxDelayMs: 50, log: (l) => lines.push(l) });
    for (let i = 0; i < 10; i++) s.send(event(i));
    expect(s.stats().queued).toBe(3);
    expect(s.stats().droppedQueueFull).toBe(7);
    expect(lines.some((l) => l.includes('queue full (3 events)'))).toBe(true);
    await until(() => r.requests() >= 2);
    up = true;
    await until(() => s.stats().queued === 0);
    // The newest three survive (the head in flight may have been one that was later pushed out).
    const got = r.got.map((g) => (JSON.parse(g.body) as WatchEvent).evidence.n);
    expect(got).toEqual([7, 8, 9]);
  });

  it('gives up on an event after maxAttempts and on one the receiver refuses (4xx), and goes on with the next', async () => {
    const r = await receiver((n) => (n < 2 ? { status: 502 } : n === 2 ? { status: 400 } : { status: 200 }));
    const lines: string[] = [];
    const s = sink({ url: r.url, maxAttempts: 2, initialDelayMs: 10, log: (l) => lines.push(l) });
    s.send(event(0));
    s.send(event(1));
    s.send(event(2));
    await until(() => r.got.length === 1 && s.stats().queued === 0);
    expect((JSON.parse(r.got[0]!.body) as WatchEvent).evidence.n).toBe(2);
    expect(s.stats()).toMatchObject({ delivered: 1, droppedFailed: 2, failedAttempts: 3 });
    expect(lines.filter((l) => l.includes('dropped after'))).toEqual([
      expect.stringContaining('dropped after 2 attempt(s) (HTTP 502)'),
      expect.stringContaining('dropped after 1 attempt(s) (HTTP 400)'),
    ]);
  });

  it('honours Retry-After (capped by maxDelayMs)', async () => {
    const r = await receiver((n) => (n === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 }));
    const s = sink({ url: r.url, initialDelayMs: 10 });
    const t0 = Date.now();
    s.send(event(0));
    await until(() => r.got.length === 1 && s.stats().queued === 0);
    expect(r.got[0]!.at - t0).toBeGreaterThanOrEqual(900);
  });

  it('a refused connection is retried until a receiver listens on the port', async () => {
    const r = await receiver(() => ({ status: 200 }));
    const { port } = r.server.address() as AddressInfo;
    await new Promise<void>((resolve) => r.server.close(() => resolve()));
    const lines: string[] = [];
    const s = sink({ url: r.url, initialDelayMs: 50, maxDelayMs: 100, log: (l) => lines.push(l) });
    s.send(event(0));
    await until(() => lines.some((l) => l.includes('ECONNREFUSED')));
    await new Promise<void>((resolve) => r.server.listen(port, '127.0.0.1', resolve));
    await until(() => r.got.length === 1 && s.stats().queued === 0);
    expect(s.stats().delivered).toBe(1);
  });

  it("no secret in the body, and the URL's token, password and path never reach a log line", async () => {
    const r = await receiver((n) => (n === 0 ? { status: 503 } : { status: 200 }));
    const u = new URL(r.url);
    u.username = 'hookuser';
    u.password = 'hookpass-s3cret';
    u.pathname = '/hook/T0K3N-abcdef';
    u.search = '?sig=QUERYSECRET';
    const secretUrl = u.href;
    const lines: string[] = [];
    const s = sink({ url: secretUrl, initialDelayMs: 10, secrets: ['redis-Pa55word-xyz'], log: (l) => lines.push(l) });
    // A hostile server echoed the watcher's password into a field an event quotes.
    s.send(event(0, { user: 'redis-Pa55word-xyz', client: 'addr=1.2.3.4 redis-Pa55wo' }));
    await until(() => r.got.length === 1 && s.stats().queued === 0);
    const body = r.got[0]!.body;
    expect(body).not.toContain('redis-Pa55wo');
    expect(JSON.parse(body)).toMatchObject({ evidence: { user: '***' } });
    // user:password of the URL became Basic authentication.
    expect(r.got[0]!.auth).toBe(`Basic ${Buffer.from('hookuser:hookpass-s3cret').toString('base64')}`);
    const all = lines.join('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const secret of ['hookpass', 'T0K3N', 'QUERYSECRET', 'hookuser']) expect(all).not.toContain(secret);
  });

  it('close() delivers what is queued within the grace, then refuses new events', async () => {
    const r = await receiver(() => ({ status: 200 }));
    const s = sink({ url: r.url });
    for (let i = 0; i < 3; i++) s.send(event(i));
    const stats = await s.close(5000);
    expect(stats).toMatchObject({ delivered: 3, queued: 0 });
    expect(s.send(event(9))).toBe(false);
  });

  it('close() against a dead receiver ends within its grace, with the undelivered events counted', async () => {
    const r = await receiver(() => undefined);
    const lines: string[] = [];
    const s = sink({ url: r.url, timeoutMs: 60_000, log: (l) => lines.push(l) });
    s.send(event(0));
    s.send(event(1));
    await until(() => r.requests() === 1);
    const t0 = Date.now();
    const stats = await s.close(200);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(stats.delivered).toBe(0);
    expect(lines.join('\n')).toMatch(/not delivered at exit|dropped after/);
  });

  it('a bad --webhook is a usage error that does not quote the URL', () => {
    expect(() => parseWebhookUrl('not a url with T0K3N')).toThrow(UsageError);
    expect(() => parseWebhookUrl('not a url with T0K3N')).not.toThrow(/T0K3N/);
    expect(() => parseWebhookUrl('ftp://user:T0K3N@host/x')).toThrow(/must be an http:\/\/ or https:\/\/ URL, got ftp:\/\/\.\.\.$/);
    expect(parseWebhookUrl('https://hooks.example.com/x').host).toBe('hooks.example.com');
  });
});
