import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { startRedis, type RedisServer } from './redis-server.js';
import { rawConnect } from './raw-client.js';
import { testPki } from './pki.js';

describe('test harness: real redis-server', () => {
  let plain: RedisServer;
  let tls: RedisServer;
  beforeAll(async () => {
    const pki = testPki();
    [plain, tls] = await Promise.all([
      startRedis({ config: 'requirepass s3cret' }),
      startRedis({ tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca, authClients: 'yes', plain: false } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([plain?.stop(), tls?.stop()]);
  });

  it('serves plain TCP with the given config', async () => {
    const c = await rawConnect(plain.port);
    expect(await c.call('PING')).toEqual({ error: expect.stringMatching(/^NOAUTH/) });
    expect(await c.call('AUTH', 's3cret')).toBe('OK');
    expect(await c.call('CONFIG', 'GET', 'port')).toEqual(['port', String(plain.port)]);
    c.close();
  });

  it('serves TLS only, with client certificates required', async () => {
    expect(tls.port).toBe(0);
    const pki = testPki();
    const c = await rawConnect(tls.tlsPort, {
      tls: { ca: readFileSync(pki.ca), cert: readFileSync(pki.clientCert), key: readFileSync(pki.clientKey) },
    });
    expect(await c.call('PING')).toBe('PONG');
    c.close();
  });
});
