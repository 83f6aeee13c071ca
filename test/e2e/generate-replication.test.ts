/**
 * The generated replication user is enough for real replication: a replica booted from the same
 * hardened bundle (TLS-only, client certificates required) authenticates as `replication`
 * (masteruser from redis.conf, masterauth set at run time as the warning advises) and follows
 * the master over TLS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseProfile } from '../../src/profile/index.js';
import { generateBundle, writeBundle } from '../../src/generate/index.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { rawConnect, type RawClient } from '../helpers/raw-client.js';
import { freePort } from '../helpers/ports.js';

describe('generated replication user (hardened, TLS, Redis 7.0)', () => {
  const root = mkdtempSync(join(tmpdir(), 'redsec-gen-repl-'));
  let dir: string;
  let secrets: Record<string, string>;
  const servers: RedisServer[] = [];
  const clients: RawClient[] = [];
  let master: { port: number };
  let replica: { port: number };

  async function boot(): Promise<{ port: number }> {
    const port = await freePort();
    servers.push(
      await startRedis({
        configFile: join(dir, 'redis.conf'),
        overrides: {
          aclfile: join(dir, 'users.acl'),
          port: '0',
          'tls-port': String(port),
          'tls-cert-file': join(dir, 'tls/redis.crt'),
          'tls-key-file': join(dir, 'tls/redis.key'),
          'tls-ca-cert-file': join(dir, 'tls/ca.crt'),
        },
      }),
    );
    return { port };
  }

  async function login(port: number, user: string): Promise<RawClient> {
    const tls = { ca: readFileSync(join(dir, 'tls/ca.crt')), cert: readFileSync(join(dir, `tls/clients/${user === 'app' ? 'app' : 'admin'}.crt`)), key: readFileSync(join(dir, `tls/clients/${user === 'app' ? 'app' : 'admin'}.key`)) };
    const c = await rawConnect(port, { tls });
    clients.push(c);
    expect(await c.call('AUTH', user, secrets[`REDIS_${user.toUpperCase()}_PASSWORD`] ?? '')).toBe('OK');
    return c;
  }

  beforeAll(async () => {
    const bundle = await generateBundle(parseProfile({ security_level: 'hardened', network_exposure: 'localhost', redis_version: '7.0', replication: true }));
    dir = await writeBundle(join(root, 'bundle'), bundle.files);
    secrets = Object.fromEntries([...readFileSync(join(dir, 'secrets.env'), 'utf8').matchAll(/^(\w+)=(\w+)$/gm)].map((m) => [m[1]!, m[2]!]));
    [master, replica] = await Promise.all([boot(), boot()]);
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(root, { recursive: true, force: true });
  });

  it('replicates over TLS as the least-privileged replication user', async () => {
    const replicaAdmin = await login(replica.port, 'admin');
    expect(await replicaAdmin.call('CONFIG', 'GET', 'masteruser')).toEqual(['masteruser', 'replication']);
    expect(await replicaAdmin.call('CONFIG', 'SET', 'masterauth', secrets.REDIS_REPLICATION_PASSWORD ?? '')).toBe('OK');
    expect(await replicaAdmin.call('REPLICAOF', '127.0.0.1', String(master.port))).toBe('OK');
    let info = '';
    for (let i = 0; i < 100 && !info.includes('master_link_status:up'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      info = String(await replicaAdmin.call('INFO', 'replication'));
    }
    expect(info).toContain('master_link_status:up');

    const masterApp = await login(master.port, 'app');
    expect(await masterApp.call('SET', 'app:replicated', 'yes')).toBe('OK');
    const replicaApp = await login(replica.port, 'app');
    let value: unknown = null;
    for (let i = 0; i < 50 && value !== 'yes'; i++) {
      value = await replicaApp.call('GET', 'app:replicated');
      if (value !== 'yes') await new Promise((r) => setTimeout(r, 100));
    }
    expect(value).toBe('yes');
    // The master saw the replica authenticate as `replication`, not as an admin.
    const masterAdmin = await login(master.port, 'admin');
    const list = String(await masterAdmin.call('CLIENT', 'LIST', 'TYPE', 'replica'));
    expect(list).toMatch(/ user=replication /);
  });
});
