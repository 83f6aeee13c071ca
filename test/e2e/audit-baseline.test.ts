/**
 * IOC-HIJACKED-PASSWORD: a server booted with the users.acl `redsec generate` wrote, audited with
 * that file as the baseline; then an intruder sets a password of their own and adds a user.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawConnect } from '../helpers/raw-client.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { cli } from '../helpers/run-cli.js';

const out = mkdtempSync(join(tmpdir(), 'redsec-baseline-'));
let server: RedisServer;
let adminPassword = '';

interface JsonFinding {
  id: string;
  status: string;
  evidence: string;
}

async function hijackFindings(): Promise<{ code: number; stdout: string; findings: JsonFinding[] }> {
  const r = await cli(['audit', `redis://admin@127.0.0.1:${server.port}`, '--baseline', join(out, 'users.acl'), '--format', 'json'], {
    REDSEC_PASSWORD: adminPassword,
  });
  const report = JSON.parse(r.stdout) as { findings: JsonFinding[] };
  return { code: r.code, stdout: r.stdout, findings: report.findings.filter((f) => f.id === 'IOC-HIJACKED-PASSWORD') };
}

beforeAll(async () => {
  const gen = await cli(['generate', '--level', 'standard', '--exposure', 'localhost', '--out', out]);
  expect(gen.code).toBe(0);
  adminPassword = /^REDIS_ADMIN_PASSWORD=(\S+)$/m.exec(readFileSync(join(out, 'secrets.env'), 'utf8'))?.[1] ?? '';
  server = await startRedis({ files: { 'users.acl': readFileSync(join(out, 'users.acl'), 'utf8') }, config: 'aclfile users.acl' });
});
afterAll(async () => {
  await server?.stop();
  rmSync(out, { recursive: true, force: true });
});

describe('audit --baseline', () => {
  it('passes while the server has exactly the approved users and passwords', async () => {
    const { findings } = await hijackFindings();
    expect(findings).toEqual([expect.objectContaining({ status: 'pass' })]);
    expect(findings[0]?.evidence).toMatch(/enabled user\(s\) match the baseline .*users\.acl: no unknown user or password$/);
  });

  it('names a password and a user the owner did not set, without printing either secret', async () => {
    const c = await rawConnect(server.port);
    try {
      expect(await c.call('AUTH', 'admin', adminPassword)).toBe('OK');
      expect(await c.call('ACL', 'SETUSER', 'app', '>intruder-secret-1')).toBe('OK');
      expect(await c.call('ACL', 'SETUSER', 'intruder', 'on', '>intruder-secret-2', '~*', '+@all')).toBe('OK');
    } finally {
      c.close();
    }
    const { code, stdout, findings } = await hijackFindings();
    expect(code).toBe(1);
    expect(findings.map((f) => f.evidence)).toEqual([
      expect.stringMatching(/^user app has 1 password\(s\) that are not in the baseline .*users\.acl$/),
      expect.stringMatching(/^enabled user intruder is not in the baseline .*users\.acl$/),
    ]);
    expect(stdout).not.toMatch(/intruder-secret|[0-9a-f]{64}/);
  });

  it('a malformed baseline is bad input with file:line, before any connection', async () => {
    const bad = join(out, 'bad.acl');
    writeFileSync(bad, 'user ok on nopass\nuser broken on +nosuchcommand\n');
    const r = await cli(['audit', 'redis://127.0.0.1:1', '--baseline', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(new RegExp(`^redsec: ${bad}:2: `));
  });
});
