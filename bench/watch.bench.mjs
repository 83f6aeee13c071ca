// Benchmarks of continuous monitoring (run: npm run build && node bench/watch.bench.mjs).
//
// Part 1, side by side with the anchor: Debian's prometheus-redis-exporter and `redsec exporter`
// scrape the same 20 loopback redis-servers, one target per request (/scrape?target=, the
// multi-target pattern both serve), after a warm-up round. Per scrape: CPU of the exporter process
// (utime + stime from /proc), wall time of the HTTP request, commands the server ran (INFO
// commandstats before and after, the bench's own INFO calls taken off); and each exporter's peak
// RSS (VmHWM). redsec's first scrape of a target also runs the full audit (then every
// --audit-every, 1 h by default): it is in the warm-up and measured on its own line.
//
// Only loopback servers; every loop is bounded; every process started here is stopped.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchDir, cpuSeconds, freePort, median, peakRssMb, startRedis, sum, waitFor } from './lib.mjs';

const SERVERS = Number(process.env.BENCH_SERVERS ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const PASSWORD = 'bench-password-0123456789abcdef';
const { root, track } = benchDir('redsec-watch-bench-');

async function startServer(i) {
  return (await startRedis(track, join(root, `redis-${i}`), ['--requirepass', PASSWORD])).port;
}

/** One RESP command on a fresh connection (AUTH first); returns the bulk reply as text. */
function redisCall(port, args) {
  const enc = (a) => `*${a.length}\r\n${a.map((x) => `$${Buffer.byteLength(x)}\r\n${x}\r\n`).join('')}`;
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString();
      const after = buf.indexOf('\r\n') + 2; // +OK of AUTH
      const m = /^\$(\d+)\r\n/.exec(buf.slice(after));
      if (m && buf.length >= after + m[0].length + Number(m[1])) {
        s.destroy();
        resolve(buf.slice(after + m[0].length, after + m[0].length + Number(m[1])));
      }
    });
    s.on('error', reject);
    s.write(enc(['AUTH', PASSWORD]) + enc(args));
  });
}

/** Commands the server has run (every cmdstat's calls, rejected and failed calls). */
async function commandsRun(port) {
  const info = await redisCall(port, ['INFO', 'commandstats']);
  let n = 0;
  for (const m of info.matchAll(/^cmdstat_[^:]+:calls=(\d+)[^\r\n]*?(?:rejected_calls=(\d+),failed_calls=(\d+))?\r?$/gm)) n += Number(m[1]) + Number(m[2] ?? 0) + Number(m[3] ?? 0);
  return n;
}

