/**
 * Spawns real redis-server processes for tests: free loopback ports, a private temp dir,
 * readiness from the server's own log, and guaranteed shutdown.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';

export interface TlsFiles {
  cert: string;
  key: string;
  ca: string;
}

export interface StartOptions {
  /** redis.conf text appended after the test defaults (later directives win). */
  config?: string;
  /** Use this config file as the server's config (e.g. a generated bundle); overrides still apply. */
  configFile?: string;
  /** Extra `--name value` overrides on the command line (they win over the file). */
  overrides?: Record<string, string>;
  /** Files written into the server's dir before start, e.g. { 'users.acl': '...' }. */
  files?: Record<string, string>;
  /** Serve TLS on a second port with these files; `plain: false` also sets port 0. */
  tls?: TlsFiles & { authClients?: 'yes' | 'no' | 'optional'; plain?: boolean; protocols?: string };
  /** Expect startup to fail: resolves with the log instead of throwing. */
  expectFailure?: boolean;
  timeoutMs?: number;
}

export interface RedisServer {
  host: '127.0.0.1';
  /** The plain TCP port, or 0 when the server only speaks TLS. */
  port: number;
  tlsPort: number;
  dir: string;
  log(): string;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

function serverBinary(): string {
  return process.env.REDIS_SERVER_BIN ?? 'redis-server';
}

export async function startRedis(opts: StartOptions = {}): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'redsec-test-'));
  const logfile = join(dir, 'redis.log');
  for (const [name, text] of Object.entries(opts.files ?? {})) writeFileSync(join(dir, name), text, { mode: 0o600 });

  for (let attempt = 0; ; attempt++) {
    const port = opts.tls && opts.tls.plain === false ? 0 : await freePort();
    const tlsPort = opts.tls ? await freePort() : 0;
    const base: Record<string, string> = {
      port: String(port),
      bind: '127.0.0.1',
      dir,
      logfile,
      save: '',
      appendonly: 'no',
      daemonize: 'no',
      ...(opts.tls
        ? {
            'tls-port': String(tlsPort),
            'tls-cert-file': opts.tls.cert,
            'tls-key-file': opts.tls.key,
            'tls-ca-cert-file': opts.tls.ca,
            'tls-auth-clients': opts.tls.authClients ?? 'no',
            ...(opts.tls.protocols ? { 'tls-protocols': opts.tls.protocols } : {}),
          }
        : {}),
      ...opts.overrides,
    };
    let configPath = opts.configFile;
    if (!configPath) {
      configPath = join(dir, 'redis.conf');
      writeFileSync(configPath, (opts.config ?? '') + '\n');
    }
    const args = [configPath];
    for (const [k, v] of Object.entries(base)) args.push(`--${k}`, v);
    writeFileSync(logfile, '');
    const child = spawn(serverBinary(), args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    let exited = false;
    child.on('exit', () => {
      exited = true;
      running.delete(child);
    });
    const log = () => (existsSync(logfile) ? readFileSync(logfile, 'utf8') : '') + output;

    const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
    while (Date.now() < deadline) {
      const text = log();
      if (text.includes('Ready to accept connections')) break;
      if (exited) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const text = log();
    if (!text.includes('Ready to accept connections')) {
      if (!exited) child.kill('SIGKILL');
      if (opts.expectFailure) {
        return { host: '127.0.0.1', port, tlsPort, dir, log: () => text, stop: async () => rmSync(dir, { recursive: true, force: true }) };
      }
      if (/Address already in use/.test(text) && attempt < 3) continue;
      throw new Error(`redis-server did not start:\n${text.split('\n').slice(-15).join('\n')}`);
    }
    if (opts.expectFailure) {
      child.kill('SIGKILL');
      throw new Error('redis-server started although failure was expected');
    }
    const stop = async () => {
      if (!exited) {
        const done = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await done;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    };
    return { host: '127.0.0.1', port, tlsPort, dir, log, stop };
  }
}
