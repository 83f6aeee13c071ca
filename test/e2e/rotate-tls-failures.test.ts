/**
 * `redsec rotate tls --apply` when it goes wrong, on real TLS servers:
 *  - the server refuses the CONFIG SET (an admin user without +config|set: NOPERM): the new files
 *    are removed, the old certificate is still served, the config file still names the old files,
 *    exit 3 (the target refused);
 *  - the post-change handshake check fails (the name the operator dials, --sni, is not in the
 *    certificate): reported as the failed check "new certificate served", CONFIG REWRITE is not
 *    sent (the config file keeps the old files), exit 1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { rawConnect } from '../helpers/raw-client.js';
import { cli } from '../helpers/run-cli.js';
import { bundleTls, tlsBundle } from '../helpers/tls-bundle.js';
import type { TlsRotateResult } from '../../src/rotate/index.js';

const PW = 'tls-fail-admin-pw-6e02';
const ROOT_PW = 'tls-fail-root-pw-11c9';

let work: string;
const servers: RedisServer[] = [];
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'redsec-rotate-tls-fail-'));
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  rmSync(work, { recursive: true, force: true });
});

/** The serial openssl sees on the TLS port (verified against the bundle's CA). */
function servedSerial(port: number, ca: string): string {
  const out = execFileSync('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-CAfile', ca, '-verify_ip', '127.0.0.1', '-verify_return_error'], { input: '', encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(out)?.[0] ?? '';
  return new X509Certificate(pem).serialNumber.toLowerCase();
}

async function configGet(s: RedisServer, name: string): Promise<string> {
  const c = await rawConnect(s.port);
  expect(await c.call('AUTH', 'root', ROOT_PW)).toBe('OK');
  const r = (await c.call('CONFIG', 'GET', name)) as string[];
  c.close();
  return r[1] ?? '';
}

async function setup(name: string, adminRules: string): Promise<{ b: string; s: RedisServer; serial: string; files: string[]; conf: string }> {
  const b = await tlsBundle(join(work, name), 20, PW);
  const s = await startRedis({ config: ['user default off', `user admin on >${PW} ~* &* ${adminRules}`, `user root on >${ROOT_PW} ~* &* +@all`].join('\n'), tls: bundleTls(b) });
  servers.push(s);
  return { b, s, serial: servedSerial(s.tlsPort, join(b, 'tls', 'ca.crt')), files: readdirSync(join(b, 'tls')).sort(), conf: readFileSync(join(s.dir, 'redis.conf'), 'utf8') };
}

async function rotate(b: string, s: RedisServer, ...extra: string[]): Promise<{ code: number; r: TlsRotateResult; stderr: string }> {
  const res = await cli(['rotate', 'tls', `redis://127.0.0.1:${s.port}`, '--bundle', b, '--admin-user', 'admin', '--admin-password-file', join(b, 'admin.pw'), '--apply', '--format', 'json', ...extra]);
  return { code: res.code, r: JSON.parse(res.stdout) as TlsRotateResult, stderr: res.stderr };
}

const checkOf = (r: TlsRotateResult, name: string) => r.checks.find((c) => c.name === name);

describe('rotate tls --apply failure paths', () => {
  it('CONFIG SET refused (NOPERM): new files removed, old certificate still served, config unchanged, exit 3', async () => {
    const { b, s, serial, files, conf } = await setup('noperm', '+@all -config|set');
    const certFile = await configGet(s, 'tls-cert-file');
    const { code, r, stderr } = await rotate(b, s);
    expect(stderr).toBe('');
    expect(code).toBe(3);
    expect(r.ok).toBe(false);
    expect(r.failure).toBe('target');
    const loaded = checkOf(r, 'server loaded the new certificate');
    expect(loaded?.ok).toBe(false);
    expect(loaded?.detail).toMatch(/CONFIG SET refused .*NOPERM/);
    // Nothing of the attempt is left: the same files, the same certificate served and named.
    expect(readdirSync(join(b, 'tls')).sort()).toEqual(files);
    expect(servedSerial(s.tlsPort, join(b, 'tls', 'ca.crt'))).toBe(serial);
    expect(await configGet(s, 'tls-cert-file')).toBe(certFile);
    // Only the persistence preflight's CONFIG REWRITE of the unchanged config ran: no stamped file named.
    expect(conf).not.toMatch(/\d{8}T\d{6}Z/);
    expect(readFileSync(join(s.dir, 'redis.conf'), 'utf8')).not.toMatch(/\d{8}T\d{6}Z/);
    expect(r.commands.filter((c) => c.startsWith('CONFIG SET'))).toHaveLength(1);
    expect(r.files).toEqual([]);
  });

  it('the post-change handshake check fails (--sni names a host the certificate lacks): failed check, not persisted, exit 1', async () => {
    const { b, s, serial } = await setup('sni', '+@all');
    const certFile = await configGet(s, 'tls-cert-file');
    const { code, r, stderr } = await rotate(b, s, '--sni', 'not-in-the-cert.invalid');
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(r.ok).toBe(false);
    expect(r.failure).toBe('verify');
    const servedCheck = checkOf(r, 'new certificate served');
    expect(servedCheck?.ok).toBe(false);
    expect(servedCheck?.detail).toMatch(/not-in-the-cert\.invalid|altnames|not trusted/);
    // The server did load the new files (CONFIG SET went through) but nothing persisted them.
    expect(checkOf(r, 'server names the new files')?.ok).toBe(true);
    expect(checkOf(r, 'persisted')).toBeUndefined();
    expect(r.commands.filter((c) => c === 'CONFIG REWRITE')).toHaveLength(1);
    const newFile = await configGet(s, 'tls-cert-file');
    expect(newFile).not.toBe(certFile);
    expect(servedSerial(s.tlsPort, join(b, 'tls', 'ca.crt'))).not.toBe(serial);
    expect(readFileSync(join(s.dir, 'redis.conf'), 'utf8')).not.toContain(newFile);
  });
});