async function scrape(url) {
  const t0 = performance.now();
  const res = await fetch(url);
  const body = await res.text();
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status} ${body.slice(0, 200)}`);
  return { ms: performance.now() - t0, body };
}

/**
 * Scrapes every server ROUNDS times through `scrapeUrl(port)`, one request at a time (as one
 * Prometheus job with one target per request), and measures the exporter process `pid`.
 */
async function measure(name, pid, ports, scrapeUrl, upCheck) {
  const warm = [];
  for (const p of ports) {
    const r = await scrape(scrapeUrl(p));
    if (!upCheck(r.body)) throw new Error(`${name}: target ${p} is not up:\n${r.body.slice(0, 500)}`);
    warm.push(r.ms);
  }
  const before = await Promise.all(ports.map(commandsRun));
  const cpu0 = cpuSeconds(pid);
  const walls = [];
  for (let round = 0; round < ROUNDS; round++) for (const p of ports) walls.push((await scrape(scrapeUrl(p))).ms);
  const cpu = cpuSeconds(pid) - cpu0;
  const after = await Promise.all(ports.map(commandsRun));
  const scrapes = ROUNDS * ports.length;
  // Each commandsRun is one AUTH + one INFO, counted by the second reading: taken off.
  const commands = sum(after) - sum(before) - 2 * ports.length;
  return { name, warmFirstMs: median(warm), cpuMs: (cpu * 1000) / scrapes, wallMs: median(walls), rssMb: peakRssMb(pid), commands: commands / scrapes };
}

async function main() {
  if (spawnSync('prometheus-redis-exporter', ['--version']).error) throw new Error('prometheus-redis-exporter is not installed (Debian package prometheus-redis-exporter)');
  if (!existsSync(new URL('../dist/cli.js', import.meta.url))) throw new Error('run npm run build first');
  console.log(`part 1: ${SERVERS} loopback redis-servers, ${ROUNDS} rounds of /scrape?target= per server, one request at a time`);
  const ports = await Promise.all(Array.from({ length: SERVERS }, (_, i) => startServer(i)));

  // Debian's redis_exporter in multi-target mode: -redis.addr "" serves /scrape?target=.
  const reListen = await freePort();
  const re = track(spawn('prometheus-redis-exporter', ['-redis.addr', '', '-redis.password', PASSWORD, '-web.listen-address', `127.0.0.1:${reListen}`], { stdio: 'ignore' }));
  await waitFor(() => fetch(`http://127.0.0.1:${reListen}/`).then(() => true, () => false), 'prometheus-redis-exporter');

  const targets = join(root, 'targets.txt');
  writeFileSync(targets, ports.map((p) => `redis://127.0.0.1:${p}`).join('\n') + '\n');
  const rsListen = await freePort();
  const cli = new URL('../dist/cli.js', import.meta.url).pathname;
  const rs = track(spawn(process.execPath, [cli, 'exporter', '--targets', targets, '--listen', `127.0.0.1:${rsListen}`], { stdio: 'ignore', env: { ...process.env, REDSEC_PASSWORD: PASSWORD } }));
  await waitFor(() => fetch(`http://127.0.0.1:${rsListen}/`).then(() => true, () => false), 'redsec exporter');

  const theirs = await measure('prometheus-redis-exporter', re.pid, ports, (p) => `http://127.0.0.1:${reListen}/scrape?target=${encodeURIComponent(`redis://127.0.0.1:${p}`)}`, (b) => /^redis_up 1$/m.test(b));
  const ours = await measure('redsec exporter', rs.pid, ports, (p) => `http://127.0.0.1:${rsListen}/scrape?target=${encodeURIComponent(`redis://127.0.0.1:${p}`)}`, (b) => /^redsec_up\{[^}]*\} 1$/m.test(b));

  // The audit behind the findings and the level, alone: one more server, scraped once, cold.
  const extra = await startServer(SERVERS);
  const auditListen = await freePort();
  const rsAudit = track(spawn(process.execPath, [cli, 'exporter', `redis://127.0.0.1:${extra}`, '--listen', `127.0.0.1:${auditListen}`], { stdio: 'ignore', env: { ...process.env, REDSEC_PASSWORD: PASSWORD } }));
  await waitFor(() => fetch(`http://127.0.0.1:${auditListen}/`).then(() => true, () => false), 'redsec exporter (audit)');
  const c0 = await commandsRun(extra);
  const first = await scrape(`http://127.0.0.1:${auditListen}/metrics`);
  const auditCommands = (await commandsRun(extra)) - c0 - 2;

  const row = (r) => `  ${r.name.padEnd(27)} ${r.cpuMs.toFixed(2).padStart(8)} ${r.wallMs.toFixed(2).padStart(9)} ${r.rssMb.toFixed(1).padStart(9)} ${r.commands.toFixed(1).padStart(9)}`;
  console.log('                              CPU ms    wall ms   peak MB  commands   (per scrape; wall: median)');
  console.log(row(theirs));
  console.log(row(ours));
  console.log(`  ratio redsec / redis_exporter: CPU ${(ours.cpuMs / theirs.cpuMs).toFixed(2)}x, wall ${(ours.wallMs / theirs.wallMs).toFixed(2)}x, peak RSS ${(ours.rssMb / theirs.rssMb).toFixed(2)}x, commands ${(ours.commands / theirs.commands).toFixed(2)}x (goal: CPU and commands within 2x)`);
  console.log(`  redsec's first scrape of a target (poll + full audit, then once per --audit-every): ${first.ms.toFixed(0)} ms, ${auditCommands} commands`);
  for (const c of [re, rs, rsAudit]) c.kill('SIGTERM');
}

await main();
process.exit(0);
