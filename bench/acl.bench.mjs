// ACL engine vs ACL DRYRUN, side by side in one run.
// Run: npm run build && node bench/acl.bench.mjs [cases]
// Starts its own redis-server on a free loopback port (stopped at the end), sends the same
// (rules, command) cases through the engine and through pipelined ACL DRYRUN, and prints the
// agreement (must be 100%), both rates and their ratios (wall time, with the two sides taking
// turns; CPU time of the server alone and with this process's), and the engine's single-core rate
// on typical rules.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate, parseAclUser, versionTable } from '../dist/index.js';
import { freePort } from './lib.mjs';

const CASES = Number(process.argv[2] ?? 100_000);
const OPTS = { version: '7.0', debianBackports: true }; // the Debian 12 redis-server on PATH
const CHUNK = 5_000; // DRYRUN commands per pipelined round trip
const SLOT = 20_000; // cases per turn when engine and server take turns
const PASSES = 7;
const WARMUP_PASSES = 3;

// Deterministic pseudo-random numbers, so every run measures the same cases.
let seed = 0x5eed;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (xs) => xs[Math.floor(rand() * xs.length)];

const RULE_SETS = [
  ['on', 'nopass', '~app:*', '+@all', '-@dangerous'],
  ['on', 'nopass', '-@all', '+@read', '+@write', '~app:*', '~cache:*', '-keys'],
  ['on', 'nopass', '-@all', '+get', '+set', '+hget', '+hset', '+mget', '%R~ro:*', '%W~wo:*', '~app:*'],
  ['on', 'nopass', '+@all', 'allkeys', '-@admin', '-flushall', '-flushdb'],
  ['on', 'nopass', '-@all', '+@pubsub', 'resetchannels', '&news.*', '&chat:?'],
  ['on', 'nopass', '-@all', '+select|0', '+@connection', '+client|id'],
  ['on', 'nopass', '-@all', '(+@read ~read:*)', '(+@write ~write:*)'],
  ['on', 'nopass', '+@all', '-@all', '+@string', '+@hash', '~[a-c]*', '~app:?x'],
  ['on', 'nopass', '+@all', '%R~*', '%W~w*', '-config|set', '-debug'],
  ['on', 'nopass', '-@all', '+@scripting', '+@list', '~q:*'],
];
const KEYS = ['app:1', 'app:2x', 'cache:k', 'ro:1', 'wo:1', 'read:a', 'write:b', 'a1', 'c', 'w1', 'q:x', 'other', 'x', ''];
const CHANNELS = ['news.1', 'news.*', 'chat:a', 'chat:ab', 'other'];
const WORDS = [...KEYS, ...CHANNELS, '0', '1', '2', 'GET', 'STORE', 'STREAMS', 'KEYS', 'BY'];

// Command lines: common commands often, the whole table now and then.
const table = versionTable('7.0');
const all = [];
for (const c of table.commands) {
  if (c.subcommands.length === 0) all.push({ head: [c.name], arity: c.arity });
  for (const s of c.subcommands) all.push({ head: [c.name, s.name.split('|')[1]], arity: s.arity });
}
const COMMON = [
  () => ['GET', pick(KEYS)],
  () => ['SET', pick(KEYS), 'v'],
  () => ['SET', pick(KEYS), 'v', 'GET'],
  () => ['HGET', pick(KEYS), 'f'],
  () => ['HSET', pick(KEYS), 'f', 'v'],
  () => ['MGET', pick(KEYS), pick(KEYS), pick(KEYS)],
  () => ['DEL', pick(KEYS), pick(KEYS)],
  () => ['PUBLISH', pick(CHANNELS), 'm'],
  () => ['SUBSCRIBE', pick(CHANNELS), pick(CHANNELS)],
  () => ['PSUBSCRIBE', pick(CHANNELS)],
  () => ['EVAL', 'return 1', '1', pick(KEYS)],
  () => ['CONFIG', 'GET', 'maxmemory'],
  () => ['FLUSHALL'],
  () => ['SELECT', pick(['0', '1'])],
  () => ['COPY', pick(KEYS), pick(KEYS)],
  () => ['LPUSH', pick(KEYS), 'x'],
];
function randomLine() {
  if (rand() < 0.6) return pick(COMMON)();
  const c = pick(all);
  const n = c.arity > 0 ? c.arity : -c.arity + Math.floor(rand() * 4);
  const argv = [...c.head];
  while (argv.length < n) argv.push(pick(WORDS));
  return argv;
}

