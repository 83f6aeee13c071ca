/**
 * `redsec audit` end to end through the CLI against real servers: formats, --fail-on, waivers,
 * --profile gap, fleets with a dead target, credentials from every source, and no secret in output.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { freePort } from '../helpers/ports.js';
import { reportJsonSchema } from '../../src/report/index.js';
import type { Report } from '../../src/report/types.js';
import { cli } from '../helpers/run-cli.js';

const PW = 'cli-admin-secret-1f3a';
const dir = mkdtempSync(join(tmpdir(), 'redsec-audit-cli-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text, { mode: 0o600 });
  return p;
};
const PWFILE = file('pw', `${PW}\n`);

describe('redsec audit (CLI)', () => {
  let good: RedisServer;
  let open: RedisServer;
  let deadPort: number;
  beforeAll(async () => {
    [good, open] = await Promise.all([
      startRedis({ config: ['user default off', `user admin on >${PW} ~* &* +@all`, 'timeout 300'].join('\n') }),
      startRedis({ config: 'user default on nopass ~* &* +@all' }),
    ]);
    deadPort = await freePort();
  });
  afterAll(async () => {
    await Promise.all([good?.stop(), open?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const goodUrl = () => `redis://127.0.0.1:${good.port}`;

  it('json: one valid report, every rule once or more, password from --password-file never shown', async () => {
    const r = await cli(['audit', goodUrl(), '--user', 'admin', '--password-file', PWFILE, '--format', 'json', '--fail-on', 'critical']);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as Report;
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(reportJsonSchema());
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.server).toEqual({ flavor: 'redis', version: '7.0.15', tables: { id: '7.0', from: 'Redis 7.0.15' } });
    expect(report.target).toBe(`redis://127.0.0.1:${good.port}`);
    expect(new Set(report.findings.map((f) => f.id)).size).toBeGreaterThanOrEqual(60);
    expect(r.stdout).not.toContain(PW);
    expect(r.code).toBe(report.findings.some((f) => f.status === 'fail' && f.severity === 'critical') ? 1 : 0);
  });

  it('--fail-on decides the exit code; every format renders', async () => {
    const env = { REDSEC_PASSWORD: PW };
    const low = await cli(['audit', goodUrl(), '--user', 'admin', '--fail-on', 'info', '--format', 'json'], env);
    const report = JSON.parse(low.stdout) as Report;
    expect(report.findings.some((f) => f.status === 'fail')).toBe(true);
    expect(low.code).toBe(1);
    for (const format of ['text', 'sarif', 'markdown', 'html']) {
      const r = await cli(['audit', goodUrl(), '--user', 'admin', '--format', format, '--fail-on', 'critical'], env);
      expect([0, 1]).toContain(r.code);
      expect(r.stdout.length).toBeGreaterThan(100);
      expect(r.stdout).not.toContain(PW);
    }
  });

  it('REDISCLI_AUTH works like redis-cli; a wrong password is E603 and exit 3', async () => {
    const ok = await cli(['audit', goodUrl(), '--user', 'admin', '--format', 'json', '--fail-on', 'critical'], { REDISCLI_AUTH: PW, REDSEC_PASSWORD: undefined });
    expect([0, 1]).toContain(ok.code);
    const bad = await cli(['audit', goodUrl(), '--user', 'admin'], { REDSEC_PASSWORD: 'wrong-pw-7788', REDISCLI_AUTH: undefined });
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/E603/);
    expect(bad.stderr).not.toContain('wrong-pw-7788');
    expect(bad.stdout).toBe('');
  });

  it('no credentials on a server that needs them: E601, exit 3', async () => {
    const r = await cli(['audit', goodUrl()], { REDSEC_PASSWORD: undefined, REDISCLI_AUTH: undefined });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^redsec: E601/);
  });

  it('an open server fails critical checks: exit 1 with the default --fail-on high', async () => {
    const r = await cli(['audit', `redis://127.0.0.1:${open.port}`, '--format', 'json'], { REDSEC_PASSWORD: undefined, REDISCLI_AUTH: undefined });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as Report;
    const failing = report.findings.filter((f) => f.status === 'fail').map((f) => f.id);
    expect(failing).toEqual(expect.arrayContaining(['NET-UNAUTH-REACHABLE', 'AUTH-NOPASS-DEFAULT']));
    expect(report.level_achieved).toBe(0);
  });

  it('waivers: a live waiver turns the failure into waived (exit 0); an expired one does not', async () => {
    const url = `redis://127.0.0.1:${open.port}`;
    const base = JSON.parse((await cli(['audit', url, '--format', 'json'])).stdout) as Report;
    const failing = [...new Set(base.findings.filter((f) => f.status === 'fail' && ['critical', 'high'].includes(f.severity)).map((f) => f.id))];
    const live = file('live.json', JSON.stringify({ waivers: failing.map((id) => ({ id, target: '127.0.0.1:*', reason: 'test fixture', expires: '2999-12-31' })) }));
    const r = await cli(['audit', url, '--format', 'json', '--waivers', live]);
    const waived = JSON.parse(r.stdout) as Report;
    expect(r.code).toBe(0);
    expect(waived.summary.waived).toBeGreaterThanOrEqual(failing.length);
    expect(waived.waivers?.every((w) => w.state === 'applied')).toBe(true);
    const expired = file('expired.json', JSON.stringify([{ id: 'AUTH-NOPASS-DEFAULT', reason: 'old', expires: '2020-01-01' }]));
    const e = await cli(['audit', url, '--format', 'json', '--waivers', expired]);
    const er = JSON.parse(e.stdout) as Report;
    expect(e.code).toBe(1);
    expect(er.findings.find((f) => f.id === 'AUTH-NOPASS-DEFAULT')).toMatchObject({ status: 'fail', waiver: { expired: true } });
    expect(er.waivers?.[0]?.state).toBe('expired');
    const broken = file('broken.json', '[{"id":"AUTH-NOPASS-DEFAULT","reason":"x","expires":"someday"}]');
    const b = await cli(['audit', url, '--waivers', broken]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/broken\.json: 0\.expires/);
  });

  it('--profile: the gap names the rules between the server and the level, with drift from the generate plan', async () => {
    const r = await cli(['audit', goodUrl(), '--user', 'admin', '--profile', 'hardened', '--format', 'json', '--fail-on', 'critical'], { REDSEC_PASSWORD: PW });
    const report = JSON.parse(r.stdout) as Report;
    expect(report.profile).toMatchObject({ security_level: 'hardened' });
    expect(report.gap?.target_level).toBe(3);
    expect(report.gap?.failing).toContain('TLS-DISABLED');
    expect(report.gap?.drift?.map((d) => d.directive)).toContain('tls-protocols');
    expect(report.level_achieved).toBeLessThan(3);
  });

  it('a fleet: several targets concurrently, one JSON array, the dead one reported, exit 3', async () => {
    const targets = file('targets.txt', `# fleet\n${goodUrl()}\nredis://127.0.0.1:${open.port}\n\nredis://127.0.0.1:${deadPort}  # down\n`);
    const r = await cli(['audit', '--targets', targets, '--user', 'admin', '--format', 'json', '--concurrency', '3'], { REDSEC_PASSWORD: PW });
    const reports = JSON.parse(r.stdout) as Report[];
    expect(reports.map((x) => x.target)).toEqual([goodUrl(), `redis://127.0.0.1:${open.port}`, `redis://127.0.0.1:${deadPort}`]);
    expect(reports[2]?.error?.code).toBe('CONNREFUSED');
    expect(reports[0]?.findings.length).toBeGreaterThan(60);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/CONNREFUSED/);
    expect(r.stdout).not.toContain(PW);
  });

  it.each([
    [['audit'], /at least one URL/],
    [['audit', 'http://127.0.0.1:6379'], /unsupported scheme/],
    [['audit', 'redis://127.0.0.1:99999'], /out of range/],
    [['audit', 'redis://127.0.0.1:6379', '--fail-on', 'severe'], /--fail-on/],
    [['audit', 'redis://127.0.0.1:6379', '--format', 'pdf'], /format/],
    [['audit', 'redis://127.0.0.1:6379', '--profile', 'ultra'], /not a level/],
    [['audit', 'redis://127.0.0.1:6379', '--concurrency', '0'], /--concurrency/],
    [['audit', 'redis://127.0.0.1:6379', '--cert', 'x.crt'], /--cert and --key/],
    [['audit', 'redis://127.0.0.1:1', 'redis://127.0.0.1:2', '--password-file', '/nonexistent/pw'], /cannot read password file/],
    [['audit', 'redis://127.0.0.1:6379', '--targets', '/nonexistent/targets.txt'], /cannot read targets file/],
  ])('usage errors exit 2 with one line: %j', async (args, msg) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });

  it('a password in the URL is masked everywhere', async () => {
    const r = await cli(['audit', `redis://admin:${PW}@127.0.0.1:${good.port}`, '--format', 'json', '--fail-on', 'critical']);
    expect(r.stdout).not.toContain(PW);
    expect((JSON.parse(r.stdout) as Report).target).toBe(`redis://admin:***@127.0.0.1:${good.port}`);
  });
});
