/**
 * MCP plan_rotation against a real server: the dry-run plan of each phase (exact commands, masked;
 * the checks; persistence), status with the user's connections, finish from a state file under
 * --allow-read, and proof that it cannot rotate: the server's INFO commandstats count only the
 * audit's read-only commands during the plans (MONITOR would not show ACL and CONFIG: Redis hides
 * admin commands from it), the user's hashes are unchanged, and there is no way to ask for --apply.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAllowed } from '../../src/resp/index.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { rawConnect, type RawClient, type Reply } from '../helpers/raw-client.js';
import { commandCounts } from '../helpers/server-watch.js';
import { cli } from '../helpers/run-cli.js';
import { startMcp, structuredOf, textOf, type McpSession } from './mcp-client.js';

const ADMIN_PW = 'plan-admin-pw-3e8b';
const OLD = 'plan-app-old-pw-c41d';
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const USERS = ['user default off', `user admin on >${ADMIN_PW} ~* &* +@all`, `user app on >${OLD} ~app:* resetchannels -@all +@read +@write`];

interface Plan {
  phase: string;
  applied: boolean;
  persistence: string;
  commands: string[];
  checks: { name: string; ok: boolean | null; detail: string }[];
  notes: string[];
  connections?: { addr: string; before_begin: boolean }[];
}

let work: string;
let allowed: string;
let server: RedisServer;
let mcp: McpSession;
let stats: RawClient;
const transcript: string[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'redsec-mcp-rotation-'));
  allowed = join(work, 'allowed');
  mkdirSync(allowed);
  writeFileSync(join(work, 'admin.pw'), `${ADMIN_PW}\n`, { mode: 0o600 });
  server = await startRedis({ files: { 'users.acl': `${USERS.join('\n')}\n` }, overrides: { aclfile: 'users.acl' } });
  mcp = await startMcp([
    ...['--target', `prod=redis://127.0.0.1:${server.port}`, '--admin-user', 'prod=admin', '--admin-password-file', `prod=${join(work, 'admin.pw')}`],
    // No admin: the plan reads with the audit credentials.
    ...['--target', `audited=redis://admin@127.0.0.1:${server.port}`, '--password-file', `audited=${join(work, 'admin.pw')}`],
    ...['--allow-read', allowed],
  ]);
  stats = await rawConnect(server.port);
  expect(await stats.call('AUTH', 'admin', ADMIN_PW)).toBe('OK');
});
afterAll(async () => {
  stats?.close();
  await mcp?.close();
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

async function plan(args: Record<string, unknown>) {
  const r = await mcp.call('plan_rotation', args);
  transcript.push(JSON.stringify(r));
  return r;
}

/** Runs `fn` and returns what the server counted meanwhile (INFO is this test's own read), as argv heads. */
async function commandsDuring(fn: () => Promise<void>): Promise<string[][]> {
  const before = commandCounts(String(await stats.call('INFO', 'commandstats')));
  await fn();
  const after = commandCounts(String(await stats.call('INFO', 'commandstats')));
  return [...after].filter(([name, n]) => name !== 'info' && n > (before.get(name) ?? 0)).map(([name]) => name.toUpperCase().split('|'));
}

/** A command name from commandstats is read-only when the audit allowlist admits its usual form. */
function auditAllows(head: string[]): boolean {
  const probe: Record<string, string[]> = { 'ACL GETUSER': ['app'], 'CONFIG GET': ['aclfile'], 'CLIENT LIST': ['TYPE', 'normal'] };
  return ['AUTH', 'HELLO', 'PING'].includes(head[0] ?? '') || isAllowed([...head, ...(probe[head.join(' ')] ?? [])]);
}

async function hashes(): Promise<string[]> {
  const c = await rawConnect(server.port);
  await c.call('AUTH', 'admin', ADMIN_PW);
  const reply = (await c.call('ACL', 'GETUSER', 'app')) as Reply[];
  c.close();
  return [...((reply[reply.indexOf('passwords') + 1] as string[]) ?? [])].sort();
}