async function startServer() {
  const dir = mkdtempSync(join(tmpdir(), 'redsec-bench-'));
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out.slice(-300)}`)), 10_000);
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', () => reject(new Error(`redis-server exited: ${out.slice(-300)}`)));
  });
  const stop = () =>
    new Promise((resolve) => {
      child.once('exit', () => {
        rmSync(dir, { recursive: true, force: true });
        resolve();
      });
      child.kill('SIGTERM');
    });
  return { port, stop };
}

const encode = (args) => {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return s;
};
const command = (...args) => [encode(args), 1];

// A minimal pipelining RESP client: enough for +OK, -ERR, $bulk and :int replies.
function resp(port) {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1', () => resolve(client));
    sock.once('error', reject);
    let buf = Buffer.alloc(0);
    let pending = null;
    const replies = [];
    const parseOne = (pos) => {
      const nl = buf.indexOf('\r\n', pos);
      if (nl < 0) return null;
      const type = buf[pos];
      const line = buf.toString('latin1', pos + 1, nl);
      if (type === 0x2b) return ['+' + line, nl + 2];
      if (type === 0x2d) return ['-' + line, nl + 2];
      if (type === 0x3a) return [':' + line, nl + 2];
      if (type === 0x24) {
        const len = Number(line);
        if (len < 0) return [null, nl + 2];
        if (buf.length < nl + 2 + len + 2) return null;
        return ['$' + buf.toString('utf8', nl + 2, nl + 2 + len), nl + 4 + len];
      }
      throw new Error(`unexpected reply type ${String.fromCharCode(type)}`);
    };
    sock.on('data', (d) => {
      buf = buf.length ? Buffer.concat([buf, d]) : d;
      let pos = 0;
      for (;;) {
        const r = parseOne(pos);
        if (!r) break;
        replies.push(r[0]);
        pos = r[1];
      }
      buf = buf.subarray(pos);
      if (pending && replies.length >= pending.n) {
        const p = pending;
        pending = null;
        p.resolve(replies.splice(0, p.n));
      }
    });
    const client = {
      /** Sends an encoded payload of n commands; resolves with their n replies. */
      pipeline(payload, n) {
        return new Promise((res) => {
          pending = { n, resolve: res };
          sock.write(payload);
        });
      },
      close: () => sock.end(),
    };
  });
}

const cpuSeconds = (u) => (u.user + u.system) / 1e6;

/** The pass with the median ratio. */
const median = (passes) => [...passes].sort((a, b) => a.ratio - b.ratio)[passes.length >> 1];

/** used_cpu_sys + used_cpu_user of the server, from INFO cpu. */
async function serverCpu(client) {
  const [info] = await client.pipeline(...command('INFO', 'cpu'));
  const num = (name) => Number(new RegExp(`${name}:([0-9.]+)`).exec(info)?.[1] ?? NaN);
  return num('used_cpu_sys') + num('used_cpu_user');
}

/** The engine's verdict, or the error it throws for an unknown command or a wrong arity. */
function engineVerdict(user, argv) {
  try {
    return evaluate(user, argv, OPTS);
  } catch (e) {
    return e;
  }
}

/** The verdict as DRYRUN's reply would read. */
function asReply(v) {
  if (v instanceof Error) return `-ERR ${v.message.replace(/^command: /, '')}`;
  return v.allowed ? '+OK' : `$${v.message}`;
}

const server = await startServer();
try {
  const client = await resp(server.port);
  const users = RULE_SETS.map((rules, i) => ({ name: `bench${i}`, user: parseAclUser(`bench${i}`, rules, OPTS) }));
  await client.pipeline(RULE_SETS.map((rules, i) => encode(['ACL', 'SETUSER', `bench${i}`, 'reset', ...rules])).join(''), RULE_SETS.length);
  const cases = Array.from({ length: CASES }, () => ({ u: Math.floor(rand() * users.length), argv: randomLine() }));

  // The server's side is timed end to end, as a Node caller would check a batch: encode the
  // ACL DRYRUN commands, send them pipelined, read and parse the replies. The server's own CPU
  // time (INFO cpu) gives the ratio without any client cost.
  const dryrun = async (cases, from, to) => {
    const replies = [];
    for (let i = from; i < to; i += CHUNK) {
      const end = Math.min(to, i + CHUNK);
      let payload = '';
      for (let j = i; j < end; j++) payload += encode(['ACL', 'DRYRUN', users[cases[j].u].name, ...cases[j].argv]);
      replies.push(await client.pipeline(payload, end - i));
    }
    return replies;
  };

  /** Both sides on the same cases: every answer compared (untimed), then timed passes taking turns. */
  async function compare(cases) {
    // Untimed: one pass on each side keeps every answer for the comparison; then the engine's JIT
    // gets a few passes to settle (the steady state is what a long-running caller sees).
    const mine = cases.map((c) => asReply(engineVerdict(users[c.u].user, c.argv)));
    const theirs = (await dryrun(cases, 0, cases.length)).flat();
    for (let pass = 0; pass < WARMUP_PASSES; pass++) for (const c of cases) engineVerdict(users[c.u].user, c.argv);

    // Timed, side by side: the engine and the server take turns on each slot of cases (the order
    // alternates), so both are timed under the same machine load; a shared VM's speed swings by a
    // factor of 2 within a second. A pass's ratio compares the sums over its slots.
    const slots = [];
    for (let i = 0; i < cases.length; i += SLOT) slots.push({ from: i, to: Math.min(cases.length, i + SLOT) });
    const passes = [];
    let allowedCount = 0;
    for (let pass = 0; pass < PASSES; pass++) {
      const cpuBefore = await serverCpu(client);
      let engineNs = 0;
      let engineCpu = 0;
      let serverNs = 0;
      let clientCpu = 0;
      allowedCount = 0;
      for (let k = 0; k < slots.length; k++) {
        const { from, to } = slots[k];
        const engineTurn = () => {
          const c = process.cpuUsage();
          const t = process.hrtime.bigint();
          for (let i = from; i < to; i++) {
            const v = engineVerdict(users[cases[i].u].user, cases[i].argv);
            if (v.allowed === true) allowedCount++;
          }
          engineNs += Number(process.hrtime.bigint() - t);
          engineCpu += cpuSeconds(process.cpuUsage(c));
        };
        const serverTurn = async () => {
          const c = process.cpuUsage();
          const t = process.hrtime.bigint();
          await dryrun(cases, from, to);
          serverNs += Number(process.hrtime.bigint() - t);
          clientCpu += cpuSeconds(process.cpuUsage(c));
        };
        if ((k + pass) % 2 === 0) {
          engineTurn();
          await serverTurn();
        } else {
          await serverTurn();
          engineTurn();
        }
      }
      const serverCpuUsed = (await serverCpu(client)) - cpuBefore;
      passes.push({ engineNs, engineCpu, serverNs, serverCpu: serverCpuUsed, clientCpu, ratio: serverNs / engineNs });
    }
    return { mine, theirs, passes, mid: median(passes), allowedCount };
  }

  const { mine, theirs, passes, mid, allowedCount } = await compare(cases);
  // Typical rules: one application user (the first rule set) and the commands it sends all day.
  const typicalLines = [['GET', 'app:1'], ['SET', 'app:2', 'v'], ['HGET', 'app:3', 'f'], ['MGET', 'app:1', 'other'], ['FLUSHALL'], ['CONFIG', 'GET', 'x']];
  const typicalCases = Array.from({ length: CASES }, (_, i) => ({ u: 0, argv: typicalLines[i % typicalLines.length] }));
  const typicalRun = await compare(typicalCases);
  client.close();

  let agree = 0;
  const tally = { allowed: 0, denied: 0, error: 0 };
  const mismatches = [];
  const typicalAgree = typicalRun.mine.filter((m, i) => m === typicalRun.theirs[i]).length;
  for (let i = 0; i < cases.length; i++) {
    if (mine[i] === theirs[i]) agree++;
    else if (mismatches.length < 5) mismatches.push({ rules: RULE_SETS[cases[i].u].join(' '), argv: cases[i].argv, engine: mine[i], server: theirs[i] });
    tally[mine[i] === '+OK' ? 'allowed' : mine[i].startsWith('-') ? 'error' : 'denied']++;
  }

  // Typical rules on one core: an app user, common commands, one million checks.
  const app = parseAclUser('app', RULE_SETS[0], OPTS);
  const lines = typicalLines;
  const N = 1_000_000;
  let sink = 0;
  for (let i = 0; i < 100_000; i++) sink += evaluate(app, lines[i % lines.length], OPTS).allowed ? 1 : 0;
  sink = 0;
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < N; i++) sink += evaluate(app, lines[i % lines.length], OPTS).allowed ? 1 : 0;
  const typicalNs = Number(process.hrtime.bigint() - t0);
  const typicalCpu = cpuSeconds(process.cpuUsage(cpu0));

  const rate = (n, s) => (n / s).toFixed(0);
  const us = (s) => ((s * 1e6) / CASES).toFixed(2);
  const n = cases.length;
  console.log(`cases: ${n} (allowed ${tally.allowed}, denied ${tally.denied}, command errors ${tally.error})`);
  if (allowedCount !== tally.allowed) throw new Error('timed pass and comparison pass disagree');
  console.log(`agreement: ${agree}/${n} = ${((100 * agree) / n).toFixed(3)}%`);
  for (const m of mismatches) console.log('MISMATCH', JSON.stringify(m));
  const ratios = passes.map((p) => p.ratio.toFixed(1)).join(', ');
  console.log(
    `engine:     ${rate(n, mid.engineNs / 1e9)} checks/s wall, ${rate(n, mid.engineCpu)} per CPU-second (after ${WARMUP_PASSES + 1} warm-up passes)`,
  );
  console.log(
    `ACL DRYRUN: ${rate(n, mid.serverNs / 1e9)} checks/s wall, ${rate(n, mid.serverCpu)} per server CPU-second (pipelined, ${CHUNK} per batch, loopback; ` +
      `per check ${us(mid.serverNs / 1e9)} µs wall; CPU ${us(mid.serverCpu)} µs in the server, ${us(mid.clientCpu)} µs in this process encoding, sending, parsing)`,
  );
  console.log(
    `ratio:      ${mid.ratio.toFixed(1)}x DRYRUN wall rate (median pass of ${PASSES}; wall ratios ${ratios}); by CPU time ` +
      `${(mid.serverCpu / mid.engineCpu).toFixed(1)}x the server's, ${((mid.serverCpu + mid.clientCpu) / mid.engineCpu).toFixed(1)}x server and client together`,
  );
  const t = typicalRun.mid;
  console.log(
    `typical rules (one app user, ${typicalLines.length} common command lines, ${n} cases): agreement ${typicalAgree}/${n}; engine ${rate(n, t.engineNs / 1e9)} checks/s, ` +
      `DRYRUN ${rate(n, t.serverNs / 1e9)} checks/s: ${t.ratio.toFixed(1)}x wall (wall ratios ${typicalRun.passes.map((p) => p.ratio.toFixed(1)).join(', ')}), ` +
      `${(t.serverCpu / t.engineCpu).toFixed(1)}x the server's CPU`,
  );
  console.log(`typical rules, one core, 1M checks: ${rate(N, typicalNs / 1e9)} checks/s wall, ${rate(N, typicalCpu)} per CPU-second (${sink} allowed of ${N})`);
  console.log('(wall rates depend on machine load; CPU-time rates show the per-core cost)');
  if (agree !== cases.length || typicalAgree !== n) process.exitCode = 1;
} finally {
  await server.stop();
}
