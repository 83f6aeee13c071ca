/**
 * Debian's chromium, headless, driven over the DevTools protocol on --remote-debugging-pipe (file
 * descriptors 3 and 4, NUL-terminated JSON): no browser download, no npm dependency, no port.
 * `openPage` loads a file and records what a reviewer would want to know: console messages,
 * exceptions, log entries (CSP violations land there) and every network request.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

/** The browser: REDSEC_CHROMIUM, else the first of Debian's and other usual names on PATH. */
export function findChromium(): string | null {
  const candidates = [process.env.REDSEC_CHROMIUM, 'chromium', 'chromium-browser', 'google-chrome'].filter((c): c is string => !!c);
  for (const c of candidates) {
    const r = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', c], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim() !== '') return r.stdout.trim();
  }
  return null;
}

interface Message {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
  sessionId?: string;
}

export interface PageRecord {
  /** console.* calls, exceptions and log entries at level error or warning. */
  problems: string[];
  /** Every URL the page requested, the document included. */
  requests: string[];
}

export interface Page {
  record: PageRecord;
  evaluate<T>(expression: string): Promise<T>;
  screenshot(): Promise<Buffer>;
}

export interface Browser {
  openPage(url: string, viewport?: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

export async function launchChromium(binary: string, timeoutMs = 60_000): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'redsec-chromium-'));
  const child: ChildProcess = spawn(
    binary,
    [
      '--headless',
      '--remote-debugging-pipe',
      // Tests run as root in CI, where chromium's sandbox cannot start.
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-extensions',
      `--user-data-dir=${profile}`,
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const toBrowser = child.stdio[3] as Writable;
  const fromBrowser = child.stdio[4] as Readable;
  const pending = new Map<number, { resolve: (m: Message) => void; reject: (e: Error) => void }>();
  const listeners: ((m: Message) => void)[] = [];
  let exited: Error | null = null;
  let buffer = Buffer.alloc(0);
  fromBrowser.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (let nul = buffer.indexOf(0); nul >= 0; nul = buffer.indexOf(0)) {
      const msg = JSON.parse(buffer.subarray(0, nul).toString('utf8')) as Message;
      buffer = buffer.subarray(nul + 1);
      if (msg.id !== undefined) {
        const p = pending.get(msg.id);
        pending.delete(msg.id);
        if (msg.error) p?.reject(new Error(`DevTools: ${msg.error.message}`));
        else p?.resolve(msg);
      } else for (const l of listeners) l(msg);
    }
  });
  child.on('exit', (code, signal) => {
    exited = new Error(`chromium exited (${code ?? signal}): ${stderr.split('\n').slice(-5).join(' | ')}`);
    for (const p of pending.values()) p.reject(exited);
    pending.clear();
  });
  toBrowser.on('error', () => {});

  let nextId = 1;
  const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> => {
    if (exited) return Promise.reject(exited);
    const id = nextId++;
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`DevTools: ${method} got no answer in ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, {
        resolve: (m) => (clearTimeout(timer), resolve(m.result ?? {})),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      toBrowser.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });
  };
  const waitFor = (pred: (m: Message) => boolean, what: string): Promise<Message> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`DevTools: no ${what} in ${timeoutMs} ms`)), timeoutMs);
      listeners.push((m) => {
        if (pred(m)) {
          clearTimeout(timer);
          resolve(m);
        }
      });
    });

  // The first answer proves the browser is up.
  await send('Browser.getVersion');

  return {
    async openPage(url, viewport = { width: 1280, height: 900 }) {
      const { targetId } = (await send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
      const { sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
      const record: PageRecord = { problems: [], requests: [] };
      listeners.push((m) => {
        if (m.sessionId !== sessionId || !m.params) return;
        const p = m.params as Record<string, any>;
        if (m.method === 'Runtime.consoleAPICalled') record.problems.push(`console.${p.type}: ${JSON.stringify(p.args?.map((a: { value?: unknown }) => a.value))}`);
        if (m.method === 'Runtime.exceptionThrown') record.problems.push(`exception: ${p.exceptionDetails?.exception?.description ?? p.exceptionDetails?.text}`);
        if (m.method === 'Log.entryAdded' && (p.entry?.level === 'error' || p.entry?.level === 'warning')) record.problems.push(`log ${p.entry.level} (${p.entry.source}): ${p.entry.text}`);
        if (m.method === 'Network.requestWillBeSent') record.requests.push(String(p.request?.url));
      });
      for (const domain of ['Page', 'Runtime', 'Log', 'Network']) await send(`${domain}.enable`, {}, sessionId);
      await send('Emulation.setDeviceMetricsOverride', { ...viewport, deviceScaleFactor: 1, mobile: false }, sessionId);
      const loaded = waitFor((m) => m.sessionId === sessionId && m.method === 'Page.loadEventFired', `load event for ${url}`);
      const nav = (await send('Page.navigate', { url }, sessionId)) as { errorText?: string };
      if (nav.errorText) throw new Error(`chromium could not open ${url}: ${nav.errorText}`);
      await loaded;
      // A late load event of the first about:blank could have come first: wait until the document
      // is the file, fully loaded.
      const ready = `document.readyState === 'complete' && location.href === ${JSON.stringify(url)}`;
      for (const deadline = Date.now() + timeoutMs; ; await new Promise((r) => setTimeout(r, 50))) {
        const r = (await send('Runtime.evaluate', { expression: ready, returnByValue: true }, sessionId)) as { result: { value: unknown } };
        if (r.result.value === true) break;
        if (Date.now() > deadline) throw new Error(`DevTools: ${url} not loaded in ${timeoutMs} ms`);
      }
      return {
        record,
        async evaluate<T>(expression: string): Promise<T> {
          const r = (await send('Runtime.evaluate', { expression, returnByValue: true }, sessionId)) as { result: { value: T }; exceptionDetails?: { text: string } };
          if (r.exceptionDetails) throw new Error(`evaluate: ${r.exceptionDetails.text}`);
          return r.result.value;
        },
        async screenshot() {
          // The whole page, not only the viewport (bounded: a long fleet report is still one picture).
          const { cssContentSize } = (await send('Page.getLayoutMetrics', {}, sessionId)) as { cssContentSize: { width: number; height: number } };
          const clip = { x: 0, y: 0, width: Math.ceil(cssContentSize.width), height: Math.min(Math.ceil(cssContentSize.height), 16_000), scale: 1 };
          const { data } = (await send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true, clip }, sessionId)) as { data: string };
          return Buffer.from(data, 'base64');
        },
      };
    },
    async close() {
      if (!exited) {
        const done = new Promise<void>((r) => child.once('exit', () => r()));
        await send('Browser.close').catch(() => {});
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await done;
        clearTimeout(timer);
      }
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
