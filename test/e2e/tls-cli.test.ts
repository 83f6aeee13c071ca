/**
 * `redsec tls inspect` end to end, in-process through the real CLI entry (main): offline on
 * files generatePki wrote, and live against a real redis-server TLS port. Exit codes are the
 * public contract: 0 compliant, 1 a check failed, 2 bad input or usage, 3 target failure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli as runCli } from '../helpers/run-cli.js';
import { generatePki, type PkiOptions } from '../../src/certs/index.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';

const cli = (...args: string[]) => runCli(args);

const root = mkdtempSync(join(tmpdir(), 'redsec-tls-cli-'));
const options: PkiOptions = { keyAlgorithm: 'ecdsa-p256', serverDnsNames: ['localhost'], serverIps: ['127.0.0.1'], clientNames: ['app'], caValidityDays: 1825, leafValidityDays: 90 };
const path = (dir: string, file: string) => join(root, dir, file);

async function bundle(dir: string, patch: Partial<PkiOptions> = {}): Promise<void> {
  const pki = await generatePki({ ...options, ...patch });
  mkdirSync(join(root, dir));
  writeFileSync(path(dir, 'ca.crt'), pki.ca.certPem);
  writeFileSync(path(dir, 'server.crt'), pki.server.certPem);
  writeFileSync(path(dir, 'server.key'), pki.server.keyPem, { mode: 0o600 });
  writeFileSync(path(dir, 'client-app.crt'), pki.clients[0]!.certPem);
  writeFileSync(path(dir, 'client-app.key'), pki.clients[0]!.keyPem, { mode: 0o600 });
}

let server: RedisServer;

beforeAll(async () => {
  await bundle('good');
  await bundle('expired', { leafValidityDays: 30, now: new Date(Date.now() - 60 * 86_400_000) });
  await bundle('long', { leafValidityDays: 365 });
  writeFileSync(path('good', 'garbage.crt'), 'not a certificate\n');
  server = await startRedis({
    tls: { cert: path('good', 'server.crt'), key: path('good', 'server.key'), ca: path('good', 'ca.crt'), authClients: 'yes', plain: false, protocols: 'TLSv1.3' },
  });
});

afterAll(async () => {
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('redsec tls inspect --cert (offline)', () => {
  it('passes a generated bundle under modern and prints the certificate and every check', async () => {
    const r = await cli('tls', 'inspect', '--cert', path('good', 'server.crt'), '--cert', path('good', 'client-app.crt'), '--cert', path('good', 'ca.crt'), '--ca', path('good', 'ca.crt'), '--hostname', 'localhost', '--profile', 'modern');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('subject     CN=localhost');
    expect(r.stdout).toContain('SAN         DNS:localhost, IP:127.0.0.1');
    expect(r.stdout).toMatch(/key {9}ECDSA 256 \(prime256v1\), signed ecdsa-with-SHA256/);
    expect(r.stdout).toMatch(/PASS {2}certificate-hostname +localhost is in the subjectAltName/);
    expect(r.stdout.match(/result: compliant with Mozilla modern/g)).toHaveLength(3);
    expect(r.stdout).not.toContain('PRIVATE KEY');
  });

  it('exits 1 and says why for an expired leaf and for a 365-day leaf under modern', async () => {
    const expired = await cli('tls', 'inspect', '--cert', path('expired', 'server.crt'), '--ca', path('expired', 'ca.crt'));
    expect(expired.code).toBe(1);
    expect(expired.stdout).toMatch(/FAIL {2}certificate-validity +expired \d+ days ago .*\[critical\]/);
    expect(expired.stdout).toMatch(/fix: issue a new certificate/);
    const long = await cli('tls', 'inspect', '--cert', path('long', 'server.crt'), '--ca', path('long', 'ca.crt'), '--profile', 'modern', '--format', 'json');
    expect(long.code).toBe(1);
    const json = JSON.parse(long.stdout) as { schema_version: number; results: { analysis: { compliant: boolean; checks: { key: string; status: string; observed: string[] }[] } }[] };
    expect(json.schema_version).toBe(1);
    expect(json.results[0]?.analysis.compliant).toBe(false);
    expect(json.results[0]?.analysis.checks.find((c) => c.key === 'certificate-lifetime')).toMatchObject({ status: 'fail', observed: ['365'] });
    // Under intermediate (366-day maximum) the same certificate is fine.
    expect((await cli('tls', 'inspect', '--cert', path('long', 'server.crt'), '--ca', path('long', 'ca.crt'))).code).toBe(0);
  });

  it('warns about expiry inside --warn-days without failing', async () => {
    const r = await cli('tls', 'inspect', '--cert', path('good', 'server.crt'), '--ca', path('good', 'ca.crt'), '--warn-days', '100');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/WARN {2}certificate-validity +expires in (89|90) days/);
  });

  it('reports trust as not verified without --ca', async () => {
    const r = await cli('tls', 'inspect', '--cert', path('good', 'server.crt'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\?\?\?\? {2}certificate-trust +chain not verified: no CA certificate given/);
    expect(r.stdout).toContain('result: not fully verified');
  });

  it.each([
    [['--cert', 'GARBAGE'], /^redsec: .*garbage\.crt: not a PEM or DER certificate\n$/],
    [['--cert', 'MISSING'], /^redsec: .*missing\.crt: cannot read \(ENOENT\)\n$/],
    [['--cert', 'KEY'], /^redsec: .*server\.key: no PEM certificate found \(other PEM blocks only\)\n$/],
    [[], /^redsec: tls inspect needs a URL \(live\) or --cert FILE \(offline\)\n$/],
    [['--cert', 'GOOD', '--warn-days', 'soon'], /^redsec: --warn-days must be a whole number/],
  ])('exits 2 with one line for bad input %j', async (args, message) => {
    const files: Record<string, string> = { GARBAGE: path('good', 'garbage.crt'), MISSING: path('good', 'missing.crt'), KEY: path('good', 'server.key'), GOOD: path('good', 'server.crt') };
    const r = await cli('tls', 'inspect', ...args.map((a) => files[a] ?? a));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toContain('PRIVATE KEY');
  });
});

describe('redsec tls inspect URL (live)', () => {
  it('probes the port and passes the modern profile with mutual TLS', async () => {
    const r = await cli('tls', 'inspect', `rediss://127.0.0.1:${server.tlsPort}`, '--cacert', path('good', 'ca.crt'), '--cert', path('good', 'client-app.crt'), '--key', path('good', 'client-app.key'), '--profile', 'modern', '--require-client-auth', '--format', 'json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { results: { kind: string; session: { protocols: string[]; clientAuth: string }; analysis: { compliant: boolean } }[] };
    expect(json.results[0]).toMatchObject({ kind: 'live', session: { protocols: ['TLSv1.3'], clientAuth: 'required' }, analysis: { compliant: true } });
  });

  it('exits 1 when the dialled name is not in the SANs', async () => {
    const r = await cli('tls', 'inspect', `rediss://127.0.0.1:${server.tlsPort}`, '--cacert', path('good', 'ca.crt'), '--servername', 'redis.example', '--profile', 'modern');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL {2}certificate-hostname +redis\.example is not in the subjectAltName \(DNS:localhost, IP:127\.0\.0\.1\)/);
  });

  it('judges the chain against public roots without --cacert, and fails a private CA there', async () => {
    const r = await cli('tls', 'inspect', `rediss://127.0.0.1:${server.tlsPort}`, '--profile', 'modern');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL {2}certificate-trust +chain does not verify: .*not among the trusted CA certificates/);
  });

  it('exits 3 with E604 when the port does not speak TLS', async () => {
    const plain = await startRedis({});
    try {
      const r = await cli('tls', 'inspect', `rediss://127.0.0.1:${plain.port}`, '--timeout', '1500');
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/^redsec: E604: .*plain/);
    } finally {
      await plain.stop();
    }
  });

  it('exits 2 for a bad URL or a client certificate without its key', async () => {
    expect((await cli('tls', 'inspect', 'rediss://127.0.0.1:99999')).code).toBe(2);
    const r = await cli('tls', 'inspect', `rediss://127.0.0.1:${server.tlsPort}`, '--cert', path('good', 'client-app.crt'));
    expect(r).toMatchObject({ code: 2, stderr: 'redsec: --cert and --key go together for a client certificate\n' });
  });
});
