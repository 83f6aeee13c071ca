/**
 * Remediations that do no harm (issue 11 item 10), applied to real servers: the commands a finding
 * prints are run as printed (redis-cli pointed at the test port; the dedicated data directory moved
 * under the test's temp dir), then the server must still answer its operator and the finding pass.
 * Also the evidence of item 9 on a live server and its file: `requirepass ""` is named at its line.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { auditTarget, lintFiles } from '../../src/audit/index.js';
import type { Finding, Report } from '../../src/report/types.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';

const root = mkdtempSync(join(tmpdir(), 'redsec-remedy-'));
const servers: RedisServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
  rmSync(root, { recursive: true, force: true });
});

const finding = (r: Report, id: string): Finding | undefined => r.findings.find((f) => f.id === id && f.status === 'fail') ?? r.findings.find((f) => f.id === id);

/** Runs a remediation's command text in bash with redis-cli bound to the test server; `after` runs in the same shell. */
function apply(command: string, port: number, after = ''): string {
  const script = `set -e\nredis-cli() { command redis-cli -h 127.0.0.1 -p ${port} "$@"; }\n${command}\n${after}`;
  return execFileSync('bash', ['-c', script], { encoding: 'utf8', timeout: 30_000 });
}

function cliAs(port: number, args: string[], env: Record<string, string> = {}): string {
  try {
    return execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (e) {
    return String((e as { stdout?: string }).stdout ?? '').trim();
  }
}

describe('turning default off on a stock server (only default, no password)', () => {
  it('the printed sequence creates an admin first, and applied as printed leaves the operator in and the findings passing', async () => {
    const server = await startRedis({ config: 'protected-mode yes' });
    servers.push(server);
    const before = await auditTarget(`redis://127.0.0.1:${server.port}`, { profile: null });
    const ids = ['AUTH-NOPASS-DEFAULT', 'AUTH-DEFAULT-USER-ENABLED', 'NET-UNAUTH-REACHABLE'];
    for (const id of ids) {
      const f = finding(before, id);
      expect([id, f?.status]).toEqual([id, 'fail']);
      const cmd = f?.remediation.command ?? '';
      // Never the bare lock-out: an administrator is created and checked before default goes off.
      expect(cmd.indexOf('ACL SETUSER admin')).toBeGreaterThanOrEqual(0);
      expect(cmd.indexOf('PING')).toBeGreaterThan(cmd.indexOf('ACL SETUSER admin'));
      expect(cmd.indexOf('ACL SETUSER default off')).toBeGreaterThan(cmd.indexOf('PING'));
      expect(cmd).toMatch(/CONFIG REWRITE$/); // no aclfile: the users are persisted into redis.conf
      expect(f?.remediation.text).toMatch(/only account that can administer/);
    }
    // Apply the first one exactly as printed; keep the generated password to log in with afterwards.
    const pwFile = join(root, 'admin.pw');
    const out = apply(finding(before, 'AUTH-NOPASS-DEFAULT')?.remediation.command ?? '', server.port, `printf '%s' "$ADMIN_PASSWORD" > ${pwFile}`);
    expect(out).toMatch(/PONG/);
    const password = readFileSync(pwFile, 'utf8');
    expect(password).toMatch(/^[0-9a-f]{64}$/);

    expect(cliAs(server.port, ['PING'])).toMatch(/NOAUTH/);
    expect(cliAs(server.port, ['--user', 'admin', 'PING'], { REDISCLI_AUTH: password })).toBe('PONG');
    const after = await auditTarget(`redis://admin:${password}@127.0.0.1:${server.port}`, { profile: null });
    for (const id of ids) expect([id, finding(after, id)?.status]).toEqual([id, 'pass']);

    // Persisted: a server booted from the rewritten file has the admin and default off.
    const saved = join(root, 'rewritten.conf');
    copyFileSync(join(server.dir, 'redis.conf'), saved);
    expect(readFileSync(saved, 'utf8')).toMatch(/^user default off/m);
    const again = await startRedis({ configFile: saved });
    servers.push(again);
    expect(cliAs(again.port, ['PING'])).toMatch(/NOAUTH/);
    expect(cliAs(again.port, ['--user', 'admin', 'PING'], { REDISCLI_AUTH: password })).toBe('PONG');
  }, 60_000);

  it('with another enabled administrator, the steps run as that user, never as default', async () => {
    const server = await startRedis({ files: { 'users.acl': 'user default on nopass ~* &* +@all\nuser ops on >ops-pw-0123456789 ~* &* +@all\n' }, config: 'aclfile users.acl' });
    servers.push(server);
    const report = await auditTarget(`redis://127.0.0.1:${server.port}`, { profile: null });
    const cmd = finding(report, 'AUTH-DEFAULT-USER-ENABLED')?.remediation.command ?? '';
    expect(cmd).toContain('--user ops ACL SETUSER default off');
    expect(cmd).toMatch(/--user ops ACL SAVE$/m);
    // The operator supplies the administrator's password; the rest runs as printed.
    const out = apply(`ADMIN_PASSWORD='ops-pw-0123456789'\n${cmd}`, server.port);
    expect(out.split('\n')[0]).toBe('PONG');
    expect(cliAs(server.port, ['PING'])).toMatch(/NOAUTH/);
    expect(cliAs(server.port, ['--user', 'ops', 'PING'], { REDISCLI_AUTH: 'ops-pw-0123456789' })).toBe('PONG');
    expect(readFileSync(join(server.dir, 'users.acl'), 'utf8')).toMatch(/^user default off/m);
    const after = await auditTarget(`redis://ops:ops-pw-0123456789@127.0.0.1:${server.port}`, { profile: null });
    for (const id of ['AUTH-NOPASS-DEFAULT', 'AUTH-DEFAULT-USER-ENABLED', 'NET-UNAUTH-REACHABLE']) expect([id, finding(after, id)?.status]).toEqual([id, 'pass']);
  }, 60_000);
});

describe('DATA-DIR-PERMS for a data directory shared with the host (a sticky 1777 dir, like /tmp)', () => {
  it('never chmods the shared directory; the move applied as printed keeps the data and the finding passes', async () => {
    const shared = join(root, 'shared-tmp');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    const server = await startRedis({ overrides: { dir: shared, save: '3600 1' } });
    servers.push(server);
    cliAs(server.port, ['SET', 'kept', 'value']);
    const before = await auditTarget(`redis://127.0.0.1:${server.port}`, { profile: null });
    const f = finding(before, 'DATA-DIR-PERMS');
    expect(f?.status).toBe('fail');
    const cmd = f?.remediation.command ?? '';
    expect(cmd).not.toMatch(/chmod/);
    expect(cmd).toContain('install -d -o redis -g redis -m 0750 /var/lib/redis');
    expect(f?.remediation.config).toBe('dir /var/lib/redis');

    // As printed, with the dedicated directory under the test's temp dir and the supervisor's start done by the harness.
    const dedicated = join(root, 'var-lib-redis');
    apply(cmd.replaceAll('/var/lib/redis', dedicated).replace(/^systemctl .*$/m, ''), server.port);
    expect(statSync(shared).mode & 0o7777).toBe(0o1777);
    expect(statSync(dedicated).mode & 0o777).toBe(0o750);
    const moved = await startRedis({ overrides: { dir: dedicated, save: '3600 1' } });
    servers.push(moved);
    expect(cliAs(moved.port, ['GET', 'kept'])).toBe('value');
    const after = await auditTarget(`redis://127.0.0.1:${moved.port}`, { profile: null });
    expect(finding(after, 'DATA-DIR-PERMS')?.status).toBe('pass');
  }, 60_000);
});

describe('evidence says what is true (issue 11 item 9)', () => {
  it('requirepass "" is named at its line, live and in lint; a compiled default says "(the default)"', async () => {
    const conf = join(root, 'empty-pass.conf');
    writeFileSync(conf, 'port 6379\nrequirepass ""\n');
    const lint = lintFiles(conf, { profile: null, redisVersion: '7.0' });
    const nopass = finding(lint, 'AUTH-NOPASS-DEFAULT');
    expect(nopass).toMatchObject({ status: 'fail', location: { line: 2 } });
    expect(nopass?.evidence).toMatch(/requirepass "" sets no password/);
    expect(finding(lint, 'ACL-SKIP-SANITIZE')?.evidence).toBe('sanitize-dump-payload no (the default)');
    expect(finding(lint, 'DATA-MAXMEMORY')?.evidence).toMatch(/^maxmemory 0 \(the default\)/);
    // The server is the oracle: booted with the same file, the default user needs no password.
    const server = await startRedis({ configFile: conf });
    servers.push(server);
    expect(cliAs(server.port, ['PING'])).toBe('PONG');
    expect(cliAs(server.port, ['CONFIG', 'GET', 'sanitize-dump-payload'])).toMatch(/\bno$/);
  }, 30_000);
});
