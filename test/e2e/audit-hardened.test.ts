/**
 * The other side of the matrix: a server built from `redsec generate --level hardened` (the generate
 * library, booted for real) has no failing finding at or above medium when audited live, reaches
 * the level of its profile modulo what a remote audit cannot prove, and lint of the same bundle
 * agrees.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateBundle, writeBundle, type Plan } from '../../src/generate/index.js';
import { parseProfile } from '../../src/profile/index.js';
import { auditTarget, lintFiles, profileFromLevel } from '../../src/audit/index.js';
import type { Finding, Report } from '../../src/report/types.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { freePort } from '../helpers/ports.js';

const root = mkdtempSync(join(tmpdir(), 'redsec-hardened-'));
const AT_LEAST_MEDIUM = new Set(['critical', 'high', 'medium']);
const show = (fs: Finding[]) => fs.map((f) => `${f.id} ${f.severity}: ${f.evidence}`).join('\n');

describe('audit of a hardened server built by generate', () => {
  let server: RedisServer;
  let plan: Plan;
  let dir: string;
  let report: Report;
  let adminPw: string;
  beforeAll(async () => {
    const profile = parseProfile({ security_level: 'hardened', network_exposure: 'private_network', redis_version: '7.0', bind: ['127.0.0.1'], config_dir: root });
    const generated = await generateBundle(profile);
    plan = generated.plan;
    dir = await writeBundle(join(root, 'bundle'), generated.files);
    const secrets = readFileSync(join(dir, 'secrets.env'), 'utf8');
    adminPw = /^REDIS_ADMIN_PASSWORD=(\S+)$/m.exec(secrets)?.[1] ?? '';
    expect(adminPw).toMatch(/^[0-9a-f]{64}$/);
    const tlsPort = await freePort();
    server = await startRedis({
      configFile: join(dir, 'redis.conf'),
      overrides: {
        aclfile: join(dir, 'users.acl'),
        port: '0',
        'tls-port': String(tlsPort),
        'tls-cert-file': join(dir, 'tls/redis.crt'),
        'tls-key-file': join(dir, 'tls/redis.key'),
        'tls-ca-cert-file': join(dir, 'tls/ca.crt'),
      },
    });
    report = await auditTarget(`rediss://admin:${adminPw}@localhost:${tlsPort}`, {
      profile: profileFromLevel('hardened'),
      tls: { ca: join(dir, 'tls/ca.crt'), cert: join(dir, 'tls/clients/admin.crt'), key: join(dir, 'tls/clients/admin.key') },
    });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  /**
   * The test harness starts redis-server as the test user; when that is root (as in CI containers)
   * OS-ROOT rightly fails: correct detection of the environment, not of the bundle, so it is the
   * one exclusion here (and asserted to fail, so the exclusion cannot hide anything else).
   */
  const environmental = (f: Finding) => f.id === 'OS-ROOT' && process.getuid?.() === 0;
  const failingAtLeastMedium = (r: Report) => r.findings.filter((f) => f.status === 'fail' && AT_LEAST_MEDIUM.has(f.severity) && !environmental(f));
  const statusOf = (r: Report, id: string) => r.findings.filter((f) => f.id === id).map((f) => f.status);

  it('has no failing finding at or above medium', () => {
    expect(plan.tls).not.toBeNull();
    const failing = failingAtLeastMedium(report);
    expect(failing, show(failing)).toEqual([]);
    expect(report.server).toEqual({ flavor: 'redis', version: '7.0.15', tables: { id: '7.0', from: 'Redis 7.0.15' } });
    expect(JSON.stringify(report)).not.toContain(adminPw);
    if (process.getuid?.() === 0) expect(report.findings.find((f) => f.id === 'OS-ROOT')?.status).toBe('fail');
  });

  it('generate and the rules agree: the readonly user is limited to the prefixes, replication links use TLS', () => {
    expect(plan.users.find((u) => u.name === 'readonly')?.rules).toContain('%R~app:*');
    expect(statusOf(report, 'ACL-ALLKEYS')).toEqual(['pass']);
    expect(statusOf(report, 'TLS-INTERNODE')).toEqual(['pass']);
  });

  it('nothing unknown for lack of access: the audit user saw config, users and the TLS listener', () => {
    const unknownIds = report.findings.filter((f) => f.status === 'unknown').map((f) => `${f.id}: ${f.evidence}`);
    expect(unknownIds.join('\n')).not.toMatch(/CONFIG GET \* failed|ACL LIST failed|TLS probe failed/);
  });

  it('lint of the same bundle has no failing finding at or above medium from the config or users', () => {
    const lint = lintFiles(join(dir, 'redis.conf'), { profile: profileFromLevel('hardened'), redisVersion: '7.0', aclPath: join(dir, 'users.acl') });
    const failing = lint.findings.filter((f) => f.status === 'fail' && AT_LEAST_MEDIUM.has(f.severity) && f.location);
    expect(failing, show(failing)).toEqual([]);
    // The bundle's files hold nothing 7.0 rejects and no directive twice.
    const status = (id: string) => lint.findings.filter((f) => f.id === id).map((f) => f.status);
    expect([...status('CONF-UNKNOWN-DIRECTIVE'), ...status('CONF-DUPLICATE-DIRECTIVE')]).toEqual(['pass', 'pass']);
  });
});
