// Benchmark: parsing a 10 MB redis.conf (the stock Debian file's directives and comments repeated,
// plus `save` lines that accumulate, which once made parsing quadratic), side by side with
// redis-server reading the same file. The file ends with an unknown directive, so redis-server
// parses every line and exits at the last one: its wall time is start-up plus parsing.
// redsec is timed in-process (parse + effective config, the library) and through the CLI
// (`redsec lint`, every rule included).
// Run: npm run build && node bench/config.bench.mjs
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { effectiveConfig, parseConfig } from '../dist/index.js';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const dir = mkdtempSync(join(tmpdir(), 'redsec-config-bench-'));
const TARGET = 10 * 1024 * 1024;

const stock = existsSync('/etc/redis/redis.conf')
  ? readFileSync('/etc/redis/redis.conf', 'utf8')
  : '# stand-in for the stock file\nport 6379\ntimeout 0\ntcp-keepalive 300\nloglevel notice\ndatabases 16\n';
// Keep the server in the foreground, logging to stdout, in a directory that exists.
const block = stock
  .split('\n')
  .filter((l) => !/^\s*(daemonize|logfile|dir|pidfile|include|supervised)\b/.test(l))
  .concat(['save 900 1', 'save 300 10', 'save 60 10000', ''])
  .join('\n');
// Two 10 MB files: the stock file's mix (mostly comments), and one directive per line.
const dense = ['save 1 1', 'timeout 0', 'maxmemory 1gb', 'tcp-keepalive 300', 'hz 10', 'maxmemory-policy allkeys-lru', ''].join('\n');
const files = [
  ['stock redis.conf repeated', block],
  ['directives only', dense],
].map(([name, unit], i) => {
  let text = `daemonize no\nlogfile ""\ndir ${dir}\n`;
  while (text.length < TARGET) text += unit;
  text += 'redsec-bench-end-of-file yes\n';
  const file = join(dir, `big-${i}.conf`);
  writeFileSync(file, text);
  return { name, file, lines: text.split('\n').length, mb: (Buffer.byteLength(text) / 1024 / 1024).toFixed(1) };
});

function timeLibrary(file, runs) {
  const times = [];
  let directives = 0;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const parsed = parseConfig(readFileSync(file, 'utf8'), { file, cwd: dir, version: '7.0' });
    effectiveConfig(parsed, '7.0');
    times.push(performance.now() - start);
    directives = parsed.directives.length;
  }
  return { ms: median(times), directives };
}

function timeProcess(cmd, args, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    spawnSync(cmd, args, { stdio: 'ignore', cwd: dir });
    times.push(performance.now() - start);
  }
  return median(times);
}

const hasRedis = (() => {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const cli = new URL('../dist/cli.js', import.meta.url).pathname;
console.log('10 MB redis.conf: redsec vs redis-server reading the same file (median of runs, ms; lower is better)');
console.log('file                        lines  directives  library  CLI lint  redis-server  library/redis  lint/redis');
for (const f of files) {
  timeLibrary(f.file, 1); // warm-up
  const lib = timeLibrary(f.file, 5);
  const lintMs = timeProcess(process.execPath, [cli, 'lint', f.file, '--format', 'json'], 3);
  const redisMs = hasRedis ? timeProcess('redis-server', [f.file], 3) : NaN;
  const ratio = (x) => (hasRedis ? (x / redisMs).toFixed(2) : 'n/a');
  console.log(
    `${f.name.padEnd(26)} ${String(f.lines).padStart(7)} ${String(lib.directives).padStart(11)} ${lib.ms.toFixed(0).padStart(8)} ${lintMs.toFixed(0).padStart(9)} ${(hasRedis ? redisMs.toFixed(0) : 'n/a').padStart(13)} ${ratio(lib.ms).padStart(14)} ${ratio(lintMs).padStart(11)}`,
  );
}
rmSync(dir, { recursive: true, force: true });
