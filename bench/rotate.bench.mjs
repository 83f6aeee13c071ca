// Password rotation benchmark (run: npm run build && node bench/rotate.bench.mjs).
//
// 1. Time to rotate a user's password on 1 and on 30 loopback redis-servers (users in an aclfile):
//    redsec begin + finish with --apply (verified: AUTH on fresh connections, ACL GETUSER, and
//    persisted with ACL SAVE; 30 servers as one `--targets` fleet rotation), side by side with the
//    script operators write by hand (redis/redis#4300: "script it"): redis-cli ACL SETUSER >NEW,
//    ACL SAVE, ACL SETUSER <OLD, ACL SAVE per server, nothing verified. Medians.
// 2. A client loop (persistent connections authenticated as the rotated user, SET/GET with a 1 ms
//    pause) in a worker thread, so redsec's own work on the main thread cannot delay its timers:
//    p50/p99 per-operation latency in windows without rotation and in windows where rotations run
//    back to back on the same server, alternated; the ratio of the p99s in one run.
//
// Only loopback servers; every loop is bounded; every server started here is stopped on exit.
// BENCH_RUNS (default 5), BENCH_FLEET (default 30), BENCH_WINDOW_MS (default 2000, four windows each).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { beginFleetRotation, beginRotation, finishFleetRotation, finishRotation } from '../dist/index.js';
import { benchDir, median, pct, startRedis } from './lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const FLEET = Number(process.env.BENCH_FLEET ?? 30);
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 2000);
const ADMIN_PW = 'bench-admin-4f1c9e2d7a';
const START_PW = 'bench-app-start-8b3e61c0';
const { root, track } = benchDir('redsec-rotate-bench-');
const ADMIN_FILE = join(root, 'admin.pw');
writeFileSync(ADMIN_FILE, `${ADMIN_PW}\n`, { mode: 0o600 });

async function startServer(name) {
  const dir = join(root, name);
  mkdirSync(dir);
  const acl = join(dir, 'users.acl');
  writeFileSync(acl, ['user default off', `user admin on >${ADMIN_PW} ~* &* +@all`, `user app on >${START_PW} ~app:* resetchannels -@all +@read +@write`].join('\n') + '\n', { mode: 0o600 });
  const { port } = await startRedis(track, dir, ['--aclfile', acl]);
  return { port, url: `redis://127.0.0.1:${port}`, password: START_PW };
}

const ms = (x) => `${x.toFixed(x < 10 ? 2 : 1)} ms`;
let files = 0;
const fresh = (what) => join(root, `${what}-${++files}`);

/** redsec on one server: begin + finish, applied and verified; returns the new password. */
async function redsecOne(server) {
  const base = { url: server.url, user: 'app', adminUser: 'admin', adminPasswordFile: ADMIN_FILE, statePath: fresh('state.json'), apply: true };
  const secret = fresh('new.pw');
  const b = await beginRotation({ ...base, secretOut: secret });
  const f = await finishRotation({ ...base, secretFile: secret });
  if (!b.ok || !f.ok) throw new Error(`rotation failed on ${server.url}`);
  server.password = readFileSync(secret, 'utf8').trim();
}

/** redsec on a fleet: one --targets rotation (begin on all, verify all, finish on all). */
async function redsecFleet(servers) {
  const base = { urls: servers.map((s) => s.url), user: 'app', adminUser: 'admin', adminPasswordFile: ADMIN_FILE, statePath: fresh('fleet.json'), apply: true };
  const secret = fresh('new.pw');
  const b = await beginFleetRotation({ ...base, secretOut: secret });
  const f = await finishFleetRotation({ ...base, secretFile: secret });
  if (!b.ok || !f.ok) throw new Error('fleet rotation failed');
  const pw = readFileSync(secret, 'utf8').trim();
  for (const s of servers) s.password = pw;
}