describe('MCP plan_rotation', () => {
  it('begin: the exact commands (masked), the checks it would make, how users persist; nothing changes', async () => {
    let r = await plan({ target: 'prod', user: 'app' });
    const ran = await commandsDuring(async () => {
      r = await plan({ target: 'prod', user: 'app' });
      await plan({ target: 'audited', user: 'app' });
    });
    expect(ran.filter((h) => !auditAllows(h))).toEqual([]);
    expect(ran.map((h) => h.join(' '))).toEqual(expect.arrayContaining(['ACL GETUSER', 'CONFIG GET']));
    expect(r.isError, textOf(r)).toBeFalsy();
    const p = structuredOf<Plan>(r);
    expect(p).toMatchObject({ phase: 'begin', applied: false, persistence: 'acl-save' });
    expect(p.commands).toEqual(['ACL SAVE', 'ACL SETUSER app >***', '(fresh connection) AUTH app ***', 'ACL SAVE']);
    expect(p.checks.map((c) => [c.name, c.ok])).toEqual([
      ['new password works', null],
      ['old passwords still valid', null],
    ]);
    expect(p.notes.join('\n')).toMatch(/a plan only: the operator runs it with `redsec rotate password begin URL --user app --state FILE --secret-out FILE --apply`/);
    expect(textOf(r)).toContain('dry run');
    // Same plan with the audit credentials when no admin is configured.
    const a = structuredOf<Plan>(await plan({ target: 'audited', user: 'app' }));
    expect(a.commands).toEqual(p.commands);
    expect(await hashes()).toEqual([sha(OLD)]);
  });

  it('there is no way to apply: unknown arguments are refused, and an unknown user is a tool error', async () => {
    const apply = await plan({ target: 'prod', user: 'app', apply: true });
    expect(apply.isError).toBe(true);
    const other = await plan({ target: 'elsewhere', user: 'app' });
    expect([other.isError, textOf(other)]).toEqual([true, expect.stringContaining("'elsewhere' is not an allowlisted target")]);
    const ghost = await plan({ target: 'prod', user: 'ghost' });
    expect([ghost.isError, textOf(ghost)]).toEqual([true, expect.stringContaining("ACL user 'ghost' does not exist")]);
    expect(await hashes()).toEqual([sha(OLD)]);
  });

  it('status and finish from the operator\'s state file (under --allow-read) after a real begin; outside the fence refused', async () => {
    const c = await rawConnect(server.port);
    expect(await c.call('AUTH', 'app', OLD)).toBe('OK');
    const noState = await plan({ target: 'prod', user: 'app', phase: 'finish' });
    expect([noState.isError, textOf(noState)]).toEqual([true, expect.stringContaining('no completed begin recorded')]);

    const state = join(allowed, 'app.rotation.json');
    const secret = join(work, 'app.pw');
    await new Promise((r) => setTimeout(r, 2100)); // CLIENT LIST ages overstate by up to 1 s: older than begin needs age > elapsed + 1
    const begin = await cli(['rotate', 'password', 'begin', `redis://127.0.0.1:${server.port}`, '--user', 'app', '--admin-user', 'admin', '--admin-password-file', join(work, 'admin.pw'), '--state', state, '--secret-out', secret, '--apply']);
    expect(begin.code, begin.stderr).toBe(0);
    const NEW = readFileSync(secret, 'utf8').trim();
    expect(await hashes()).toEqual([sha(OLD), sha(NEW)].sort());

    let status: Plan | undefined;
    let finish: Plan | undefined;
    const ran = await commandsDuring(async () => {
      status = structuredOf<Plan>(await plan({ target: 'prod', user: 'app', phase: 'status', state_path: state }));
      finish = structuredOf<Plan>(await plan({ target: 'prod', user: 'app', phase: 'finish', state_path: state }));
    });
    expect(ran.filter((h) => !auditAllows(h))).toEqual([]);
    expect(ran.map((h) => h.join(' '))).toEqual(expect.arrayContaining(['ACL GETUSER', 'CLIENT LIST']));
    expect(status?.connections?.some((x) => x.before_begin && x.addr === `127.0.0.1:${c.socket.localPort}`)).toBe(true);
    expect(finish?.commands).toEqual([`ACL SETUSER app !${sha(OLD)}`, '(fresh connection) AUTH app ***', 'ACL SAVE']);
    expect(finish?.checks.every((x) => x.ok === null)).toBe(true);
    // Still both passwords: the plan removed nothing, the old client is still served.
    expect(await hashes()).toEqual([sha(OLD), sha(NEW)].sort());
    expect(await c.call('GET', 'app:1')).toBeNull();
    c.close();

    writeFileSync(join(work, 'outside.json'), readFileSync(state));
    const outside = await plan({ target: 'prod', user: 'app', phase: 'finish', state_path: join(work, 'outside.json') });
    expect([outside.isError, textOf(outside)]).toEqual([true, expect.stringContaining('outside the allowed read directories')]);
    for (const t of transcript) {
      expect(t).not.toContain(NEW);
      expect(t).not.toContain(ADMIN_PW);
    }
  });

  it('audit_server dates passwords from the state file and a dated baseline under --allow-read (AUTH-PASSWORD-AGE)', async () => {
    const day = 86_400_000;
    const dates = join(allowed, 'dates.json');
    writeFileSync(dates, JSON.stringify({ version: 1, passwords: [{ user: 'admin', sha256: sha(ADMIN_PW), set_at: new Date(Date.now() - 200 * day).toISOString() }, { user: 'app', sha256: sha(OLD), set_at: new Date(Date.now() - 10 * day).toISOString() }] }));
    const r = await mcp.call('audit_server', { target: 'audited', profile: 'compliance', rotation_state_paths: [join(allowed, 'app.rotation.json')], password_dates_path: dates, cert_expiry_window_days: 14 });
    expect(r.isError, textOf(r)).toBeFalsy();
    const age = structuredOf<{ findings: { id: string; status: string; subject?: string; evidence: string }[] }>(r).findings.filter((f) => f.id === 'AUTH-PASSWORD-AGE');
    // admin: 200 days > 90; app: the old hash dated 10 days ago, the new one by the state file.
    expect(age.map((f) => [f.status, f.subject])).toEqual([['fail', 'user admin']]);
    expect(age[0]?.evidence).toContain('(200 days ago, per ');
    const outside = await mcp.call('audit_server', { target: 'audited', password_dates_path: join(work, 'admin.pw') });
    expect([outside.isError, textOf(outside)]).toEqual([true, expect.stringContaining('outside the allowed read directories')]);
  });
});
