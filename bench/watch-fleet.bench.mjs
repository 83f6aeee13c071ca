// Benchmark of one `redsec watch` process holding a large fleet (run: npm run build && node bench/watch-fleet.bench.mjs).
// Part 2 of the watch benches (part 1, the exporter side by side with redis_exporter, is bench/watch.bench.mjs).
//
// BENCH_TARGETS targets (default 1000) at BENCH_INTERVAL (default 15s) for BENCH_POLLS polls each
// (default 4): BENCH_REAL of them (default 20) are real redis-servers on loopback; the rest are
// fake RESP endpoints in a separate process that replay real replies: each distinct command is sent
// once to a real redis-server and its reply bytes are kept and replayed (INFO, CONFIG GET *,
// ACL LIST, ACL LOG, MODULE LIST ... exactly as 7.0.15 answers them). The endpoints note when each
// poll arrives, so the schedule is measured where it lands: per target, the spacing of its polls
// against the interval (drift), and how many polls arrived. The watcher's peak RSS is VmHWM from
// /proc. Goal (issue 15): < 300 MB RSS and no drift of the schedule.
//
// Only loopback; every loop bounded; every process started here is stopped.
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchDir, cpuSeconds, peakRssMb, startRedis } from './lib.mjs';

const TARGETS = Number(process.env.BENCH_TARGETS ?? 1000);
const REAL = Math.min(TARGETS, Number(process.env.BENCH_REAL ?? 20));
const INTERVAL = process.env.BENCH_INTERVAL ?? '15s';
const POLLS = Number(process.env.BENCH_POLLS ?? 4);
const intervalMs = Number(/^(\d+)s$/.exec(INTERVAL)?.[1] ?? NaN) * 1000;
if (!(intervalMs > 0)) throw new Error('BENCH_INTERVAL must be whole seconds, e.g. 15s');
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

// ---------------------------------------------------------------- the replay endpoints (child mode)

if (process.argv[2] === '--replayer') {
  // RESP reply framing (RESP2 and RESP3), to cut a real server's reply stream into replies.
  const lineEnd = (b, i) => {
    const j = b.indexOf('\r\n', i);
    return j < 0 ? -1 : j;
  };
  /** End offset of the reply starting at i, or -1 when incomplete. */
  function replyEnd(b, i) {
    if (i >= b.length) return -1;
    const t = String.fromCharCode(b[i]);
    const e = lineEnd(b, i);
    if (e < 0) return -1;
    const n = Number(b.subarray(i + 1, e).toString());
    if ('$=!'.includes(t)) return n < 0 ? e + 2 : e + 2 + n + 2 <= b.length ? e + 2 + n + 2 : -1;
    if ('*~>%|'.includes(t)) {
      if (n < 0) return e + 2;
      let at = e + 2;
      const items = t === '%' || t === '|' ? 2 * n : n;
      for (let k = 0; k < items; k++) {
        at = replyEnd(b, at);
        if (at < 0) return -1;
      }
      return t === '|' ? replyEnd(b, at) : at;
    }
    return e + 2; // + - : _ , # (
  }
  /** Commands from a client buffer: [[args...], ...] and the rest. */
  function commands(b) {
    const out = [];
    let i = 0;
    while (i < b.length && b[i] === 0x2a) {
      const e = lineEnd(b, i);
      if (e < 0) break;
      const n = Number(b.subarray(i + 1, e).toString());
      let at = e + 2;
      const args = [];
      for (let k = 0; k < n; k++) {
        const le = lineEnd(b, at);
        if (le < 0) return { out, rest: b.subarray(i) };
        const len = Number(b.subarray(at + 1, le).toString());
        if (le + 2 + len + 2 > b.length) return { out, rest: b.subarray(i) };
        args.push(b.subarray(le + 2, le + 2 + len).toString());
        at = le + 2 + len + 2;
      }
      out.push(args);
      i = at;
    }
    return { out, rest: b.subarray(i) };
  }
  const [, , , upstreamPort, count] = process.argv;
  // Each endpoint on a port the kernel picks (no race with other processes for "free" ports).
  const ports = Array.from({ length: Number(count) }, () => 0);
  const cache = new Map();
  // One upstream connection, one command at a time: each reply is recorded once.
  const { connect } = await import('node:net');
  const up = connect(Number(upstreamPort), '127.0.0.1');
  let upBuf = Buffer.alloc(0);
  const upQueue = [];
  up.on('data', (d) => {
    upBuf = Buffer.concat([upBuf, d]);
    for (;;) {
      const end = replyEnd(upBuf, 0);
      if (end < 0 || upQueue.length === 0) break;
      const reply = upBuf.subarray(0, end);
      upBuf = upBuf.subarray(end);
      upQueue.shift()(Buffer.from(reply));
    }
  });
  const encode = (args) => Buffer.from(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
  const replyFor = (args) => {
    const key = args.join('\u0000').toUpperCase();
    let p = cache.get(key);
    if (!p) {
      p = new Promise((resolve) => {
        upQueue.push(resolve);
        up.write(encode(args));
      });
      cache.set(key, p);
    }
    return p;
  };
  const arrivals = ports.map(() => []);
  const listening = [];
  ports.forEach((_, idx) => {
    const srv = createServer((sock) => {
      let buf = Buffer.alloc(0);
      let first = true;
      let chain = Promise.resolve();
      sock.on('error', () => {});
      sock.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        const { out, rest } = commands(buf);
        buf = rest;
        for (const args of out) {
          const name = args.join(' ').toUpperCase();
          // A poll is the connection that asks INFO server: noted once per poll.
          if (first && name.startsWith('INFO')) {
            first = false;
            arrivals[idx].push(Date.now());
          }
          chain = chain.then(async () => sock.write(await replyFor(args)));
        }
      });
    });
    listening.push(new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve((ports[idx] = srv.address().port)))));
  });
  await Promise.all(listening);
  process.on('message', (m) => {
    if (m === 'report') process.send({ arrivals, cached: cache.size });
  });
  process.send({ ports });
} else {
  await main();
}

