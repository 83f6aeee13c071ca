/**
 * The webhook sink of `redsec watch --webhook URL`: each event is POSTed as its JSON (the same
 * object --format jsonl prints). The poll loop only calls send(), which queues and returns at once:
 * delivery runs beside it, one request at a time so the receiver sees events in order, with
 * exponential backoff (and the receiver's Retry-After) while it fails. The queue is bounded: when a
 * receiver stays down, the oldest events are dropped and counted, memory never grows.
 *
 * The URL often carries a token (path, query or user:password): it is never printed; messages
 * name the scheme, host and port only. The body is cleaned of the watcher's credentials.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { UsageError } from '../errors.js';
import type { WatchEvent } from './event.js';
import { scrubSecrets } from './scrub.js';

export interface WebhookOptions {
  /** http: or https: URL; user:password in it becomes Basic authentication. */
  url: string;
  /** Events held while the receiver is slow or down (default 1000); beyond it the oldest is dropped. */
  queueLimit?: number | undefined;
  /** Attempts per event before it is dropped (default 8). */
  maxAttempts?: number | undefined;
  /** First retry delay (default 500 ms), doubled per attempt up to maxDelayMs. */
  initialDelayMs?: number | undefined;
  /** Longest wait between attempts, and the cap of a Retry-After (default 60 s). */
  maxDelayMs?: number | undefined;
  /** Deadline of one request, connect to response (default 10 s). */
  timeoutMs?: number | undefined;
  /** Credentials the watcher uses: masked in every body. */
  secrets?: readonly (string | undefined)[] | undefined;
  /** One line per failed attempt and per dropped event (for stderr); never the URL's secret parts. */
  log?: ((line: string) => void) | undefined;
}

export interface WebhookStats {
  delivered: number;
  /** Dropped because the queue was full (oldest first). */
  droppedQueueFull: number;
  /** Dropped after maxAttempts failures, or refused by the receiver (a 4xx other than 408/429). */
  droppedFailed: number;
  /** Failed attempts (each retried or dropped). */
  failedAttempts: number;
  queued: number;
}

/** The URL checked for use: a bad one is a usage error that does not quote it (it may hold a token). */
export function parseWebhookUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError('--webhook is not a URL');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`--webhook must be an http:// or https:// URL, got ${u.protocol.slice(0, -1).replace(/[^a-z0-9+.-]/gi, '?')}://...`);
  return u;
}

/** scheme://host:port, all of the URL a message may show. */
export function describeWebhook(u: URL): string {
  return `${u.protocol}//${u.host}`;
}

/** The receiver's verdict on one attempt. */
type Attempt = { ok: true } | { ok: false; retry: boolean; why: string; retryAfterMs?: number | undefined };

const MAX_RESPONSE_BYTES = 64 * 1024;

export class WebhookSink {
  readonly #url: URL;
  readonly #where: string;
  readonly #queueLimit: number;
  readonly #maxAttempts: number;
  readonly #initialDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #timeoutMs: number;
  readonly #secrets: readonly (string | undefined)[];
  readonly #log: (line: string) => void;
  readonly #queue: string[] = [];
  #running = false;
  #closed = false;
  #abandoned = false;
  #timer: NodeJS.Timeout | undefined;
  #wake: (() => void) | undefined;
  #inflight: { destroy(): void } | undefined;
  #idle: (() => void)[] = [];
  readonly #stats: WebhookStats = { delivered: 0, droppedQueueFull: 0, droppedFailed: 0, failedAttempts: 0, queued: 0 };

  constructor(opts: WebhookOptions) {
    this.#url = parseWebhookUrl(opts.url);
    this.#where = describeWebhook(this.#url);
    this.#queueLimit = positive(opts.queueLimit, 1000, 'queueLimit');
    this.#maxAttempts = positive(opts.maxAttempts, 8, 'maxAttempts');
    this.#initialDelayMs = positive(opts.initialDelayMs, 500, 'initialDelayMs');
    this.#maxDelayMs = positive(opts.maxDelayMs, 60_000, 'maxDelayMs');
    this.#timeoutMs = positive(opts.timeoutMs, 10_000, 'timeoutMs');
    this.#secrets = opts.secrets ?? [];
    this.#log = opts.log ?? (() => {});
  }

