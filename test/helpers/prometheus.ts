/**
 * Debian's prometheus and prometheus-alertmanager as test processes: free loopback ports, a private
 * storage dir, readiness from their /-/ready endpoint, and guaranteed shutdown. No systemd here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './ports.js';

export interface PromProcess {
  url: string;
  port: number;
  log(): string;
  stop(): Promise<void>;
}
export type Prometheus = PromProcess;
export type Alertmanager = PromProcess;

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

async function start(binary: string, args: (port: number) => string[], timeoutMs: number): Promise<PromProcess> {
  const port = await freePort();
  const child = spawn(binary, args(port), { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let log = '';
  const keep = (d: Buffer) => {
    log = (log + d.toString()).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited: string | undefined;
  const gone = new Promise<void>((resolve) => {
    child.on('error', (e) => {
      exited = `${binary} could not start (${(e as NodeJS.ErrnoException).code})`;
      running.delete(child);
      resolve();
    });
    child.on('exit', (code, signal) => {
      exited ??= `${binary} exited (${signal ?? code})`;
      running.delete(child);
      resolve();
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exited === undefined) child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(t);
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited !== undefined) throw new Error(`${exited}: ${log.slice(-2000)}`);
    try {
      const r = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${binary} not ready within ${timeoutMs} ms: ${log.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, port, log: () => log, stop };
}

/** prometheus with this config file, its TSDB in dir/data. */
export function startPrometheus(config: string, dir: string, timeoutMs = 20_000): Promise<Prometheus> {
  return start(
    'prometheus',
    (port) => [
      `--config.file=${config}`,
      `--storage.tsdb.path=${dir}/data`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    timeoutMs,
  );
}

/** prometheus-alertmanager with this config file, no cluster port (a single instance). */
export function startAlertmanager(config: string, dir: string, timeoutMs = 20_000): Promise<Alertmanager> {
  return start(
    'prometheus-alertmanager',
    (port) => [
      `--config.file=${config}`,
      `--storage.path=${dir}/am-data`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    timeoutMs,
  );
}
