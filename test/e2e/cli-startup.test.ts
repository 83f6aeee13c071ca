/**
 * What a plain `redsec audit` and `redsec lint` load: zod (about 140 ms to load on the CI machine)
 * and yaml (about 80 ms) only when --profile, --waivers or --compose ask for them. A module hook
 * records every module the built CLI loads; timing itself is left to the benches.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';

const CLI = resolve(import.meta.dirname, '../../dist/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'redsec-startup-'));
const hook = join(dir, 'hook.mjs');
const register = join(dir, 'register.mjs');
writeFileSync(hook, `import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) { appendFileSync(process.env.LOADED_LOG, url + '\\n'); return next(url, context); }\n`);
// ES modules through the load hook; CommonJS ones (yaml is required on first use) from require's cache at exit.
writeFileSync(
  register,
  [
    "import { appendFileSync } from 'node:fs';",
    "import { createRequire, register } from 'node:module';",
    `register(${JSON.stringify(pathToFileURL(hook).href)});`,
    'const cache = createRequire(import.meta.url).cache;',
    "process.on('exit', () => appendFileSync(process.env.LOADED_LOG, Object.keys(cache).join('\\n') + '\\n'));",
  ].join('\n'),
);
const conf = join(dir, 'redis.conf');
writeFileSync(conf, 'port 6379\nuser default off\n', { mode: 0o600 });

/** The packages under node_modules that one CLI run loaded. */
function packagesLoaded(args: string[], name: string): Set<string> {
  const log = join(dir, `${name}.log`);
  try {
    execFileSync('node', ['--import', register, CLI, ...args], { env: { ...process.env, LOADED_LOG: log }, stdio: 'pipe' });
  } catch {
    // findings exit 1; what matters here is what was loaded
  }
  const urls = readFileSync(log, 'utf8').split('\n');
  return new Set(urls.flatMap((u) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1] ?? []));
}

describe('CLI start-up loads what the command needs', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a plain audit and a plain lint load neither zod nor yaml', () => {
    const audit = packagesLoaded(['audit', `redis://127.0.0.1:${server.port}`, '--format', 'json'], 'audit');
    expect(audit.has('commander')).toBe(true);
    expect([...audit].filter((p) => p === 'zod' || p === 'yaml')).toEqual([]);
    const lint = packagesLoaded(['lint', conf, '--format', 'json'], 'lint');
    expect([...lint].filter((p) => p === 'zod' || p === 'yaml')).toEqual([]);
  });

  it('--profile brings zod, --compose brings yaml', () => {
    expect(packagesLoaded(['lint', conf, '--profile', 'hardened', '--format', 'json'], 'profile').has('zod')).toBe(true);
    const compose = join(dir, 'compose.yml');
    writeFileSync(compose, 'services:\n  cache:\n    image: redis:7.2\n');
    expect(packagesLoaded(['lint', conf, '--compose', compose, '--format', 'json'], 'compose').has('yaml')).toBe(true);
  });
});
