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
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const SERVERS = Number(process.env.BENCH_SERVERS ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const PASSWORD = 'bench-password-0123456789abcdef';
const root = mkdtempSync(join(tmpdir(), 'redsec-watch-bench-'));
const children = new Set();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sum = (xs) => xs.reduce((a, b) => a + b, 0);

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

async function waitFor(check, what, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${what} did not start`);
}

async function startServer(i) {
  const dir = join(root, `redis-${i}`);
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const log = join(dir, 'log');
  track(spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', log, '--requirepass', PASSWORD], { stdio: 'ignore' }));
  await waitFor(() => existsSync(log) && readFileSync(log, 'utf8').includes('Ready to accept connections'), `redis-server ${i}`);
  return port;
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

function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime, stime
}

function peakRssMb(pid) {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
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
