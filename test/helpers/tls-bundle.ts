/** A bundle-shaped folder (tls/ca.*, tls/redis.*, tls/clients/NAME.*) from redsec's own issuer, for rotate tls tests. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatePki } from '../../src/certs/index.js';

export async function tlsBundle(dir: string, leafDays: number, adminPassword: string): Promise<string> {
  mkdirSync(join(dir, 'tls', 'clients'), { recursive: true });
  const pki = await generatePki({ keyAlgorithm: 'ecdsa-p256', serverDnsNames: ['localhost'], serverIps: ['127.0.0.1'], clientNames: ['admin', 'app'], caValidityDays: 3650, leafValidityDays: leafDays });
  const put = (path: string, text: string, mode: number) => writeFileSync(join(dir, 'tls', path), text, { mode });
  put('ca.crt', pki.ca.certPem, 0o644);
  put('ca.key', pki.ca.keyPem, 0o600);
  put('redis.crt', pki.server.certPem, 0o644);
  put('redis.key', pki.server.keyPem, 0o600);
  for (const c of pki.clients) {
    put(`clients/${c.name}.crt`, c.certPem, 0o644);
    put(`clients/${c.name}.key`, c.keyPem, 0o600);
  }
  writeFileSync(join(dir, 'admin.pw'), `${adminPassword}\n`, { mode: 0o600 });
  return dir;
}

/** startRedis's `tls` option serving the bundle's server certificate. */
export function bundleTls(b: string, authClients: 'yes' | 'no' = 'no') {
  return { cert: join(b, 'tls', 'redis.crt'), key: join(b, 'tls', 'redis.key'), ca: join(b, 'tls', 'ca.crt'), authClients };
}
