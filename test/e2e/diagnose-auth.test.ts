/**
 * diagnose against real failing servers: NOAUTH (requirepass and ACL users), WRONGPASS (wrong
 * password, disabled user, no such user), NOPERM on a command, a key and a channel. Every
 * proposed ACL fix is then applied to a copy of the user on the live server and checked with
 * ACL DRYRUN: the server, not redsec, says whether the fix works.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diagnose, DiagnosisSchema, type Diagnosis } from '../../src/diagnose/index.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { rawConnect, type RawClient } from '../helpers/raw-client.js';
import fc from 'fast-check';
import { proposeAclFix } from '../../src/diagnose/index.js';
import { aclChecker } from '../../src/diagnose/acl-checker.js';

const ADMIN_PW = 'admin-Secret-pw-1';
const APP_PW = 'app-Secret-pw-2';
const ACL = [
  'user default off',
  `user admin on >${ADMIN_PW} ~* &* +@all`,
  `user app on >${APP_PW} ~app:* &app:* -@all +get +set +ping +publish +info`,
  `user frozen off >${APP_PW} ~* +@all`,
].join('\n');

let acl: RedisServer;
let pass: RedisServer;
let open: RedisServer;
let admin: RawClient;
let dir: string;
const files: Record<string, string> = {};
const noEnv = {} as NodeJS.ProcessEnv;

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, `${content}\n`, { mode: 0o600 });
  files[name] = path;
  return path;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'redsec-diag-auth-'));
  file('admin.pw', ADMIN_PW);
  file('app.pw', APP_PW);
  file('wrong.pw', 'not-the-password');
  file('pass.pw', 's3cret-requirepass');
  [acl, pass, open] = await Promise.all([
    startRedis({ config: 'aclfile users.acl', files: { 'users.acl': `${ACL}\n` } }),
    startRedis({ config: 'requirepass s3cret-requirepass' }),
    startRedis({}),
  ]);
  admin = await rawConnect(acl.port);
  expect(await admin.call('AUTH', 'admin', ADMIN_PW)).toBe('OK');
});

afterAll(async () => {
  admin?.close();
  await Promise.all([acl?.stop(), pass?.stop(), open?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

const url = (s: RedisServer, user?: string) => `redis://${user ? `${user}@` : ''}127.0.0.1:${s.port}`;

function noSecrets(d: Diagnosis): void {
  // The schema is the contract; no password may appear anywhere in the object.
  expect(DiagnosisSchema.parse(d)).toEqual(d);
  const text = JSON.stringify(d);
  for (const secret of [ADMIN_PW, APP_PW, 'not-the-password', 's3cret-requirepass']) expect(text).not.toContain(secret);
}

/** Applies `rules` to a fresh copy of `user` on the live server and asks ACL DRYRUN. */
async function serverAllowsAfter(user: string, add: string[], argv: string[]): Promise<string> {
  const list = (await admin.call('ACL', 'LIST')) as string[];
  const line = list.find((l) => l.startsWith(`user ${user} `))!;
  const rules = line.slice(`user ${user} `.length).split(' ');
  const copy = `${user}_fixcheck`;
  await admin.call('ACL', 'DELUSER', copy);
  expect(await admin.call('ACL', 'SETUSER', copy, ...rules, ...add)).toBe('OK');
  const verdict = (await admin.call('ACL', 'DRYRUN', copy, ...argv)) as string;
  await admin.call('ACL', 'DELUSER', copy);
  return verdict;
}

/** The rules after "ACL SETUSER <user>" in the first fix command, unquoted. */
function fixRules(d: Diagnosis): string[] {
  const cmd = d.problem?.fixes[0]?.commands[0] ?? '';
  const m = / ACL SETUSER (\S+) (.*)$/.exec(cmd);
  expect(m, cmd).not.toBeNull();
  return (m?.[2] ?? '').split(' ').map((w) => w.replace(/^'(.*)'$/, '$1'));
}

describe('E601 NOAUTH', () => {
  it('requirepass without credentials: names the sources tried; with admin credentials says it is requirepass', async () => {
    const d = await diagnose({ url: url(pass), env: noEnv });
    noSecrets(d);
    expect(d).toMatchObject({ ok: false, code: 'E601', problem: { name: 'NOAUTH', kind: 'auth-required' } });
    expect(d.credentials.source).toBe('none');
    expect(d.credentials.tried).toEqual(['URL password: none', '--password-file: not given', 'REDSEC_PASSWORD: not set', 'REDISCLI_AUTH: not set']);
    expect(d.problem?.evidence[0]).toMatch(/^server replied: NOAUTH Authentication required/);

    const known = await diagnose({ url: url(pass), env: noEnv, adminPasswordFile: files['pass.pw']! });
    noSecrets(known);
    expect(known.problem).toMatchObject({ code: 'E601', kind: 'requirepass' });
    expect(known.problem?.evidence.join('\n')).toContain('ACL GETUSER default: on, 1 password hash(es)');
  });

  it('default user disabled: the application must log in as an ACL user', async () => {
    const d = await diagnose({ url: url(acl), env: noEnv, ...{ adminUser: 'admin', adminPasswordFile: files['admin.pw']! } });
    noSecrets(d);
    expect(d.problem).toMatchObject({ code: 'E601', kind: 'acl-users' });
    expect(d.problem?.cause).toMatch(/default user is disabled/);
  });

  it('a password from the environment is reported by source', async () => {
    const d = await diagnose({ url: url(pass), env: { REDISCLI_AUTH: 's3cret-requirepass' } });
    noSecrets(d);
    expect(d).toMatchObject({ ok: true, code: 'OK', credentials: { source: 'REDISCLI_AUTH' } });
  });
});

