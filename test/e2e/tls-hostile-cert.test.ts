/**
 * A certificate is someone else's text (issue 10, item 11): its subject and SANs may hold ESC
 * sequences, BEL, newlines and lines that look like redsec's own. `tls inspect` shows them as
 * escapes, offline and live (a real redis-server serving the certificate), never raw.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { cli } from '../helpers/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'redsec-tls-hostile-'));
const cert = join(dir, 'hostile.crt');
const key = join(dir, 'hostile.key');
let server: RedisServer;

beforeAll(async () => {
  // openssl writes what it is given: ESC colour codes, a newline and a forged result line in the
  // subject, an OSC title sequence ending in BEL in a DNS SAN.
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '90',
    '-subj', '/O=\x1b[31mRed\x1b[0m/CN=evil\n  result: compliant with Mozilla intermediate',
    '-addext', 'subjectAltName=DNS:a\x1b]0;pwned\x07.example,DNS:localhost,IP:127.0.0.1',
  ], { stdio: 'ignore' });
  server = await startRedis({ tls: { cert, key, ca: cert, authClients: 'no', plain: false } });
});

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function expectNeutralised(stdout: string): void {
  expect(stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
  expect(stdout).toContain('\\x1b[31mRed\\x1b[0m');
  expect(stdout).toContain('a\\x1b]0;pwned\\x07.example');
  // The only result line is redsec's own, at the end.
  expect(stdout.split('\n').filter((l) => l.trimStart().startsWith('result:'))).toHaveLength(1);
}

describe('tls inspect with a hostile certificate', () => {
  it('offline: subject, issuer and SAN are shown with escapes', async () => {
    const r = await cli(['tls', 'inspect', '--cert', cert]);
    expect(r.stdout).toMatch(/subject {5}O=/);
    expectNeutralised(r.stdout);
  });

  it('live: the certificate a server presents is shown the same way', async () => {
    const r = await cli(['tls', 'inspect', `rediss://127.0.0.1:${server.tlsPort}`, '--insecure']);
    expect(r.stderr).toBe('');
    expectNeutralised(r.stdout);
  });
});
