/**
 * Proof for `redsec generate`: for every security level x network exposure (12 combinations)
 * with target 7.0, the generated bundle boots Debian's real redis-server (test-local ports and
 * paths swapped in by command-line overrides), refuses unauthenticated clients, gives each user
 * exactly its job (ACL DRYRUN on the live server is the oracle), and its certificates work with
 * Node, redis-cli and openssl.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TLSSocket } from 'node:tls';
import { parseProfile, SECURITY_LEVELS, NETWORK_EXPOSURES } from '../../src/profile/index.js';
import { generateBundle, writeBundle, type Plan } from '../../src/generate/index.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { rawConnect, type RawClient, type Reply } from '../helpers/raw-client.js';
import { freePort } from '../helpers/ports.js';

const run = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), 'redsec-gen-e2e-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Deployed {
  plan: Plan;
  dir: string;
  server: RedisServer;
  /** The port clients use (TLS port when TLS is on). */
  clientPort: number;
  secrets: Map<string, string>;
}

function readSecrets(dir: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const line of readFileSync(join(dir, 'secrets.env'), 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=([0-9a-f]{64})$/.exec(line);
    if (m?.[1] && m[2]) env.set(m[1], m[2]);
  }
  return env;
}

function tlsOptions(d: Deployed, client?: string) {
  if (!d.plan.tls) return undefined;
  const ca = readFileSync(join(d.dir, 'tls/ca.crt'));
  return client ? { ca, cert: readFileSync(join(d.dir, `tls/clients/${client}.crt`)), key: readFileSync(join(d.dir, `tls/clients/${client}.key`)) } : { ca };
}

async function connect(d: Deployed, client = 'admin'): Promise<RawClient> {
  const tls = tlsOptions(d, client);
  return rawConnect(d.clientPort, tls ? { tls } : {});
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  return Promise.race([p, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms))]);
}

async function deploy(level: string, exposure: string): Promise<Deployed> {
  const profile = parseProfile({
    security_level: level,
    network_exposure: exposure,
    redis_version: '7.0',
    applications: [
      { name: 'app', key_prefixes: ['app:'], channel_prefixes: ['app:'] },
      { name: 'reports', key_prefixes: ['reports:'], access: 'read-only' },
      { name: 'jobs', key_prefixes: ['jobs:'], scripting: true },
    ],
    replication: true,
    sentinel: true,
  });
  const generated = await generateBundle(profile);
  const dir = await writeBundle(join(root, `${level}-${exposure}`), generated.files);
  const plan = generated.plan;
  const overrides: Record<string, string> = { aclfile: join(dir, 'users.acl') };
  let clientPort = 0;
  if (plan.tls) {
    clientPort = await freePort();
    Object.assign(overrides, {
      port: '0',
      'tls-port': String(clientPort),
      'tls-cert-file': join(dir, 'tls/redis.crt'),
      'tls-key-file': join(dir, 'tls/redis.key'),
      'tls-ca-cert-file': join(dir, 'tls/ca.crt'),
    });
  }
  const server = await startRedis({ configFile: join(dir, 'redis.conf'), overrides });
  if (!plan.tls) clientPort = server.port;
  return { plan, dir, server, clientPort, secrets: readSecrets(dir) };
}

const password = (d: Deployed, user: string): string => {
  const env = d.plan.users.find((u) => u.name === user)?.secretEnv;
  const pw = env ? d.secrets.get(env) : undefined;
  if (!pw) throw new Error(`no secret for ${user}`);
  return pw;
};