describe('E603 WRONGPASS', () => {
  it('without admin credentials: ambiguous, and says so', async () => {
    const d = await diagnose({ url: url(acl, 'app'), passwordFile: files['wrong.pw']!, env: noEnv });
    noSecrets(d);
    expect(d.problem).toMatchObject({ code: 'E603', name: 'WRONGPASS', kind: 'wrongpass' });
    expect(d.problem?.cause).toMatch(/cannot be narrowed down without admin credentials/);
  });

  it('wrong password, disabled user and unknown user are told apart with ACL GETUSER', async () => {
    const admin = { adminUser: 'admin', adminPasswordFile: files['admin.pw']! };
    const wrong = await diagnose({ url: url(acl, 'app'), passwordFile: files['wrong.pw']!, env: noEnv, ...admin });
    const frozen = await diagnose({ url: url(acl, 'frozen'), passwordFile: files['app.pw']!, env: noEnv, ...admin });
    const ghost = await diagnose({ url: url(acl, 'ghost'), passwordFile: files['app.pw']!, env: noEnv, ...admin });
    for (const d of [wrong, frozen, ghost]) noSecrets(d);
    expect(wrong.problem).toMatchObject({ code: 'E603', kind: 'wrong-password' });
    expect(wrong.problem?.evidence.join('\n')).toMatch(/given password matches no stored hash/);
    expect(wrong.problem?.evidence.join('\n')).toMatch(/ACL LOG: \d+ failed auth attempt\(s\) for 'app'/);
    expect(frozen.problem).toMatchObject({ code: 'E603', kind: 'user-disabled' });
    expect(frozen.problem?.fixes[0]?.commands[0]).toMatch(/ACL SETUSER frozen on$/);
    expect(ghost.problem).toMatchObject({ code: 'E603', kind: 'no-such-user' });
  });

  it('a password sent to a server without one is a note, not a failure', async () => {
    const d = await diagnose({ url: url(open), passwordFile: files['wrong.pw']!, env: noEnv });
    noSecrets(d);
    expect(d).toMatchObject({ ok: true, code: 'OK' });
    expect(d.notes[0]).toMatchObject({ code: 'E603', kind: 'no-password-configured' });
  });
});