// ---------------------------------------------------------------- the bench

async function main() {
  const { root, track } = benchDir('redsec-watch-fleet-bench-');

  // Real servers.
  const real = [];
  for (let i = 0; i < REAL; i++) real.push(await startRedis(track, join(root, `redis-${i}`)));

  // Replay endpoints for the rest, recording from the first real server (or a private one).
  let fakePorts = [];
  let replayer;
  if (TARGETS > REAL) {
    let upstream = real[0]?.port;
    if (upstream === undefined) upstream = (await startRedis(track, join(root, 'upstream'))).port;
    replayer = track(spawn(process.execPath, [fileURLToPath(import.meta.url), '--replayer', String(upstream), String(TARGETS - REAL)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
    fakePorts = (await new Promise((resolve) => replayer.once('message', resolve))).ports;
  }

  const targetsFile = join(root, 'targets.txt');
  writeFileSync(targetsFile, [...real.map((s) => `redis://127.0.0.1:${s.port}`), ...fakePorts.map((p) => `redis://127.0.0.1:${p}`)].join('\n') + '\n');

  console.log(`redsec watch: ${TARGETS} targets (${REAL} real redis-server ${spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.match(/v=(\S+)/)?.[1] ?? '?'}, ${fakePorts.length} replaying real replies), --interval ${INTERVAL}, ${POLLS} polls each`);
  const started = Date.now();
  const watcher = track(
    spawn(process.execPath, [CLI, 'watch', '--targets', targetsFile, '--interval', INTERVAL, '--audit-every', '0', '--format', 'jsonl', '--max-polls', String(POLLS), '--timeout', '10000'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let events = 0;
  let stderr = '';
  watcher.stdout.on('data', (d) => (events += d.toString().split('\n').filter((l) => l.startsWith('{')).length));
  watcher.stderr.on('data', (d) => (stderr += d.toString()));
  let peakMb = 0;
  let cpu = 0;
  const sample = setInterval(() => {
    try {
      const mb = peakRssMb(watcher.pid);
      if (mb > peakMb) peakMb = mb;
      cpu = cpuSeconds(watcher.pid);
    } catch {
      // exited
    }
  }, 200);
  const code = await new Promise((resolve) => watcher.once('exit', (c) => resolve(c)));
  clearInterval(sample);
  const wall = (Date.now() - started) / 1000;

  let drift = { n: 0, max: 0, p50: 0, p99: 0, polls: 0, short: 0 };
  if (replayer) {
    const report = await new Promise((resolve) => {
      replayer.once('message', resolve);
      replayer.send('report');
    });
    const gaps = [];
    let polls = 0;
    let short = 0;
    for (const a of report.arrivals) {
      polls += a.length;
      if (a.length < POLLS) short++;
      for (let k = 1; k < a.length; k++) gaps.push(Math.abs(a[k] - a[k - 1] - intervalMs));
    }
    gaps.sort((x, y) => x - y);
    const q = (p) => gaps[Math.min(gaps.length - 1, Math.floor(p * gaps.length))] ?? 0;
    drift = { n: gaps.length, max: gaps.at(-1) ?? 0, p50: q(0.5), p99: q(0.99), polls, short };
    console.log(`  replayed: ${report.cached} distinct commands recorded once from a real server`);
  }
  console.log(`  exit ${code}, wall ${wall.toFixed(1)} s, ${events} event(s); stderr's last line: ${stderr.trim().split('\n').at(-1) ?? ''}`);
  console.log(`  peak RSS (VmHWM) ${peakMb.toFixed(1)} MB   (goal < 300 MB: ${peakMb < 300 ? 'met' : 'NOT met'})`);
  console.log(`  CPU ${cpu.toFixed(2)} s for ${TARGETS * POLLS} polls: ${((cpu / (TARGETS * POLLS)) * 1000).toFixed(2)} ms per poll, ${((cpu / wall) * 100).toFixed(1)}% of one core`);
  if (replayer) {
    console.log(`  schedule (replay endpoints, ${drift.polls} polls arrived of ${fakePorts.length * POLLS}; ${drift.short} target(s) short):`);
    console.log(`    |gap - interval| over ${drift.n} gaps: p50 ${drift.p50} ms, p99 ${drift.p99} ms, max ${drift.max} ms  (${(drift.max / intervalMs * 100).toFixed(2)}% of the interval)`);
  }
  for (const s of real) s.child.kill('SIGTERM');
  replayer?.kill('SIGTERM');
}
