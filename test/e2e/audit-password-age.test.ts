/**
 * What rotation makes checkable in `redsec audit`, on a real server: AUTH-PASSWORD-AGE from the
 * state file a real `redsec rotate password` wrote and from a dated baseline (unknown without
 * either, never pass), and TLS-CERT's expiry window as a flag against the certificate the server serves.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { testPki } from '../helpers/pki.js';
import { cli } from '../helpers/run-cli.js';
import type { Finding, Report } from '../../src/report/types.js';

const ADMIN_PW = 'age-admin-pw-5d21';
const OLD = 'age-app-old-pw-77b0';
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const USERS = ['user default off', `user admin on >${ADMIN_PW} ~* &* +@all`, `user app on >${OLD} ~app:* resetchannels -@all +@read +@write`];
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

let work: string;
let server: RedisServer;
const file = (name: string, text: string) => {
  const p = join(work, name);
  writeFileSync(p, text, { mode: 0o600 });
  return p;
};

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'redsec-audit-age-'));
  file('admin.pw', ADMIN_PW);
  const pki = testPki();
  server = await startRedis({ files: { 'users.acl': `${USERS.join('\n')}\n` }, overrides: { aclfile: 'users.acl' }, tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca, authClients: 'no' } });
});
afterAll(async () => {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

const url = () => `redis://127.0.0.1:${server.port}`;

async function audit(...extra: string[]): Promise<{ code: number; stderr: string; findings: Finding[]; stdout: string }> {
  const r = await cli(['audit', url(), '--user', 'admin', '--password-file', join(work, 'admin.pw'), '--format', 'json', '--fail-on', 'critical', ...extra]);
  const findings = r.code === 2 ? [] : (JSON.parse(r.stdout) as Report).findings;
  return { code: r.code, stderr: r.stderr, stdout: r.stdout, findings };
}
const age = (fs: Finding[]) => fs.filter((f) => f.id === 'AUTH-PASSWORD-AGE');

describe('AUTH-PASSWORD-AGE on a real server', () => {
  it('without a date source: unknown (level 4 not proven), never pass', async () => {
    const r = await audit();
    expect(r.code).toBe(0);
    expect(age(r.findings).map((f) => f.status)).toEqual(['unknown']);
    expect(age(r.findings)[0]?.evidence).toContain('--rotation-state FILE');
  });

  it('after a real rotation: the state file dates the new password, a dated baseline the admin\'s; PCI DSS 90 days', async () => {
    const state = join(work, 'app.rotation.json');
    const secret = join(work, 'app.pw');
    const rot = (phase: string, ...extra: string[]) =>
      cli(['rotate', 'password', phase, url(), '--user', 'app', '--admin-user', 'admin', '--admin-password-file', join(work, 'admin.pw'), '--state', state, ...extra]);
    expect((await rot('begin', '--secret-out', secret, '--apply')).code).toBe(0);
    // Mid-rotation the old password is only known to predate begin: unknown, not pass.
    const mid = await audit('--rotation-state', state, '--profile', 'compliance');
    expect(age(mid.findings).map((f) => [f.status, f.subject])).toEqual([
      ['unknown', 'user admin'],
      ['unknown', 'user app'],
    ]);
    expect(age(mid.findings)[1]?.evidence).toContain('only a lower bound');
    expect((await rot('finish', '--secret-file', secret, '--apply')).code).toBe(0);

    const recent = file('recent.json', JSON.stringify({ version: 1, passwords: [{ user: 'admin', sha256: sha(ADMIN_PW), set_at: daysAgo(10), target: url() }] }));
    const ok = await audit('--rotation-state', state, '--password-dates', recent, '--profile', 'compliance');
    expect(age(ok.findings).map((f) => f.status)).toEqual(['pass']);
    expect(age(ok.findings)[0]?.evidence).toMatch(/^2 password\(s\) of 2 user\(s\) set within the last 90 days \(PCI DSS 8\.3\.9/);

    const stale = file('stale.json', JSON.stringify({ version: 1, passwords: [{ user: 'admin', sha256: sha(ADMIN_PW), set_at: daysAgo(120) }] }));
    const old = await audit('--rotation-state', state, '--password-dates', stale, '--profile', 'compliance');
    expect(age(old.findings).map((f) => [f.status, f.subject, f.severity])).toEqual([['fail', 'user admin', 'medium']]);
    expect(age(old.findings)[0]?.evidence).toMatch(/older than 90 days .* \(120 days ago, per .*stale\.json\)/);
    // Without a compliance profile the maximum is 365 days.
    expect(age((await audit('--rotation-state', state, '--password-dates', stale)).findings).map((f) => f.status)).toEqual(['pass']);
    // Records of another server date nothing here.
    const elsewhere = file('elsewhere.json', JSON.stringify({ version: 1, passwords: [{ user: 'admin', sha256: sha(ADMIN_PW), set_at: daysAgo(1), target: 'redis://10.9.9.9:6379' }] }));
    expect(age((await audit('--rotation-state', state, '--password-dates', elsewhere)).findings).map((f) => [f.status, f.subject])).toEqual([['unknown', 'user admin']]);
    // Neither the state file nor any output holds a password.
    const NEW = readFileSync(secret, 'utf8').trim();
    expect(readFileSync(state, 'utf8')).not.toContain(NEW);
    expect(old.stdout).not.toContain(NEW);
    expect(old.stdout).not.toContain(ADMIN_PW);
  });

  it('bad date files and windows: one line, exit 2, naming the file and the entry', async () => {
    const bad = file('bad.json', JSON.stringify({ version: 1, passwords: [{ user: 'admin', sha256: 'ABC', set_at: '2026-01-01' }] }));
    const r = await audit('--password-dates', bad);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('bad.json: passwords[0].sha256 is not 64 lowercase hex characters');
    const missing = await audit('--rotation-state', join(work, 'nope.json'));
    expect([missing.code, missing.stderr.trim()]).toEqual([2, expect.stringContaining('nope.json: cannot read rotation state file (ENOENT)')]);
    const w = await audit('--cert-expiry-window', '0d');
    expect([w.code, w.stderr.trim()]).toEqual([2, expect.stringContaining('--cert-expiry-window must be a number of days from 1 to 3650')]);
  });
});

describe('TLS-CERT expiry window as a flag', () => {
  it('the served 30-day certificate is inside the default 30-day window, outside a 7-day one', async () => {
    const pki = testPki();
    const run = (...extra: string[]) =>
      cli(['audit', `rediss://127.0.0.1:${server.tlsPort}`, '--cacert', pki.ca, '--user', 'admin', '--password-file', join(work, 'admin.pw'), '--format', 'json', '--fail-on', 'critical', ...extra]);
    const cert = (stdout: string) => (JSON.parse(stdout) as Report).findings.filter((f) => f.id === 'TLS-CERT');
    // One after another: cli() captures this process's stdout, so runs must not overlap.
    const byDefault = await run();
    const narrow = await run('--cert-expiry-window', '7d');
    const wide = await run('--cert-expiry-window', '400');
    for (const r of [byDefault, narrow, wide]) expect([r.code, r.stderr]).toEqual([0, '']);
    expect(cert(byDefault.stdout).some((f) => f.status === 'fail' && /expires in \d+ day\(s\), within the 30-day window/.test(f.evidence))).toBe(true);
    expect(cert(narrow.stdout).some((f) => /expires in/.test(f.evidence))).toBe(false);
    expect(cert(wide.stdout).some((f) => /within the 400-day window/.test(f.evidence))).toBe(true);
  });
});
