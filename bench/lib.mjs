// What the benches share: a temporary directory and child processes stopped on exit, loopback
// ports, redis-servers started and waited for, and a few statistics. Not a bench itself.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A fresh temporary directory and a `track(child)` that registers a child process; on exit every
 * child still running is killed and the directory removed.
 */
export function benchDir(prefix) {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const children = new Set();
  process.on('exit', () => {
    for (const c of children) c.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });
  const track = (child) => {
    children.add(child);
    child.once('exit', () => children.delete(child));
    return child;
  };
  return { root, track };
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Polls `check` until it holds; throws after `ms`. */
export async function waitFor(check, what, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${what} did not start`);
}

/**
 * A loopback redis-server without persistence in `dir` (created), logging to dir/log, with
 * `args` added; resolves once it accepts connections.
 */
export async function startRedis(track, dir, args = []) {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const log = join(dir, 'log');
  const child = track(spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', log, ...args], { stdio: 'ignore' }));
  await waitFor(() => existsSync(log) && readFileSync(log, 'utf8').includes('Ready to accept connections'), `redis-server in ${dir}`);
  return { port, child };
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** The p-th percentile of an ascending array. */
export const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
export const sum = (xs) => xs.reduce((a, b) => a + b, 0);

export const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);

/** User + system CPU seconds of a process so far (from /proc). */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime, stime
}

/** A process's peak resident memory (VmHWM) in MB. */
export function peakRssMb(pid) {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}