/** Each user's job, as [command..., allowed?]; ACL DRYRUN on the live server decides. */
const JOBS: Record<string, [string[], boolean][]> = {
  app: [
    [['SET', 'app:1', 'x'], true],
    [['GET', 'app:1'], true],
    [['MULTI'], true],
    [['PUBLISH', 'app:news', 'hi'], true],
    [['SET', 'other', 'x'], false],
    [['GET', 'reports:1'], false],
    [['PUBLISH', 'other', 'hi'], false],
    [['FLUSHALL'], false],
    [['KEYS', '*'], false],
    [['CONFIG', 'GET', '*'], false],
    [['EVAL', 'return 1', '0'], false],
    [['FUNCTION', 'LIST'], false],
    [['DEBUG', 'OBJECT', 'app:1'], false],
    [['REPLICAOF', 'NO', 'ONE'], false],
    [['ACL', 'LIST'], false],
    [['MONITOR'], false],
  ],
  reports: [
    [['GET', 'reports:1'], true],
    [['SET', 'reports:1', 'x'], false],
    [['GET', 'app:1'], false],
    [['FLUSHDB'], false],
  ],
  jobs: [
    [['EVAL', 'return 1', '1', 'jobs:1'], true],
    [['SET', 'jobs:1', 'x'], true],
    [['SET', 'app:1', 'x'], false],
    [['FLUSHALL'], false],
  ],
  // Read access to the applications' prefixes only (%R~ on 7.0), never every key.
  readonly: [
    [['GET', 'app:1'], true],
    [['GET', 'reports:1'], true],
    [['GET', 'jobs:1'], true],
    [['GET', 'anything'], false],
    [['SET', 'app:1', 'x'], false],
    [['KEYS', '*'], false],
    [['CONFIG', 'GET', '*'], false],
    [['EVAL', 'return 1', '0'], false],
  ],
  monitor: [
    [['INFO'], true],
    [['PING'], true],
    [['CLIENT', 'ID'], true],
    [['SLOWLOG', 'GET'], true],
    [['LATENCY', 'LATEST'], true],
    [['GET', 'app:1'], false],
    [['EVAL', 'return 1', '0'], false],
    [['CONFIG', 'GET', '*'], false],
    [['SLOWLOG', 'RESET'], false],
    [['CLIENT', 'KILL', 'ID', '1'], false],
    [['MONITOR'], false],
  ],
  replication: [
    [['PSYNC', '?', '-1'], true],
    [['REPLCONF', 'listening-port', '6380'], true],
    [['PING'], true],
    [['GET', 'app:1'], false],
    [['CONFIG', 'GET', '*'], false],
  ],
  sentinel: [
    [['INFO'], true],
    [['ROLE'], true],
    [['PUBLISH', '__sentinel__:hello', 'x'], true],
    [['CLIENT', 'KILL', 'ID', '1'], true],
    [['CONFIG', 'REWRITE'], true],
    [['GET', 'app:1'], false],
    [['CONFIG', 'SET', 'dir', '/tmp'], false],
    [['FLUSHALL'], false],
  ],
  admin: [
    [['CONFIG', 'GET', '*'], true],
    [['FLUSHALL'], true],
    [['ACL', 'LIST'], true],
  ],
};

const combos = SECURITY_LEVELS.flatMap((level) => NETWORK_EXPOSURES.map((exposure) => [level, exposure] as const));

