/**
 * The exporter's HTTP edge: GET /metrics (every configured target), GET /scrape?target=NAME (one
 * target, named from the exporter's own list, the multi-target pattern of redis_exporter and
 * blackbox_exporter). A query can only pick a name: never a URL, a host or a port, so a scrape
 * request cannot make the exporter connect anywhere it was not configured to. Requests are
 * hostile input too: bounded URL, GET/HEAD only, nothing they send is echoed back.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Collector } from './collector.js';
import { CONTENT_TYPE, mergeFamilies, renderExposition } from './exposition.js';
import { buildInfoFamily, targetFamilies, type TargetResult } from './families.js';

/** Longest request target accepted (a target name is short; Prometheus sends nothing longer). */
export const MAX_URL_LENGTH = 2048;
/** Requests served at once; more get 503 (each one may poll every target). */
export const MAX_CONCURRENT_REQUESTS = 32;

export function renderResults(results: readonly TargetResult[]): string {
  return renderExposition([...mergeFamilies(results.map(targetFamilies)), buildInfoFamily()]);
}

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8', head = false): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' });
  res.end(head ? undefined : body);
}

const LANDING = [
  'redsec exporter',
  '',
  '/metrics                 every configured target',
  '/scrape?target=NAME      one target, NAME as in the exporter\'s list (see README "Monitoring")',
  '',
].join('\n');

export function createExporterServer(collector: Collector): Server {
  let active = 0;
  const server = createServer((req, res) => {
    if (active >= MAX_CONCURRENT_REQUESTS) return send(res, 503, 'busy: too many scrapes at once\n');
    active++;
    res.on('close', () => active--);
    handle(collector, req, res).catch(() => {
      // A bug, not the target's fault: say so without details (they could quote a server).
      if (!res.headersSent) send(res, 500, 'internal error\n');
      else res.destroy();
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.maxHeadersCount = 64;
  return server;
}

async function handle(collector: Collector, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const head = req.method === 'HEAD';
  if (req.method !== 'GET' && !head) {
    res.setHeader('Allow', 'GET, HEAD');
    return send(res, 405, 'method not allowed\n');
  }
  const url = req.url ?? '/';
  if (url.length > MAX_URL_LENGTH) return send(res, 414, 'request URL too long\n');
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q + 1);
  if (path === '/') return send(res, 200, LANDING, undefined, head);
  if (path === '/metrics') {
    const body = renderResults(await collector.collectAll());
    return send(res, 200, body, CONTENT_TYPE, head);
  }
  if (path === '/scrape') {
    let names: string[];
    try {
      names = new URLSearchParams(query).getAll('target');
    } catch {
      return send(res, 400, 'bad query string\n');
    }
    if (names.length !== 1 || names[0] === '') return send(res, 400, 'give exactly one target=NAME\n');
    const result = collector.collect(names[0] ?? '');
    if (!result) return send(res, 404, 'unknown target: /scrape takes a name from this exporter\'s list, never an address\n');
    return send(res, 200, renderResults([await result]), CONTENT_TYPE, head);
  }
  return send(res, 404, 'not found: /metrics or /scrape?target=NAME\n');
}