/** The hand-written script: four redis-cli calls per server, nothing verified. */
function scriptRotate(servers) {
  const NEW = randomBytes(32).toString('hex');
  const lines = ['set -e'];
  for (const s of servers) {
    const cli = `redis-cli -p ${s.port} --user admin --no-auth-warning`;
    lines.push(`${cli} ACL SETUSER app '>${NEW}' >/dev/null`, `${cli} ACL SAVE >/dev/null`, `${cli} ACL SETUSER app '<${s.password}' >/dev/null`, `${cli} ACL SAVE >/dev/null`);
  }
  const r = spawnSync('bash', ['-c', lines.join('\n')], { env: { ...process.env, REDISCLI_AUTH: ADMIN_PW }, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`script failed: ${r.stderr}`);
  for (const s of servers) s.password = NEW;
}

async function timed(fn) {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

// The client loop, in a worker thread: K persistent connections, one command in flight each.
const CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
const net = require('node:net');
const { performance } = require('node:perf_hooks');
const enc = (args) => '*' + args.length + '\\r\\n' + args.map((a) => '$' + Buffer.byteLength(a) + '\\r\\n' + a + '\\r\\n').join('');
// Replies here are simple strings, errors, integers or bulk strings: complete when the buffer holds one.
function complete(buf) {
  const nl = buf.indexOf('\\r\\n');
  if (nl < 0) return false;
  if (buf[0] !== '$') return true;
  const n = Number(buf.slice(1, nl));
  return n < 0 || buf.length >= nl + 2 + n + 2;
}
function conn(port) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(c));
    s.setNoDelay(true);
    s.on('error', reject);
    let buf = '';
    let waiting = null;
    s.on('data', (d) => {
      buf += d.toString();
      if (waiting && complete(buf)) { const w = waiting; const r = buf; waiting = null; buf = ''; w(r); }
    });
    const c = { call: (args) => new Promise((r) => { waiting = r; s.write(enc(args)); }), close: () => s.destroy() };
  });
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
(async () => {
  const { port, password, clients } = workerData;
  const conns = [];
  for (let i = 0; i < clients; i++) {
    const c = await conn(port);
    const a = await c.call(['AUTH', 'app', password]);
    if (!a.startsWith('+OK')) throw new Error('AUTH failed: ' + a);
    conns.push(c);
  }
  parentPort.on('message', async ({ ms }) => {
    const lat = [];
    let errors = 0;
    const end = performance.now() + ms;
    await Promise.all(conns.map(async (c, i) => {
      for (let n = 0; performance.now() < end; n++) {
        const t = performance.now();
        const r = await c.call(n % 2 ? ['GET', 'app:k' + i] : ['SET', 'app:k' + i, String(n)]);
        lat.push(performance.now() - t);
        if (r[0] === '-') errors++;
        await sleep(1);
      }
    }));
    parentPort.postMessage({ lat, errors });
  });
  parentPort.postMessage({ ready: true });
})().catch((e) => { console.error(String(e)); process.exit(1); });
`;

async function clientLoop(server, clients) {
  const w = new Worker(CLIENT, { eval: true, workerData: { port: server.port, password: server.password, clients } });
  await new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
  return {
    window: (windowMs) =>
      new Promise((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
        w.postMessage({ ms: windowMs });
      }),
    stop: () => w.terminate(),
  };
}

async function main() {
  const version = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.trim().split(' ').find((x) => x.startsWith('v='))?.slice(2);
  console.log(`rotate bench: redis-server ${version ?? '?'}, loopback, node ${process.version}, ${RUNS} runs (medians)`);
  const servers = [];
  for (let i = 0; i < FLEET; i += 10) servers.push(...(await Promise.all(Array.from({ length: Math.min(10, FLEET - i) }, (_, j) => startServer(`s${i + j}`)))));
  const one = servers[0];

  // Warm-up: one of each, untimed (first ACL SAVE, first connections).
  await redsecOne(one);
  scriptRotate([one]);

  // 1. One server.
  const r1 = [];
  const s1 = [];
  for (let i = 0; i < RUNS; i++) {
    r1.push(await timed(() => redsecOne(one)));
    s1.push(await timed(() => scriptRotate([one])));
  }
  const [mr1, ms1] = [median(r1), median(s1)];
  console.log(`\n1 server: rotate a password (begin + finish)`);
  console.log(`  redsec (verified, persisted)            ${ms(mr1)}`);
  console.log(`  redis-cli script (4 calls, unverified)  ${ms(ms1)}`);
  console.log(`  ratio redsec / script                   ${(mr1 / ms1).toFixed(2)}`);

  // 2. The fleet.
  const fleetRuns = Math.max(1, Math.min(RUNS, 3));
  const rf = [];
  const sf = [];
  for (let i = 0; i < fleetRuns; i++) {
    rf.push(await timed(() => redsecFleet(servers)));
    sf.push(await timed(() => scriptRotate(servers)));
  }
  const [mrf, msf] = [median(rf), median(sf)];
  console.log(`\n${FLEET} servers: one rotation of the same user everywhere (${fleetRuns} runs)`);
  console.log(`  redsec --targets fleet (begin all, verify all, finish all)  ${ms(mrf)}  (${ms(mrf / FLEET)} per server)`);
  console.log(`  redis-cli script, server after server                       ${ms(msf)}  (${ms(msf / FLEET)} per server)`);
  console.log(`  ratio redsec / script ${(mrf / msf).toFixed(2)}; redsec ${FLEET} servers / 1 server ${(mrf / mr1).toFixed(1)}`);

  // 3. Client latency during rotation vs without, alternating windows on the same server.
  const CLIENTS = 8;
  const loop = await clientLoop(one, CLIENTS);
  const quiet = [];
  const busy = [];
  let rotations = 0;
  let errors = 0;
  for (let round = 0; round < 2; round++) {
    const q = await loop.window(WINDOW_MS);
    quiet.push(...q.lat);
    errors += q.errors;
    let rotating = true;
    const rotator = (async () => {
      while (rotating) {
        await redsecOne(one);
        rotations++;
      }
    })();
    const b = await loop.window(WINDOW_MS);
    rotating = false;
    await rotator;
    busy.push(...b.lat);
    errors += b.errors;
  }
  await loop.stop();
  quiet.sort((a, b) => a - b);
  busy.sort((a, b) => a - b);
  const seconds = (4 * WINDOW_MS) / 2000;
  console.log(`\nclient loop: ${CLIENTS} connections as the rotated user, SET/GET with a 1 ms pause, 2 x ${WINDOW_MS} ms per side`);
  console.log(`  without rotation  ${quiet.length} ops (${Math.round(quiet.length / seconds)}/s)  p50 ${ms(pct(quiet, 50))}  p99 ${ms(pct(quiet, 99))}  max ${ms(quiet[quiet.length - 1])}`);
  console.log(`  during rotation   ${busy.length} ops (${Math.round(busy.length / seconds)}/s)  p50 ${ms(pct(busy, 50))}  p99 ${ms(pct(busy, 99))}  max ${ms(busy[busy.length - 1])}  (${rotations} rotations back to back)`);
  console.log(`  ratio p99 during / without  ${(pct(busy, 99) / pct(quiet, 99)).toFixed(2)}; failed operations ${errors}`);
  process.exit(errors === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