describe.each(combos)('generate %s / %s (Redis 7.0)', (level, exposure) => {
  let d: Deployed;
  let admin: RawClient;
  beforeAll(async () => {
    d = await deploy(level, exposure);
    admin = await connect(d);
    expect(await admin.call('AUTH', 'admin', password(d, 'admin'))).toBe('OK');
  });
  afterAll(async () => {
    admin?.close();
    await d?.server.stop();
  });

  it('boots with every generated user loaded and the planned settings live', async () => {
    const list = (await admin.call('ACL', 'LIST')) as string[];
    expect(list.map((l) => l.split(' ')[1]).sort()).toEqual(d.plan.users.map((u) => u.name).sort());
    const config = async (name: string) => ((await admin.call('CONFIG', 'GET', name)) as string[])[1];
    expect(await config('protected-mode')).toBe('yes');
    expect(await config('enable-debug-command')).toBe('no');
    expect(await config('enable-module-command')).toBe('no');
    expect(await config('enable-protected-configs')).toBe('no');
    expect(await config('acl-pubsub-default')).toBe('resetchannels');
    expect(await config('timeout')).toBe('300');
    const tls = level === 'hardened' || level === 'compliance' || (level === 'standard' && exposure !== 'localhost');
    expect(d.plan.tls !== null).toBe(tls);
    if (tls) {
      expect(await config('port')).toBe('0');
      // Intermediate only for standard inside a private network or the host; public exposure is always modern + mTLS.
      const intermediate = level === 'standard' && exposure !== 'public';
      expect(await config('tls-protocols')).toBe(intermediate ? 'TLSv1.2 TLSv1.3' : 'TLSv1.3');
      expect(await config('tls-auth-clients')).toBe(intermediate ? 'optional' : 'yes');
      expect(await config('tls-replication')).toBe('yes');
    } else {
      expect(existsSync(join(d.dir, 'tls'))).toBe(false);
    }
  });

  it('refuses an unauthenticated client (NOAUTH)', async () => {
    const c = await connect(d, 'app');
    expect(await c.call('PING')).toEqual({ error: expect.stringMatching(/^NOAUTH/) });
    expect(await c.call('GET', 'app:1')).toEqual({ error: expect.stringMatching(/^NOAUTH/) });
    c.close();
  });

  it('gives each user exactly its job (ACL DRYRUN on the live server)', async () => {
    const mismatches: string[] = [];
    for (const [user, jobs] of Object.entries(JOBS)) {
      for (const [cmd, expected] of jobs) {
        const reply: Reply = await admin.call('ACL', 'DRYRUN', user, ...cmd);
        if ((reply === 'OK') !== expected) mismatches.push(`${user} ${cmd.join(' ')}: expected ${expected ? 'allowed' : 'denied'}, got ${JSON.stringify(reply)}`);
      }
    }
    // The default user: off above basic (NOAUTH for everyone), at basic a password and no @dangerous.
    const defaultGet = await admin.call('ACL', 'DRYRUN', 'default', 'GET', 'x');
    expect(defaultGet === 'OK').toBe(level === 'basic');
    expect(await admin.call('ACL', 'DRYRUN', 'default', 'FLUSHALL')).not.toBe('OK');
    expect(mismatches).toEqual([]);
  });

  it('authenticates each user with its secret; real commands follow the ACL', async () => {
    const c = await connect(d, 'app');
    expect(await c.call('AUTH', 'app', password(d, 'app'))).toBe('OK');
    expect(await c.call('SET', 'app:1', 'v')).toBe('OK');
    expect(await c.call('SET', 'other', 'v')).toEqual({ error: expect.stringMatching(/^NOPERM/) });
    expect(await c.call('AUTH', 'app', 'wrong')).toEqual({ error: expect.stringMatching(/^WRONGPASS/) });
    for (const user of ['readonly', 'monitor', 'reports', 'jobs', 'replication', 'sentinel']) {
      expect(await c.call('AUTH', user, password(d, user))).toBe('OK');
    }
    if (level === 'basic') expect(await c.call('AUTH', password(d, 'default'))).toBe('OK');
    else expect(await c.call('AUTH', 'default', 'anything')).toEqual({ error: expect.stringMatching(/^WRONGPASS/) });
    c.close();
  });

  it('writes secrets and private keys 0600, certificates 0644, users.acl with hashes only', () => {
    const mode = (p: string) => (statSync(join(d.dir, p)).mode & 0o777).toString(8);
    expect(mode('secrets.env')).toBe('600');
    expect(mode('users.acl')).toBe('600');
    const acl = readFileSync(join(d.dir, 'users.acl'), 'utf8');
    for (const pw of d.secrets.values()) expect(acl).not.toContain(pw);
    expect(acl).not.toMatch(/ >/);
    for (const plain of d.secrets.values()) {
      for (const f of ['redis.conf', 'plan.json', 'CHECKLIST.md']) expect(readFileSync(join(d.dir, f), 'utf8')).not.toContain(plain);
    }
    for (const cert of d.plan.tls?.certificates ?? []) {
      expect(mode(cert.certFile)).toBe('644');
      expect(mode(cert.keyFile)).toBe('600');
    }
  });

  it('TLS: client certificates work from Node and redis-cli, openssl verifies the chain (or no TLS where the level has none)', async () => {
    if (!d.plan.tls) {
      expect(((await admin.call('CONFIG', 'GET', 'tls-port')) as string[])[1]).toBe('0');
      expect(existsSync(join(d.dir, 'tls'))).toBe(false);
      return;
    }
    const c = await connect(d, 'app');
    expect((c.socket as TLSSocket).getProtocol()).toBe('TLSv1.3');
    expect(await c.call('AUTH', 'app', password(d, 'app'))).toBe('OK');
    expect(await c.call('PING')).toBe('PONG');
    c.close();

    const tlsDir = join(d.dir, 'tls');
    const cli = await run('redis-cli', ['--tls', '--cacert', join(tlsDir, 'ca.crt'), '--cert', join(tlsDir, 'clients/app.crt'), '--key', join(tlsDir, 'clients/app.key'),
      '-h', '127.0.0.1', '-p', String(d.clientPort), '--user', 'app', '--no-auth-warning', 'SET', 'app:cli', 'ok'], { env: { ...process.env, REDISCLI_AUTH: password(d, 'app') } });
    expect(cli.stdout.trim()).toBe('OK');

    const ca = join(tlsDir, 'ca.crt');
    const server = await run('openssl', ['verify', '-CAfile', ca, '-purpose', 'sslserver', join(tlsDir, 'redis.crt')]);
    expect(server.stdout).toContain(': OK');
    const clients = await run('openssl', ['verify', '-CAfile', ca, '-purpose', 'sslclient', ...(d.plan.tls.clientNames.map((n) => join(tlsDir, `clients/${n}.crt`)))]);
    expect(clients.stdout.match(/: OK/g)?.length).toBe(d.plan.tls.clientNames.length);
    // The server key really belongs to the server certificate.
    const [certPub, keyPub] = await Promise.all([
      run('openssl', ['x509', '-in', join(tlsDir, 'redis.crt'), '-noout', '-pubkey']),
      run('openssl', ['pkey', '-in', join(tlsDir, 'redis.key'), '-pubout']),
    ]);
    expect(certPub.stdout).toBe(keyPub.stdout);
  });

  it('TLS profile: intermediate takes TLS 1.2 AEAD only, modern refuses TLS 1.2; client certificates required from hardened on', async () => {
    if (!d.plan.tls) {
      const c = await rawConnect(d.clientPort);
      expect(await c.call('PING')).toEqual({ error: expect.stringMatching(/^NOAUTH/) });
      c.close();
      return;
    }
    const attempt = (opts: Record<string, unknown>) =>
      withTimeout(
        (async () => {
          try {
            const c = await rawConnect(d.clientPort, { tls: { ...tlsOptions(d, 'app'), ...opts } });
            try {
              return await c.call('PING');
            } finally {
              c.close();
            }
          } catch (e) {
            return { refused: String(e) };
          }
        })(),
        5000,
      );
    const noauth = { error: expect.stringMatching(/^NOAUTH/) };
    const tls12 = await attempt({ maxVersion: 'TLSv1.2' });
    const cbc = await attempt({ maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-SHA' });
    expect(cbc).toEqual({ refused: expect.any(String) });
    if (d.plan.tls.mozillaProfile === 'intermediate') expect(tls12).toEqual(noauth);
    else expect(tls12).toEqual({ refused: expect.any(String) });
    // No client certificate at all.
    const bare = await withTimeout(
      (async () => {
        try {
          const c = await rawConnect(d.clientPort, { tls: tlsOptions(d) ?? {} });
          try {
            return await c.call('PING');
          } finally {
            c.close();
          }
        } catch (e) {
          return { refused: String(e) };
        }
      })(),
      5000,
    );
    if (d.plan.tls.authClients === 'yes') {
      expect(bare).toEqual({ refused: expect.any(String) });
    } else {
      expect(bare).toEqual(noauth);
    }
  });
});
