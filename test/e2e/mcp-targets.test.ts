/**
 * `redsec mcp` live tools against real redis-server processes: audit_server and
 * diagnose_connection reach only allowlisted targets, with credentials from the environment or a
 * file named at start (never from the model, never another target's); refused names make no
 * connection at all; failures come back as tool errors with their E60x code; no secret leaks.
 * acl_check is compared with the server's own ACL DRYRUN.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditTarget } from '../../src/audit/index.js';
import { DiagnosisSchema, type Diagnosis } from '../../src/diagnose/index.js';
import { ReportSchema, type Report } from '../../src/report/index.js';
import { parseTarget } from '../../src/resp/index.js';
import { freePort } from '../helpers/ports.js';
import { rawConnect } from '../helpers/raw-client.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { startMcp, structuredOf, textOf, type McpSession } from './mcp-client.js';

const AUDIT_PW = 'mcp-audit-secret-5d9c2e71';
const APP_PW = 'mcp-app-secret-0b7f4a13';
const WRONG_PW = 'mcp-wrong-secret-9e1d6c88';
const dir = mkdtempSync(join(tmpdir(), 'redsec-mcp-targets-'));
const PWFILE = join(dir, 'audit.pw');
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
writeFileSync(PWFILE, `${AUDIT_PW}\n`, { mode: 0o600 });

describe('redsec mcp: live tools on allowlisted targets', () => {
  let secure: RedisServer;
  let open: RedisServer;
  let renamed: RedisServer;
  let decoy: Server;
  let decoyPort: number;
  let decoyConnections = 0;
  let mcp: McpSession;
  const transcript: string[] = [];
  const call = async (name: string, args: Record<string, unknown>) => {
    const r = await mcp.call(name, args);
    transcript.push(JSON.stringify(r));
    return r;
  };

  beforeAll(async () => {
    [secure, open, renamed] = await Promise.all([
      startRedis({ config: ['user default off', `user audit on >${AUDIT_PW} ~* &* +@all`, `user app on >${APP_PW} ~app:* &app:* +@read +publish`].join('\n') }),
      startRedis({ config: 'user default on nopass ~* &* +@all' }),
      startRedis({ config: ['user default on nopass ~* &* +@all', 'rename-command CONFIG cfg_mcp_7Hq2'].join('\n') }),
    ]);
    decoy = createServer((s) => {
      decoyConnections++;
      s.destroy();
    });
    await new Promise<void>((r) => decoy.listen(0, '127.0.0.1', () => r()));
    decoyPort = (decoy.address() as { port: number }).port;
    const dead = await freePort();
    const at = (user: string, port: number) => `redis://${user}@127.0.0.1:${port}`;
    mcp = await startMcp(
      [
        ...['--target', `secure=${at('audit', secure.port)}`, '--password-env', 'secure=MCP_AUDIT_PW'],
        ...['--target', `filepw=${at('audit', secure.port)}`, '--password-file', `filepw=${PWFILE}`],
        ...['--target', `wrong=${at('audit', secure.port)}`, '--password-env', 'wrong=MCP_WRONG_PW'],
        ...['--target', `nopw=${at('audit', secure.port)}`],
        ...['--target', `app=${at('app', secure.port)}`, '--password-env', 'app=MCP_APP_PW', '--admin-user', 'app=audit', '--admin-password-env', 'app=MCP_AUDIT_PW'],
        ...['--target', `open=redis://127.0.0.1:${open.port}`],
        ...['--target', `renamed=redis://127.0.0.1:${renamed.port}`, '--config-command', 'renamed=cfg_mcp_7Hq2'],
        ...['--target', `dead=redis://127.0.0.1:${dead}`],
        '--timeout',
        '3000',
      ],
      // REDSEC_PASSWORD is set on purpose: a target without its own password must not pick it up.
      { MCP_AUDIT_PW: AUDIT_PW, MCP_APP_PW: APP_PW, MCP_WRONG_PW: WRONG_PW, REDSEC_PASSWORD: AUDIT_PW },
    );
  });
  afterAll(async () => {
    await mcp?.close();
    await Promise.all([secure?.stop(), open?.stop(), renamed?.stop(), new Promise((r) => decoy?.close(r))]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('audit_server audits an allowlisted target with its own credentials, as the library does', async () => {
    const r = await call('audit_server', { target: 'secure' });
    expect(r.isError, textOf(r)).toBeFalsy();
    const report = ReportSchema.parse(r.structuredContent) as Report;
    expect(report.target).toBe(`redis://audit@127.0.0.1:${secure.port}`);
    expect(report.server).toMatchObject({ flavor: 'redis' });
    expect(report.server.version).toMatch(/^7\.0\./);
    expect(report.findings.find((f) => f.id === 'AUTH-NOPASS-DEFAULT')?.status).toBe('pass');
    expect(report.findings.find((f) => f.id === 'NET-UNAUTH-REACHABLE')?.status).toBe('pass');
    expect(textOf(r)).toContain('level reached');
    // The same audit through the library directly: the same checks, the same verdicts.
    const direct = await auditTarget(parseTarget(`redis://audit@127.0.0.1:${secure.port}`), { profile: null, env: { REDSEC_PASSWORD: AUDIT_PW } });
    // AUTH-BRUTEFORCE-SIGNALS reads errorstat_NOAUTH, which the first audit's unauthenticated probe
    // itself raises, so the second audit legitimately sees one more NOAUTH.
    const verdicts = (x: Report) => x.findings.filter((f) => f.id !== 'AUTH-BRUTEFORCE-SIGNALS').map((f) => `${f.id}:${f.status}`).sort();
    expect(verdicts(report)).toEqual(verdicts(direct));
  });

  it('audit_server: password from a file, a profile gap, and an open server found open', async () => {
    const fromFile = await call('audit_server', { target: 'filepw', profile: 'hardened' });
    expect(fromFile.isError, textOf(fromFile)).toBeFalsy();
    const report = structuredOf<Report>(fromFile);
    expect(report.profile?.security_level).toBe('hardened');
    expect(report.gap?.target_level).toBe(3);
    const opened = await call('audit_server', { target: 'open' });
    const findings = structuredOf<Report>(opened).findings;
    expect(findings.find((f) => f.id === 'AUTH-NOPASS-DEFAULT')?.status).toBe('fail');
    expect(findings.find((f) => f.id === 'NET-UNAUTH-REACHABLE')?.status).toBe('fail');
  });

  it('audit_server: opt-in key probe and a baseline of approved users, given as text', async () => {
    const baseline = ['user default off', `user audit on #${sha256(AUDIT_PW)} ~* &* +@all`].join('\n');
    const r = await call('audit_server', { target: 'secure', probe_keys: true, baseline_acl_text: baseline });
    expect(r.isError, textOf(r)).toBeFalsy();
    const findings = structuredOf<Report>(r).findings;
    expect(findings.find((f) => f.id === 'IOC-CRON-KEYS')).toMatchObject({ status: 'pass' });
    // app is enabled on the server but not in this baseline.
    expect(findings.filter((f) => f.id === 'IOC-HIJACKED-PASSWORD').map((f) => `${f.status}: ${f.evidence}`)).toEqual([
      'fail: enabled user app is not in the baseline baseline_acl_text',
    ]);
    const both = await call('audit_server', { target: 'secure', baseline_acl_text: baseline, baseline_acl_path: '/etc/passwd' });
    expect(both.isError).toBe(true);
    expect(textOf(both)).toMatch(/at most one of baseline_acl_text, baseline_acl_path/);
  });

  it('audit_server reads CONFIG under the operator\'s --config-command for that target', async () => {
    const r = await call('audit_server', { target: 'renamed' });
    expect(r.isError, textOf(r)).toBeFalsy();
    const findings = structuredOf<Report>(r).findings;
    const rename = findings.find((f) => f.id === 'ACL-RENAME-DEPRECATED');
    expect(rename?.status).toBe('fail');
    expect(rename?.evidence).toContain('--config-command cfg_mcp_7Hq2: COMMAND INFO cfg_mcp_7Hq2 answers for config');
    // CONFIG was readable: the protected-mode rule decided instead of "cannot read".
    expect(findings.filter((f) => /CONFIG GET \* failed/.test(f.evidence))).toEqual([]);
  });

  it('refuses a target that is not allowlisted, without connecting anywhere', async () => {
    const names = ['evil', `redis://127.0.0.1:${decoyPort}`, `127.0.0.1:${decoyPort}`, `secure@127.0.0.1:${decoyPort}`, 'SECURE', '../secure'];
    for (const target of names) {
      for (const tool of ['audit_server', 'diagnose_connection']) {
        const r = await call(tool, { target });
        expect(r.isError, `${tool} ${target}`).toBe(true);
        expect(textOf(r)).toMatch(/not an allowlisted target; choose one of: secure, filepw, wrong, nopw, app, open, renamed, dead/);
      }
    }
    // A URL in an unexpected field is not a way around it either.
    const extra = await call('audit_server', { target: 'secure', url: `redis://127.0.0.1:${decoyPort}` });
    expect(extra.isError).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect(decoyConnections).toBe(0);
  });

  it('authentication and connection failures are tool errors carrying their code', async () => {
    const wrong = await call('audit_server', { target: 'wrong' });
    expect(wrong.isError).toBe(true);
    expect(textOf(wrong)).toMatch(/^E603\b/);
    expect(wrong._meta?.['redsec/code']).toBe('E603');
    // No password of its own: the process's REDSEC_PASSWORD is not borrowed.
    const nopw = await call('audit_server', { target: 'nopw' });
    expect(nopw.isError).toBe(true);
    expect(textOf(nopw)).toMatch(/^E601\b/);
    const dead = await call('audit_server', { target: 'dead' });
    expect(dead.isError).toBe(true);
    expect(textOf(dead)).toMatch(/^CONNREFUSED\b/);
    // Still serving.
    expect((await call('list_checks', { level: 1 })).isError).toBeFalsy();
  });

  it('diagnose_connection names the failure (not a tool error: the diagnosis is the answer)', async () => {
    const ok = await call('diagnose_connection', { target: 'secure' });
    expect(ok.isError, textOf(ok)).toBeFalsy();
    const good = DiagnosisSchema.parse(ok.structuredContent) as Diagnosis;
    expect(good).toMatchObject({ ok: true, code: 'OK' });
    const wrong = DiagnosisSchema.parse((await call('diagnose_connection', { target: 'wrong' })).structuredContent) as Diagnosis;
    expect(wrong).toMatchObject({ ok: false, code: 'E603' });
    expect(wrong.problem?.fixes.length).toBeGreaterThan(0);
    const nopw = DiagnosisSchema.parse((await call('diagnose_connection', { target: 'nopw' })).structuredContent) as Diagnosis;
    expect(nopw.code).toBe('E601');
    const denied = await call('diagnose_connection', { target: 'app', command: 'SET other:1 x' });
    const d = DiagnosisSchema.parse(denied.structuredContent) as Diagnosis;
    expect(d.code).toBe('E602');
    expect(d.command).toMatchObject({ allowed: false });
    expect(textOf(denied)).toMatch(/^E602/);
    const dead = DiagnosisSchema.parse((await call('diagnose_connection', { target: 'dead' })).structuredContent) as Diagnosis;
    expect(dead.code).toBe('CONNREFUSED');
  });

  it('acl_check agrees with the server\'s ACL DRYRUN for the users it holds', async () => {
    const admin = await rawConnect(secure.port);
    try {
      expect(await admin.call('AUTH', 'audit', AUDIT_PW)).toBe('OK');
      const aclText = ((await admin.call('ACL', 'LIST')) as string[]).join('\n');
      const cases = [
        ['GET', 'app:1'],
        ['GET', 'other:1'],
        ['SET', 'app:1', 'x'],
        ['PUBLISH', 'app:news', 'x'],
        ['PUBLISH', 'other', 'x'],
        ['MGET', 'app:1', 'other:2'],
        ['CONFIG', 'GET', 'maxmemory'],
        ['FLUSHALL'],
        ['SORT', 'app:list', 'BY', 'app:w*'],
      ];
      for (const argv of cases) {
        const oracle = await admin.call('ACL', 'DRYRUN', 'app', ...argv);
        const r = await call('acl_check', { acl_text: aclText, user: 'app', command: argv, redis_version: '7.0', debian: true });
        expect(r.isError, textOf(r)).toBeFalsy();
        const v = r.structuredContent as { allowed: boolean; message: string };
        expect(v.allowed, argv.join(' ')).toBe(oracle === 'OK');
        expect(v.message, argv.join(' ')).toBe(oracle === 'OK' ? 'OK' : String(oracle));
      }
    } finally {
      admin.close();
    }
  });

  it('never shows a password: not in results, not in logs', () => {
    const everything = transcript.join('\n') + mcp.stderr();
    expect(transcript.length).toBeGreaterThan(20);
    for (const pw of [AUDIT_PW, APP_PW, WRONG_PW]) expect(everything).not.toContain(pw);
  });
});
