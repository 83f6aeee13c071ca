// Side-by-side benchmark of a live audit (run: npm run build && node bench/audit.bench.mjs).
//
// 1. The seed's audit script (shell + redis-cli, from the Redis Security Agent) against one loopback
//    redis-server, next to redsec's audit of the same server: wall time and number of checks.
//    The seed runs `KEYS *` and `FLUSHALL` to see whether they are enabled; this copy replaces those
//    two lines with `ACL DRYRUN default KEYS *` / `ACL DRYRUN default FLUSHALL` (one redis-cli call
//    each, same grep), which answer the same question without executing anything.
// 2. A fleet of 50 loopback servers audited concurrently: fleet time / single-server time
//    (target < 5) and the process's peak memory (target < 200 MB). Both sides are measured warm
//    (one untimed pass over every server first: a freshly started redis-server pays page faults on
//    its first CONFIG GET / INFO that a long-running one does not) and as medians. On loopback a
//    single audit hardly waits for anything, it is CPU-bound, so in-process the ratio is about
//    N x (CPU per target) / (single wall time): the bench prints that CPU so the ratio can be read.
//
// Only loopback servers; every loop is bounded; every server started here is stopped.
import { spawnSync } from 'node:child_process';
import { writeFileSync, existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { auditTarget, auditFleet } from '../dist/index.js';
import { benchDir, median, startRedis } from './lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const FLEET = Number(process.env.BENCH_FLEET ?? 50);
const PASSWORD = 'bench-password-0123456789abcdef';
const { root, track } = benchDir('redsec-bench-');

async function startServer(name) {
  const { port, child } = await startRedis(track, join(root, name), ['--requirepass', PASSWORD]);
  return {
    port,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

const SEED_SCRIPT = `#!/bin/bash
# redis-security-audit.sh (the seed's script; -p added to reach the bench port;
# KEYS/FLUSHALL replaced by ACL DRYRUN, see the header of this benchmark)

REDIS_CLI="redis-cli -p \${REDIS_PORT} -a \${REDIS_PASSWORD}"

echo "=== Redis Security Audit ==="

# Check auth
echo -n "Authentication required: "
$REDIS_CLI PING 2>&1 | grep -q "NOAUTH" && echo "YES ✓" || echo "NO ✗"

# Check protected mode
echo -n "Protected mode: "
$REDIS_CLI CONFIG GET protected-mode | grep -q "yes" && echo "YES ✓" || echo "NO ✗"

# Check bind address
echo -n "Bind address: "
$REDIS_CLI CONFIG GET bind

# Check dangerous commands
echo -n "KEYS command: "
$REDIS_CLI ACL DRYRUN default KEYS "*" 2>&1 | grep -q "NOPERM\\|unknown\\|no permissions" && echo "DISABLED ✓" || echo "ENABLED ✗"

echo -n "FLUSHALL command: "
$REDIS_CLI ACL DRYRUN default FLUSHALL 2>&1 | grep -q "NOPERM\\|unknown\\|no permissions" && echo "DISABLED ✓" || echo "ENABLED ✗"

# Check TLS
echo -n "TLS port: "
$REDIS_CLI CONFIG GET tls-port
`;
const SEED_CHECKS = 6; // auth, protected mode, bind, KEYS, FLUSHALL, TLS port

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const fmt = (x) => x.toFixed(1);

const single = await startServer('single');
const url = `redis://default:${PASSWORD}@127.0.0.1:${single.port}`;
const script = join(root, 'seed-audit.sh');
writeFileSync(script, SEED_SCRIPT, { mode: 0o700 });

// Warm up both (page cache, JIT), then alternate runs so drift hits both sides alike.
spawnSync('bash', [script], { env: { ...process.env, REDIS_PORT: String(single.port), REDIS_PASSWORD: PASSWORD } });
await auditTarget(url, { profile: null });
const seedTimes = [];
const libTimes = [];
const cliTimes = [];
let report;
for (let i = 0; i < RUNS; i++) {
  let t0 = process.hrtime.bigint();
  const seed = spawnSync('bash', [script], { env: { ...process.env, REDIS_PORT: String(single.port), REDIS_PASSWORD: PASSWORD }, encoding: 'utf8' });
  seedTimes.push(ms(t0));
  if (seed.status !== 0 || !seed.stdout.includes('TLS port')) throw new Error(`seed script failed: ${seed.stderr}`);
  t0 = process.hrtime.bigint();
  report = await auditTarget(url, { profile: null });
  libTimes.push(ms(t0));
  t0 = process.hrtime.bigint();
  const cli = spawnSync(process.execPath, [new URL('../dist/cli.js', import.meta.url).pathname, 'audit', `redis://127.0.0.1:${single.port}`, '--format', 'json', '--fail-on', 'critical'], {
    env: { ...process.env, REDSEC_PASSWORD: PASSWORD },
    encoding: 'utf8',
  });
  cliTimes.push(ms(t0));
  if (cli.status !== 0 && cli.status !== 1) throw new Error(`redsec audit failed: ${cli.stderr}`);
}
const rulesRun = new Set(report.findings.map((f) => f.id)).size;
const decided = report.findings.filter((f) => f.status === 'pass' || f.status === 'fail').length;

console.log(`single loopback server, ${RUNS} runs each (median wall time)`);
console.log(`  seed script (bash + 6 redis-cli):   ${fmt(median(seedTimes))} ms, ${SEED_CHECKS} checks`);
console.log(`  redsec audit (library, in-process): ${fmt(median(libTimes))} ms, ${rulesRun} rules, ${report.findings.length} findings, ${decided} decided pass/fail`);
console.log(`  redsec audit (CLI process):         ${fmt(median(cliTimes))} ms (includes Node.js start-up)`);
console.log(`  ratio seed/library: ${(median(seedTimes) / median(libTimes)).toFixed(2)}x time, ${(rulesRun / SEED_CHECKS).toFixed(1)}x checks`);
console.log(`  ratio seed/CLI:     ${(median(seedTimes) / median(cliTimes)).toFixed(2)}x time`);

// Fleet.
const fleet = [];
for (let i = 0; i < FLEET; i++) fleet.push(startServer(`fleet-${i}`));
const servers = await Promise.all(fleet);
const urls = servers.map((s) => `redis://default:${PASSWORD}@127.0.0.1:${s.port}`);
// Warm both sides alike: one untimed pass over every server.
await auditFleet(urls, { profile: null, concurrency: 16 });
const singleTimes = [];
for (let i = 0; i < 7; i++) {
  const t0 = process.hrtime.bigint();
  await auditTarget(urls[i % urls.length], { profile: null });
  singleTimes.push(ms(t0));
}
const FLEET_RUNS = 3;
const fleetTimes = [];
let reports;
const elu0 = performance.eventLoopUtilization();
for (let i = 0; i < FLEET_RUNS; i++) {
  const t0 = process.hrtime.bigint();
  reports = await auditFleet(urls, { profile: null, concurrency: 16 });
  fleetTimes.push(ms(t0));
}
// Main-thread busy time (event-loop utilisation): the part of an audit no concurrency can overlap.
const busyPerTarget = performance.eventLoopUtilization(elu0).active / FLEET_RUNS / FLEET;
const fleetMs = median(fleetTimes);
const singleMs = median(singleTimes);
const failed = reports.filter((r) => r.error).length;
const peakMb = process.resourceUsage().maxRSS / 1024;
console.log(`fleet of ${FLEET} loopback servers, concurrency 16 (warm; median of 7 single audits and of ${FLEET_RUNS} fleet runs)`);
console.log(`  library, in-process: single ${fmt(singleMs)} ms; fleet ${fmt(fleetMs)} ms (${fmt(fleetMs / FLEET)} ms per target); ${failed} targets failed`);
console.log(`    fleet time / single time: ${(fleetMs / singleMs).toFixed(2)} (target < 5)`);
console.log(`    main thread busy per target: ${busyPerTarget.toFixed(2)} ms of the ${fmt(singleMs)} ms a single audit takes, so`);
console.log(`    the ratio cannot go below N x busy / single = ${((FLEET * busyPerTarget) / singleMs).toFixed(1)} on one Node.js thread: a loopback`);
console.log(`    audit barely waits (no network latency to overlap), and the ${FLEET} redis-servers share the same cores`);
console.log(`    peak memory (max RSS of this process): ${fmt(peakMb)} MB (target < 200)`);

// The same through the CLI, as a user runs it: `redsec audit URL` vs `redsec audit --targets FILE`,
// each a fresh process; peak memory from /usr/bin/time when present.
const targetsFile = join(root, 'targets.txt');
writeFileSync(targetsFile, servers.map((s) => `redis://127.0.0.1:${s.port}`).join('\n') + '\n');
const cliPath = new URL('../dist/cli.js', import.meta.url).pathname;
const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
function runCli(args) {
  const t = process.hrtime.bigint();
  const cmd = timeBin ? [timeBin, '-f', 'maxrss_kb=%M', process.execPath, cliPath, ...args] : [process.execPath, cliPath, ...args];
  const r = spawnSync(cmd[0], cmd.slice(1), { env: { ...process.env, REDSEC_PASSWORD: PASSWORD }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const elapsed = ms(t);
  if (r.status !== 0 && r.status !== 1) throw new Error(`redsec audit failed (${r.status}): ${r.stderr}`);
  const rss = /maxrss_kb=(\d+)/.exec(r.stderr ?? '')?.[1];
  if (!r.stdout) throw new Error(`redsec audit printed nothing (status ${r.status}, signal ${r.signal}): ${r.stderr}`);
  return { elapsed, rssMb: rss ? Number(rss) / 1024 : undefined, stdout: r.stdout };
}
const cliSingle = [];
for (let i = 0; i < 3; i++) cliSingle.push(runCli(['audit', `redis://127.0.0.1:${servers[i].port}`, '--format', 'json']).elapsed);
const cliFleet = runCli(['audit', '--targets', targetsFile, '--format', 'json', '--concurrency', '16']);
const cliReports = JSON.parse(cliFleet.stdout);
console.log(`  CLI, one process each: single ${fmt(median(cliSingle))} ms; fleet ${fmt(cliFleet.elapsed)} ms for ${cliReports.length} reports`);
console.log(`    fleet time / single time: ${(cliFleet.elapsed / median(cliSingle)).toFixed(2)} (target < 5)`);
const startup = [];
for (let i = 0; i < 3; i++) {
  const t = process.hrtime.bigint();
  spawnSync(process.execPath, [cliPath, '--version'], { encoding: 'utf8' });
  startup.push(ms(t));
}
console.log(`    (both include Node.js start-up and module loading, which the fleet pays once;`);
console.log(`     \`redsec --version\` alone takes ${fmt(median(startup))} ms here)`);
if (cliFleet.rssMb !== undefined) console.log(`    peak memory of the fleet process: ${fmt(cliFleet.rssMb)} MB (target < 200)`);

await Promise.all([single, ...servers].map((s) => s.stop()));