  /** Queues one event and returns at once; false when the sink is closed. */
  send(event: WatchEvent): boolean {
    if (this.#closed) return false;
    // Serialised now: the body is fixed at the time of the event, and the queue holds strings only.
    this.#queue.push(JSON.stringify(scrubSecrets(event, this.#secrets)));
    if (this.#queue.length > this.#queueLimit) {
      this.#queue.shift();
      this.#stats.droppedQueueFull++;
      // Said once per burst of drops, not once per event.
      if (this.#stats.droppedQueueFull === 1 || this.#stats.droppedQueueFull % 100 === 0) {
        this.#log(`webhook ${this.#where}: queue full (${this.#queueLimit} events), ${this.#stats.droppedQueueFull} oldest dropped so far`);
      }
    }
    if (!this.#running) void this.#drain();
    return true;
  }

  stats(): WebhookStats {
    return { ...this.#stats, queued: this.#queue.length };
  }

  /**
   * Stops accepting events and waits up to graceMs for the queue to be delivered (a pending backoff
   * is cut short: one last attempt each); then abandons the rest. Resolves with the final stats.
   */
  async close(graceMs = 5000): Promise<WebhookStats> {
    this.#closed = true;
    this.#wake?.();
    if (this.#running && !(await this.#idleWithin(graceMs))) {
      this.#abandoned = true;
      this.#inflight?.destroy();
      await this.#idleWithin(1000);
      const left = this.#queue.length;
      if (left > 0) this.#log(`webhook ${this.#where}: ${left} event(s) not delivered at exit`);
    }
    return this.stats();
  }

  /** True when the delivery loop stopped within ms. */
  #idleWithin(ms: number): Promise<boolean> {
    if (!this.#running) return Promise.resolve(true);
    return new Promise((resolve) => {
      const f = (): void => {
        clearTimeout(t);
        resolve(true);
      };
      const t = setTimeout(() => {
        this.#idle = this.#idle.filter((g) => g !== f);
        resolve(false);
      }, ms);
      this.#idle.push(f);
    });
  }

  async #drain(): Promise<void> {
    this.#running = true;
    let attempts = 0;
    try {
      while (this.#queue.length > 0 && !this.#abandoned) {
        const body = this.#queue[0]!;
        const r = await this.#post(body);
        if (this.#queue[0] !== body) {
          // The queue overflowed while this was in flight and dropped it: go on with the new head.
          attempts = 0;
          if (r.ok) this.#stats.delivered++;
          continue;
        }
        if (r.ok) {
          this.#queue.shift();
          this.#stats.delivered++;
          attempts = 0;
          continue;
        }
        attempts++;
        this.#stats.failedAttempts++;
        if (this.#abandoned) break;
        // Closing: one last attempt per event, no more waiting.
        if (!r.retry || attempts >= this.#maxAttempts || this.#closed) {
          this.#queue.shift();
          this.#stats.droppedFailed++;
          this.#log(`webhook ${this.#where}: event dropped after ${attempts} attempt(s) (${r.why})`);
          attempts = 0;
          continue;
        }
        const backoff = Math.min(this.#maxDelayMs, this.#initialDelayMs * 2 ** (attempts - 1));
        // Jitter spreads many watchers retrying one receiver; a Retry-After is honoured up to the cap.
        const delay = r.retryAfterMs !== undefined ? Math.min(this.#maxDelayMs, r.retryAfterMs) : Math.round(backoff * (0.5 + Math.random() / 2));
        this.#log(`webhook ${this.#where}: attempt ${attempts} failed (${r.why}); retrying in ${formatMs(delay)}`);
        await this.#sleep(delay);
      }
    } finally {
      this.#running = false;
      for (const f of this.#idle.splice(0)) f();
    }
  }

  #sleep(ms: number): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.#wake = () => {
        clearTimeout(this.#timer);
        this.#wake = undefined;
        resolve();
      };
      this.#timer = setTimeout(() => this.#wake?.(), ms);
    });
  }

  #post(body: string): Promise<Attempt> {
    const u = this.#url;
    const request = u.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      'user-agent': 'redsec-watch',
    };
    if (u.username !== '' || u.password !== '') {
      headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}`;
    }
    return new Promise<Attempt>((resolve) => {
      let settled = false;
      const done = (a: Attempt): void => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        this.#inflight = undefined;
        resolve(a);
      };
      const req = request(
        { protocol: u.protocol, hostname: u.hostname.replace(/^\[|\]$/g, ''), port: u.port || undefined, path: `${u.pathname}${u.search}`, method: 'POST', headers },
        (res: IncomingMessage) => {
          // The body is read (so the connection can be reused) but bounded and ignored.
          let seen = 0;
          res.on('data', (chunk: Buffer) => {
            seen += chunk.length;
            if (seen > MAX_RESPONSE_BYTES) res.destroy();
          });
          res.on('error', () => {});
          const status = res.statusCode ?? 0;
          res.on('close', () => done(verdict(status, res.headers['retry-after'])));
          res.resume();
        },
      );
      const deadline = setTimeout(() => {
        req.destroy();
        done({ ok: false, retry: true, why: `no response within ${formatMs(this.#timeoutMs)}` });
      }, this.#timeoutMs);
      this.#inflight = {
        destroy: () => {
          req.destroy();
          done({ ok: false, retry: false, why: 'closed' });
        },
      };
      req.on('error', (e: NodeJS.ErrnoException) => done({ ok: false, retry: true, why: e.code ?? 'network error' }));
      req.end(body);
    });
  }
}

function verdict(status: number, retryAfter: string | undefined): Attempt {
  if (status >= 200 && status < 300) return { ok: true };
  // A receiver that refuses the event itself (400, 401, 404, 413 ...) will refuse it again.
  const retry = status >= 500 || status === 408 || status === 429 || status === 0;
  const seconds = retryAfter !== undefined && /^\d{1,6}$/.test(retryAfter) ? Number(retryAfter) * 1000 : undefined;
  return { ok: false, retry, why: `HTTP ${status}`, retryAfterMs: seconds };
}

function positive(v: number | undefined, fallback: number, name: string): number {
  if (v === undefined) return fallback;
  if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`webhook ${name} must be positive`);
  return v;
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)}s`;
}