describe('E602 NOPERM with the smallest verified fix', () => {
  const app = () => ({ url: url(acl, 'app'), passwordFile: files['app.pw']!, env: noEnv, adminUser: 'admin', adminPasswordFile: files['admin.pw']! });

  it('a command the user lacks: +del, and the live server agrees after applying it', async () => {
    const d = await diagnose({ ...app(), command: 'DEL app:1' });
    noSecrets(d);
    expect(d).toMatchObject({ ok: false, code: 'E602', problem: { kind: 'command' }, command: { method: 'acl-dryrun', allowed: false } });
    expect(d.problem?.cause).toMatch(/The deciding rule: -@all/);
    expect(fixRules(d)).toEqual(['+del']);
    expect(d.problem?.evidence.join('\n')).toMatch(/grants nothing else/);
    expect(await serverAllowsAfter('app', fixRules(d), ['DEL', 'app:1'])).toBe('OK');
  });

  it('a subcommand: +config|get, not +@admin', async () => {
    const d = await diagnose({ ...app(), command: 'CONFIG GET maxmemory' });
    expect(d.problem).toMatchObject({ code: 'E602', kind: 'command' });
    expect(d.command?.method).toBe('executed');
    expect(fixRules(d)).toEqual(['+config|get']);
    expect(await serverAllowsAfter('app', fixRules(d), ['CONFIG', 'GET', 'maxmemory'])).toBe('OK');
  });

  it('a key outside the user\'s patterns: write access to exactly that key', async () => {
    const d = await diagnose({ ...app(), command: 'SET foo bar' });
    noSecrets(d);
    expect(d.problem).toMatchObject({ code: 'E602', kind: 'key' });
    expect(fixRules(d)).toEqual(['%W~foo']);
    expect(await serverAllowsAfter('app', fixRules(d), ['SET', 'foo', 'bar'])).toBe('OK');
    // Exact, not a prefix: a sibling key stays denied on the server too.
    expect(await serverAllowsAfter('app', fixRules(d), ['SET', 'foo2', 'bar'])).not.toBe('OK');
    const read = await diagnose({ ...app(), command: 'GET user:7' });
    expect(fixRules(read)).toEqual(['%R~user:7']);
    expect(read.problem?.fixes[1]?.commands[0]).toMatch(/ACL SETUSER app '%R~user:\*'/);
    expect(await serverAllowsAfter('app', fixRules(read), ['GET', 'user:7'])).toBe('OK');
  });

  it('a channel outside the user\'s patterns: &news', async () => {
    const d = await diagnose({ ...app(), command: 'PUBLISH news hello' });
    expect(d.problem).toMatchObject({ code: 'E602', kind: 'channel' });
    expect(fixRules(d)).toEqual(['&news']);
    expect(await serverAllowsAfter('app', fixRules(d), ['PUBLISH', 'news', 'hello'])).toBe('OK');
  });

  it('an allowed command: exit-0 result, checked with DRYRUN, not executed', async () => {
    const d = await diagnose({ ...app(), command: 'SET app:1 v' });
    noSecrets(d);
    expect(d).toMatchObject({ ok: true, code: 'OK', command: { method: 'acl-dryrun', allowed: true } });
    expect(await admin.call('EXISTS', 'app:1')).toBe(0);
  });

  it('without a way to check, the verdict is unknown, never allowed', async () => {
    const d = await diagnose({ url: url(acl, 'app'), passwordFile: files['app.pw']!, env: noEnv, command: 'SET app:1 v' });
    expect(d).toMatchObject({ ok: false, code: 'UNKNOWN', command: { method: 'not-checked', allowed: null } });
  });

  it('recent ACL LOG denials are grouped by user, reason and object, with fixes', async () => {
    const c = await rawConnect(acl.port);
    await c.call('AUTH', 'app', APP_PW);
    await c.call('SET', 'orders:1', 'x');
    await c.call('SET', 'orders:1', 'y');
    await c.call('PUBLISH', 'alerts', 'x');
    await c.call('LPUSH', 'app:q', 'x');
    c.close();
    const d = await diagnose({ ...app() });
    const groups = d.aclLog ?? [];
    expect(groups.find((g) => g.user === 'app' && g.reason === 'key' && g.object === 'orders:1')).toMatchObject({ count: 2, fix: 'ACL SETUSER app %W~orders:1', verified: true });
    expect(groups.find((g) => g.reason === 'channel' && g.object === 'alerts')).toMatchObject({ fix: 'ACL SETUSER app &alerts', verified: true });
    expect(groups.find((g) => g.reason === 'command' && g.object === 'lpush')).toMatchObject({ fix: 'ACL SETUSER app +lpush', verified: true });
  });
});

describe('proposed ACL fixes agree with the live server (ACL DRYRUN is the oracle)', () => {
  it('property: the fix makes DRYRUN say OK, and an exact key/channel fix leaves the sibling denied', async () => {
    const commands: string[][] = [['GET', 'K'], ['SET', 'K', 'v'], ['GETDEL', 'K'], ['HGET', 'K', 'f'], ['LPUSH', 'K', 'v'], ['PUBLISH', 'K', 'm'], ['COPY', 'K', 'K2'], ['CONFIG', 'GET', 'maxmemory'], ['CLIENT', 'INFO']];
    const grants = ['+@read', '+@write', '+get', '-set', '+@string', '-@write', '%R~a:*', '%W~b:*', '~c:*', '&a:*', '+publish', '+@connection'];
    const checker = aclChecker('fuzz', '7.0');
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(fc.subarray(grants), fc.constantFrom(...commands), fc.constantFrom('a:1', 'b:2', 'c:3', 'd:4'), async (extra, template, key) => {
        const rules = ['on', 'nopass', 'resetchannels', '-@all', ...extra];
        const argv = template.map((t) => (t === 'K' ? key : t === 'K2' ? `${key}x` : t));
        const p = proposeAclFix(checker, rules.join(' '), argv);
        expect(p.allowed).toBe(true);
        await admin.call('ACL', 'DELUSER', 'fuzz');
        expect(await admin.call('ACL', 'SETUSER', 'fuzz', ...rules, ...p.add)).toBe('OK');
        expect(await admin.call('ACL', 'DRYRUN', 'fuzz', ...argv)).toBe('OK');
        const objectIndex = p.before.argIndex;
        if (p.minimal && objectIndex !== undefined && p.add.some((r) => r.includes('~') || r.startsWith('&'))) {
          const sibling = [...argv];
          sibling[objectIndex] = `${argv[objectIndex]}-redsec-sibling`;
          const priorAllowed = checker.check(rules.join(' '), sibling).allowed;
          if (!priorAllowed) expect(await admin.call('ACL', 'DRYRUN', 'fuzz', ...sibling)).not.toBe('OK');
        }
        checked++;
      }),
      { numRuns: 60, seed: 5 },
    );
    await admin.call('ACL', 'DELUSER', 'fuzz');
    expect(checked).toBe(60);
  });
});
