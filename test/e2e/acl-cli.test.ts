/**
 * `redsec acl check|explain|diff` in-process through the real CLI entry: exit codes are the
 * contract (0 allowed, 1 denied, 2 bad input), output names the deciding rule, no secrets leak.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli as runCli } from '../helpers/run-cli.js';

const cli = (...args: string[]) => runCli(args);

const dir = mkdtempSync(join(tmpdir(), 'redsec-acl-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text, { mode: 0o600 });
  return p;
};

const USERS = file(
  'users.acl',
  'user default on nopass ~* &* +@all\nuser app on >s3cr3t-value ~app:* resetchannels -@all +@read +@write -@dangerous\n',
);

describe('redsec acl check', () => {
  it('exits 0 and names the rule when allowed', async () => {
    const r = await cli('acl', 'check', '--acl', USERS, '--user', 'app', '--redis-version', '7.0', '--', 'GET', 'app:1');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('allowed: get');
    expect(r.stdout).toContain('decided by: +@read');
  });

  it('exits 1 with the DRYRUN message and the deciding rule when denied', async () => {
    const r = await cli('acl', 'check', '--acl', USERS, '--user', 'app', '--redis-version', '7.0', '--', 'FLUSHALL');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("denied (command): This user has no permissions to run the 'flushall' command");
    expect(r.stdout).toContain('decided by: -@dangerous');
    const k = await cli('acl', 'check', '--rules', '~app:* +@all', '--redis-version', '7.2', '--', 'GET', 'other');
    expect(k.code).toBe(1);
    expect(k.stdout).toContain("User user has no permissions to access the 'other' key");
  });

  it('prints JSON with the verdict fields', async () => {
    const r = await cli('acl', 'check', '--rules', '+@all -config|set allkeys', '--format', 'json', '--', 'CONFIG', 'SET', 'dir', '/');
    expect(r.code).toBe(1);
    const v = JSON.parse(r.stdout);
    expect(v).toMatchObject({ allowed: false, denial: 'command', command: 'config|set', decidedBy: '-config|set' });
  });

  it('answers what happens when the command runs: SORT GET/BY patterns need full read access', async () => {
    const r = await cli('acl', 'check', '--rules', 'on nopass (+sort ~mylist)', '--redis-version', '7.0', '--', 'SORT', 'mylist', 'GET', 'v*');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('denied when run: ERR GET option of SORT denied due to insufficient ACL permissions.');
    expect(r.stdout).toContain('note: ACL DRYRUN answers OK (allowed)');
    const by = await cli('acl', 'check', '--rules', 'on nopass +sort_ro ~mylist', '--format', 'json', '--', 'SORT_RO', 'mylist', 'BY', 'w*');
    expect(by.code).toBe(1);
    expect(JSON.parse(by.stdout)).toMatchObject({ allowed: false, denial: 'run', basis: 'run', dryrun: { allowed: true, message: 'OK' } });
    const ok = await cli('acl', 'check', '--rules', 'on nopass +sort %R~* ~mylist', '--format', 'json', '--', 'SORT', 'mylist', 'GET', 'v*');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ allowed: true, basis: 'acl' });
  });

  it('acl explain names SORT options refused when run', async () => {
    const r = await cli('acl', 'explain', '--rules', 'on nopass (+sort ~mylist)', '--redis-version', '7.0');
    expect(r.stdout).toContain('refused when run: SORT ... GET / BY <pattern with *>');
    const full = JSON.parse((await cli('acl', 'explain', '--rules', 'on nopass +sort +sort_ro %R~* ~mylist', '--format', 'json')).stdout);
    expect(full.refusedWhenRun).toEqual([]);
    const j = JSON.parse((await cli('acl', 'explain', '--rules', 'on nopass +@read +@write ~app:*', '--format', 'json')).stdout);
    expect(j.refusedWhenRun.map((x: { command: string }) => x.command)).toEqual(['SORT ... GET / BY <pattern with *>', 'SORT_RO ... GET / BY <pattern with *>']);
    // 6.2 has no such check in SORT.
    const old = JSON.parse((await cli('acl', 'explain', '--rules', 'on nopass +sort ~mylist', '--redis-version', '6.2', '--format', 'json')).stdout);
    expect(old.refusedWhenRun).toEqual([]);
  });

  it('gives the server verdict for commands handled outside the command table', async () => {
    const quit = await cli('acl', 'check', '--rules', 'on nopass -@all', '--redis-version', '6.2', '--', 'QUIT');
    expect(quit.code).toBe(0);
    expect(quit.stdout).toContain('allowed: quit');
    expect(quit.stdout).toContain('6.2 answers QUIT before its command table');
    const post = await cli('acl', 'check', '--rules', 'on nopass +@all allkeys', '--redis-version', '7.2', '--', 'POST', '/');
    expect(post.code).toBe(1);
    expect(post.stdout).toContain('denied when run: the server closes the connection');
    expect(post.stdout).toContain("note: ACL DRYRUN answers ERR Command 'POST' not found");
  });

  it('exits 2 on bad input, with one line and no secret', async () => {
    const cases = [
      ['acl', 'check', '--rules', '+nosuch', '--', 'GET', 'k'],
      ['acl', 'check', '--rules', '+@all', '--', 'NOSUCH'],
      ['acl', 'check', '--rules', '+@all', '--', 'GET'],
      ['acl', 'check', '--acl', file('bad.acl', 'user app on >s3cr3t-value +bogus\n'), '--', 'GET', 'k'],
      ['acl', 'check', '--acl', file('bad2.acl', '# comment\n'), '--', 'GET', 'k'],
      ['acl', 'check', '--acl', USERS, '--', 'GET', 'k'],
      ['acl', 'check', '--rules', '+@all', '--redis-version', '5.0', '--', 'GET', 'k'],
      ['acl', 'check', '--acl', join(dir, 'missing.acl'), '--', 'GET', 'k'],
    ];
    for (const args of cases) {
      const r = await cli(...args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr + r.stdout).not.toContain('s3cr3t');
    }
    const bad = await cli('acl', 'check', '--acl', join(dir, 'bad.acl'), '--', 'GET', 'k');
    expect(bad.stderr).toContain("bad.acl:1: Error in ACL rule '+bogus': Unknown command or category name in ACL");
  });
});

describe('redsec acl check: Redis 8 and versions newer than the tables (issue 13)', () => {
  it('8.0 knows the V* commands (no category: +@write does not grant VADD); 8.4 uses the 8.0 tables and says so', async () => {
    const denied = await cli('acl', 'check', '--rules', 'on nopass ~* +@write', '--redis-version', '8.0', '--', 'VADD', 'v', 'VALUES', '1', '0.5', 'e');
    expect([denied.code, denied.stderr]).toEqual([1, '']);
    expect(denied.stdout).toContain("no permissions to run the 'vadd' command");
    const newer = await cli('acl', 'check', '--rules', 'on nopass ~* +vadd', '--redis-version', '8.4', '--', 'VADD', 'v', 'VALUES', '1', '0.5', 'e');
    expect(newer.code).toBe(0);
    expect(newer.stderr.trim()).toBe("note: Redis 8.4 is newer than redsec's tables: judged with the 8.0 tables (from Redis 8.0.2); commands, categories and directives those tables lack are judged unknown");
  });

  it('a module category the tables lack is named, exit 2; a version older than 6.2 is refused', async () => {
    const r = await cli('acl', 'check', '--rules', 'on nopass ~* +@read +@json', '--redis-version', '8.0', '--', 'GET', 'k');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      "redsec: Error in ACL rule '+@json': Unknown command or category name in ACL: @json is not a category of the 8.0 tables (a module category: it exists only on servers that load the module, e.g. Redis 8 with modules); redsec judges it unknown offline: audit the live server, which reads its categories from ACL CAT",
    );
    const old = await cli('acl', 'check', '--rules', 'on nopass ~* +@read', '--redis-version', '6.0', '--', 'GET', 'k');
    expect([old.code, old.stdout]).toEqual([2, '']);
    expect(old.stderr).toContain('Redis 6.0 is older than the oldest supported line (Redis 6.2)');
  });
});

describe('redsec acl explain and diff', () => {
  it('explains by category and names risky grants', async () => {
    const r = await cli('acl', 'explain', '--rules', 'on nopass allkeys +@all -@dangerous +flushall', '--redis-version', '7.0');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('FLUSHALL');
    expect(r.stdout).toContain('all keys');
    const j = JSON.parse((await cli('acl', 'explain', '--rules', '-@all +get +set ~k:*', '--format', 'json')).stdout);
    expect(j.categories.dangerous).toBe('denied');
    expect(j.categories.string).toBe('partial');
    expect(j.risks).toEqual([]);
    // +@read quietly includes KEYS, which is @dangerous.
    const read = JSON.parse((await cli('acl', 'explain', '--rules', '-@all +@read ~k:*', '--format', 'json')).stdout);
    expect(read.categories.read).toBe('allowed');
    expect(read.categories.dangerous).toBe('partial');
    expect(read.risks.map((x: { grant: string }) => x.grant)).toContain('KEYS');
  });

  it('diffs two rule sets and two files', async () => {
    const r = await cli('acl', 'diff', '--before-rules', '-@all +get ~a:*', '--after-rules', '-@all +get +set ~a:* ~b:*', '--format', 'json');
    expect(r.code).toBe(0);
    const [d] = JSON.parse(r.stdout);
    expect(d.commandsGained).toEqual(['set']);
    expect(d.keyPatternsAdded).toEqual(['~b:*']);
    const after = file('after.acl', 'user default on nopass ~* &* +@all\nuser app on >s3cr3t-value ~app:* resetchannels -@all +@read\n');
    const t = await cli('acl', 'diff', '--before', USERS, '--after', after, '--redis-version', '7.0');
    expect(t.code).toBe(0);
    expect(t.stdout).toContain('user default: no change');
    expect(t.stdout).toMatch(/- commands \(\d+\): .*\bset\b/);
    expect(t.stdout).not.toContain('s3cr3t');
  });
});

// Issue 10, item 11: an ACL file from a pull request may carry ESC sequences and BEL in user names
// and patterns (Redis refuses only spaces in them); every acl output shows them as escapes.
describe('redsec acl outputs with hostile names and patterns', () => {
  const EVIL = file('evil.acl', 'user \x1b[2Jevil on nopass ~\x1b]0;pwned\x07:* &ch\x1b[31m* -@all +get\n');
  const AFTER = file('evil-after.acl', 'user \x1b[2Jevil on nopass ~\x1b]0;pwned\x07:* ~x\x1b[0m:* &ch\x1b[31m* -@all +get +set\n');

  it('check, explain and diff print no control character, only escapes', async () => {
    const outputs = [
      await cli('acl', 'check', '--acl', EVIL, '--', 'GET', 'k\x1b[5m'),
      await cli('acl', 'check', '--acl', EVIL, '--', 'GET', '\x1b]0;pwned\x07:1'),
      await cli('acl', 'explain', '--acl', EVIL),
      await cli('acl', 'diff', '--before', EVIL, '--after', AFTER),
    ];
    for (const r of outputs) {
      expect(r.stdout + r.stderr).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    }
    expect(outputs[0]!.code).toBe(1);
    expect(outputs[0]!.stdout).toContain('\\x1b[5m');
    expect(outputs[1]!.code).toBe(0);
    expect(outputs[2]!.stdout).toContain('user \\x1b[2Jevil');
    expect(outputs[2]!.stdout).toContain('~\\x1b]0;pwned\\x07:*');
    expect(outputs[3]!.stdout).toContain('~x\\x1b[0m:*');
  });
});
