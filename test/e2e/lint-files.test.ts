/**
 * `redsec lint` on real files: includes (relative and glob), Redis's quoting, aclfile, and errors
 * with file:line. The same files are booted in a real redis-server and audited live: for rules
 * decided by the configuration, lint and the live audit must agree (the server is the oracle).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { rawConnect } from '../helpers/raw-client.js';
import { auditTarget, lintFiles } from '../../src/audit/index.js';
import { collectFiles } from '../../src/facts/index.js';
import type { Report } from '../../src/report/types.js';
import { cli } from '../helpers/run-cli.js';

const root = mkdtempSync(join(tmpdir(), 'redsec-lint-'));
const write = (rel: string, text: string, mode = 0o600) => {
  const p = join(root, rel);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text, { mode });
  return p;
};
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Directives the harness passes on the command line are left out of the files. */
const MAIN = [
  '# main file',
  'protected-mode no',
  'timeout 0',
  'include conf.d/*.conf',
  'acllog-max-len 0',
  'rename-command FLUSHDB ""',
  'user default off',
  'user app on >lint-app-pw ~app:* resetchannels -@all +@read +@write +keys',
  'user "admin" on >lint-admin-pw ~* &* +@all',
  'user guest on nopass ~cache:* resetchannels -@all +get',
].join('\n');
const EXTRA = ['enable-debug-command "yes"', "busy-reply-threshold '0'", 'timeout 60', 'maxmemory 100mb'].join('\n');

describe('redsec lint: includes, quoting, locations', () => {
  let conf: string;
  let report: Report;
  beforeAll(() => {
    conf = write('redis.conf', MAIN);
    write('conf.d/10-extra.conf', EXTRA);
    report = lintFiles(conf, { profile: null, redisVersion: '7.0.15' });
  });

  it('follows the glob include and keeps Redis order (the later `timeout 60` wins over `timeout 0`)', () => {
    const idle = report.findings.find((f) => f.id === 'NET-IDLE-TIMEOUT');
    expect(idle?.status).toBe('pass');
    const debug = report.findings.find((f) => f.id === 'CMD-DEBUG-CMD');
    // Locations are relative to the directory lint runs in; this temp dir is outside it, so absolute.
    expect(debug).toMatchObject({ status: 'fail', location: { file: join(root, 'conf.d/10-extra.conf'), line: 1 } });
  });

  it('file:line on every failing finding that comes from a directive or a user line', () => {
    const expected: Record<string, [string, number]> = {
      'NET-PROTECTED-MODE-OFF': ['redis.conf', 2],
      'ACL-LOG-CAPACITY': ['redis.conf', 5],
      'AUTH-ANY-NOPASS-USER': ['redis.conf', 10],
      'CMD-KEYS-FLUSH': ['redis.conf', 8],
    };
    for (const [id, [file, line]] of Object.entries(expected)) {
      const f = report.findings.find((x) => x.id === id && x.status === 'fail');
      expect(f?.location, id).toBeDefined();
      expect(f?.location?.file.endsWith(file), `${id} ${f?.location?.file}`).toBe(true);
      expect(f?.location?.line, id).toBe(line);
    }
    for (const f of report.findings) if (f.location) expect(f.location.line).toBeGreaterThan(0);
  });

  it('cleartext passwords are flagged but never printed', () => {
    expect(report.findings.some((f) => f.id === 'AUTH-CLEARTEXT-SECRET' && f.status === 'fail')).toBe(true);
    expect(JSON.stringify(report)).not.toMatch(/lint-(app|admin)-pw/);
  });

  const IDS = [
    'NET-PROTECTED-MODE-OFF', 'NET-IDLE-TIMEOUT', 'CMD-DEBUG-CMD', 'CMD-LUA-LIMITS', 'ACL-LOG-CAPACITY', 'AUTH-ANY-NOPASS-USER',
    'CMD-KEYS-FLUSH', 'ACL-ALLCOMMANDS', 'ACL-DANGEROUS', 'CMD-MODULE-CMD', 'CMD-PROTECTED-CONFIGS', 'DATA-MAXMEMORY', 'ACL-RENAME-DEPRECATED',
  ];
  const verdicts = (r: Report) =>
    Object.fromEntries(IDS.map((id) => [id, r.findings.filter((f) => f.id === id).some((f) => f.status === 'fail') ? 'fail' : 'no-fail']));

  async function liveVerdicts(configFile: string): Promise<{ live: Record<string, string>; cwd: string }> {
    const server: RedisServer = await startRedis({ configFile });
    try {
      const live = await auditTarget(`redis://admin:lint-admin-pw@127.0.0.1:${server.port}`, { profile: null });
      return { live: verdicts(live), cwd: server.dir };
    } finally {
      await server.stop();
    }
  }

  it('lint and a live audit of the same files agree on configuration-decided rules (absolute include)', async () => {
    const abs = write('abs/redis.conf', MAIN.replace('include conf.d/*.conf', `include ${join(root, 'conf.d')}/*.conf`));
    const { live } = await liveVerdicts(abs);
    expect(live['CMD-DEBUG-CMD']).toBe('fail');
    expect(verdicts(lintFiles(abs, { profile: null, redisVersion: '7.0' }))).toEqual(live);
  });

  it('relative includes resolve against the server\'s working directory, as redis-server does (--cwd)', async () => {
    // The harness starts redis-server in its own temp dir, where conf.d/ does not exist: the glob matches nothing.
    const { live, cwd } = await liveVerdicts(conf);
    expect(live['CMD-DEBUG-CMD']).toBe('no-fail');
    expect(verdicts(lintFiles(conf, { profile: null, redisVersion: '7.0', cwd }))).toEqual(live);
  });
});

describe('redsec lint (CLI): aclfile, formats and errors', () => {
  it('reads the aclfile next to the config, or --acl', async () => {
    const dir = join(root, 'aclcase');
    write('aclcase/users.acl', 'user default off\nuser app on #' + 'a'.repeat(64) + ' ~app:* +@all\n');
    const conf = write('aclcase/redis.conf', 'aclfile users.acl\nbind 127.0.0.1\n');
    const r = await cli(['lint', conf, '--format', 'json', '--redis-version', '7.0']);
    const report = JSON.parse(r.stdout) as Report;
    const f = report.findings.find((x) => x.id === 'ACL-ALLCOMMANDS' && x.status === 'fail');
    expect(f?.location).toEqual({ file: join(dir, 'users.acl'), line: 2 });
    expect(r.code).toBe(1);
    const other = write('aclcase/other.acl', 'user default off\nuser app on #' + 'b'.repeat(64) + ' ~app:* -@all +get\n');
    const r2 = await cli(['lint', conf, '--acl', other, '--format', 'json', '--redis-version', '7.0']);
    expect((JSON.parse(r2.stdout) as Report).findings.find((x) => x.id === 'ACL-ALLCOMMANDS')?.status).not.toBe('fail');
  });

  it('a relative aclfile after `dir` is read from dir, where redis-server opens it after its chdir', async () => {
    const data = join(root, 'dircase/data');
    write('dircase/data/users.acl', 'user default off\nuser fromdir on nopass ~* &* +@all\n');
    // A decoy beside the config (and in the directory the server starts in): neither reads it.
    const decoy = `user default off\nuser decoy on #${'c'.repeat(64)} ~app:* resetchannels -@all +get\n`;
    write('dircase/users.acl', decoy);
    const conf = write('dircase/redis.conf', `dir ${data}\naclfile users.acl\nbind 127.0.0.1\n`);
    const server = await startRedis({ config: 'aclfile users.acl', files: { 'users.acl': decoy }, overrides: { dir: data } });
    try {
      const users = execFileSync('redis-cli', ['-p', String(server.port), '--user', 'fromdir', '--pass', 'any', '--no-auth-warning', 'ACL', 'USERS'], { encoding: 'utf8' });
      expect(users.split('\n').filter(Boolean).sort()).toEqual(['default', 'fromdir']);
    } finally {
      await server.stop();
    }
    const r = await cli(['lint', conf, '--format', 'json', '--redis-version', '7.0']);
    const report = JSON.parse(r.stdout) as Report;
    const nopass = report.findings.find((x) => x.id === 'AUTH-ANY-NOPASS-USER' && x.status === 'fail');
    expect(nopass?.location).toEqual({ file: join(data, 'users.acl'), line: 2 });
  });

  it('an aclfile that is not here makes users unknown, not empty', async () => {
    const conf = write('missingacl/redis.conf', 'aclfile /nonexistent/users.acl\n');
    const r = await cli(['lint', conf, '--format', 'json']);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.findings.find((f) => f.id === 'AUTH-NOPASS-DEFAULT')?.status).toBe('unknown');
  });

  it('waivers by file glob apply to lint findings; expired ones do not', async () => {
    const conf = write('waive/deploy/redis.conf', 'protected-mode no\nbind 127.0.0.1\n');
    const waivers = write('waive/waivers.json', JSON.stringify({ waivers: [
      { id: 'NET-PROTECTED-MODE-OFF', file: 'deploy/*.conf', reason: 'sidecar proxy authenticates', expires: '2999-01-01' },
      { id: 'NET-IDLE-TIMEOUT', file: 'redis.conf', reason: 'old', expires: '2001-01-01' },
    ] }));
    const r = await cli(['lint', conf, '--waivers', waivers, '--format', 'json', '--fail-on', 'high']);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.findings.find((f) => f.id === 'NET-PROTECTED-MODE-OFF')).toMatchObject({ status: 'waived', waiver: { reason: 'sidecar proxy authenticates' } });
    expect(report.findings.find((f) => f.id === 'NET-IDLE-TIMEOUT')).toMatchObject({ status: 'fail', waiver: { expired: true } });
    expect(report.waivers?.map((w) => w.state)).toEqual(['applied', 'expired']);
  });

  it('SARIF findings carry the file and line', async () => {
    const conf = write('sarif/redis.conf', 'protected-mode no\n');
    const r = await cli(['lint', conf, '--format', 'sarif']);
    const sarif = JSON.parse(r.stdout) as { version: string; runs: { results: { ruleId: string; locations?: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] };
    expect(sarif.version).toBe('2.1.0');
    // Raised to critical (the default user needs no password): the severity variant's descriptor.
    const res = sarif.runs[0]?.results.find((x) => x.ruleId.split('/')[0] === 'NET-PROTECTED-MODE-OFF');
    expect(res?.locations?.[0]?.physicalLocation.region.startLine).toBe(1);
    expect(res?.locations?.[0]?.physicalLocation.artifactLocation.uri).toMatch(/redis\.conf$/);
  });

  it.each([
    ['unbalanced quotes', { 'bad1/redis.conf': 'port 6379\nbind "127.0.0.1\n' }, 'bad1/redis.conf', /redis\.conf:2: .*Unbalanced quotes/],
    ['a missing include', { 'bad2/redis.conf': 'port 6379\ninclude /nonexistent/x.conf\n' }, 'bad2/redis.conf', /redis\.conf:2/],
    ['a bad ACL rule', { 'bad3/redis.conf': 'aclfile users.acl\n', 'bad3/users.acl': 'user default off\nuser app on +nosuchcommand\n' }, 'bad3/redis.conf', /users\.acl:2/],
    ['a missing file', {}, 'bad4/nothere.conf', /nothere\.conf: no such file/],
    ['an unknown version', { 'bad5/redis.conf': 'port 1\n' }, 'bad5/redis.conf', /--redis-version/],
  ])('%s: one line with file:line, exit 2, no report', async (name, files, main, msg) => {
    for (const [rel, text] of Object.entries(files)) write(rel, text);
    const args = ['lint', join(root, main), '--format', 'json', ...(name === 'an unknown version' ? ['--redis-version', '5.0'] : [])];
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(msg);
  });

  it('--redis-version picks the flavor and table; an exact version is kept for CVE verdicts', () => {
    const conf = write('flavor/redis.conf', 'bind 127.0.0.1\n');
    expect(lintFiles(conf, { profile: null, redisVersion: 'valkey-8.0' }).server).toEqual({ flavor: 'valkey', version: null, tables: { id: 'valkey-8.0', from: 'Valkey 8.0.1' }, assumed: { version: 'valkey-8.0', source: 'flag' } });
    expect(lintFiles(conf, { profile: null, redisVersion: '7.2.11' }).server).toEqual({ flavor: 'redis', version: '7.2.11', tables: { id: '7.2', from: 'Redis 7.2.6', note: "Redis 7.2.11 is newer than redsec's tables: judged with the 7.2 tables (from Redis 7.2.6); commands, categories and directives those tables lack are judged unknown" }, assumed: { version: '7.2.11', source: 'flag' } });
    expect(lintFiles(conf, { profile: null }).server).toEqual({ flavor: 'redis', version: null, assumed: { version: '7.2', source: 'default' } });
  });

  it('directives the target version does not know are facts with file:line; the 7.0 server is the oracle', async () => {
    const conf = write('ver/redis.conf', 'port 6379\nenable-debug-command no\n');
    expect(collectFiles(conf, { version: '6.2' }).unknownDirectives).toEqual([
      expect.objectContaining({ name: 'enable-debug-command', location: { file: conf, line: 2 } }),
    ]);
    expect(collectFiles(conf, { version: '7.0' }).unknownDirectives).toEqual([]);
    const s = await startRedis({ configFile: conf });
    expect(s.log()).toContain('Ready to accept connections');
    await s.stop();
  });
});

describe('redsec lint: directives the target version rejects, and duplicates (issue 4)', () => {
  const ISSUE4 = ['bind 127.0.0.1', 'timeout 300', 'enable-debug-command yes', 'maxclients 100', 'timeout 0'].join('\n') + '\n';
  const only = (r: Report, id: string) => r.findings.filter((f) => f.id === id);

  it('6.2: enable-debug-command is flagged high at its line, the duplicated timeout low at the line that wins', async () => {
    const conf = write('issue4/redis.conf', ISSUE4);
    const r62 = lintFiles(conf, { profile: null, redisVersion: '6.2' });
    const unknownDirective = only(r62, 'CONF-UNKNOWN-DIRECTIVE');
    expect(unknownDirective).toHaveLength(1);
    expect(unknownDirective[0]).toMatchObject({ status: 'fail', severity: 'high', location: { file: conf, line: 3 } });
    expect(unknownDirective[0]?.evidence).toMatch(/'enable-debug-command' .*Redis 6\.2 would refuse to start/);
    const duplicate = only(r62, 'CONF-DUPLICATE-DIRECTIVE');
    expect(duplicate).toHaveLength(1);
    expect(duplicate[0]).toMatchObject({ status: 'fail', severity: 'low', location: { file: conf, line: 5 } });
    expect(duplicate[0]?.evidence).toContain(`${conf}:2, ${conf}:5`);

    // 7.0 knows the directive: only the duplicate remains, and the real 7.0.15 server agrees:
    // it starts with the file and runs with the last timeout.
    const r70 = lintFiles(conf, { profile: null, redisVersion: '7.0' });
    expect(only(r70, 'CONF-UNKNOWN-DIRECTIVE').map((f) => f.status)).toEqual(['pass']);
    expect(only(r70, 'CONF-DUPLICATE-DIRECTIVE').map((f) => f.status)).toEqual(['fail']);
    const server = await startRedis({ configFile: conf });
    try {
      const c = await rawConnect(server.port);
      expect(await c.call('CONFIG', 'GET', 'timeout')).toEqual(['timeout', '0']);
      expect(await c.call('CONFIG', 'GET', 'enable-debug-command')).toEqual(['enable-debug-command', 'yes']);
      c.close();
      // A live audit has no files to read: both rules do not apply.
      const live = await auditTarget(`redis://127.0.0.1:${server.port}`, { profile: null });
      expect([...only(live, 'CONF-UNKNOWN-DIRECTIVE'), ...only(live, 'CONF-DUPLICATE-DIRECTIVE')].map((f) => f.status)).toEqual(['not_applicable', 'not_applicable']);
    } finally {
      await server.stop();
    }
  });

  it('the server is the oracle: a directive 7.0 does not know (7.4\'s hide-user-data-from-log) stops 7.0.15, as lint says', async () => {
    const conf = write('issue4b/redis.conf', 'bind 127.0.0.1\nhide-user-data-from-log yes\n');
    const r70 = only(lintFiles(conf, { profile: null, redisVersion: '7.0' }), 'CONF-UNKNOWN-DIRECTIVE');
    expect(r70).toMatchObject([{ status: 'fail', severity: 'high', location: { file: conf, line: 2 } }]);
    expect(only(lintFiles(conf, { profile: null, redisVersion: '7.4' }), 'CONF-UNKNOWN-DIRECTIVE').map((f) => f.status)).toEqual(['pass']);
    const server = await startRedis({ configFile: conf, expectFailure: true });
    try {
      expect(server.log()).toContain("at line 2\n>>> 'hide-user-data-from-log yes'\nBad directive or wrong number of arguments");
    } finally {
      await server.stop();
    }
  });

  it('CLI: the high finding fails the run (exit 1) and SARIF carries its line', async () => {
    const conf = write('issue4c/redis.conf', ISSUE4);
    const r = await cli(['lint', conf, '--redis-version', '6.2', '--format', 'sarif']);
    expect(r.code).toBe(1);
    const sarif = JSON.parse(r.stdout) as { runs: { results: { ruleId: string; level: string; locations?: { physicalLocation: { region: { startLine: number } } }[] }[] }[] };
    const lines = (id: string) => sarif.runs[0]?.results.filter((x) => x.ruleId === id).map((x) => x.locations?.[0]?.physicalLocation.region.startLine);
    expect(lines('CONF-UNKNOWN-DIRECTIVE')).toEqual([3]);
    expect(lines('CONF-DUPLICATE-DIRECTIVE')).toEqual([5]);
  });
});

describe('redsec lint: Redis 8.0, Valkey 8.1 and servers newer than the tables (issue 13)', () => {
  const only = (r: Report, id: string) => r.findings.filter((f) => f.id === id);

  it('io-threads-do-reads: 7.0.15 knows it; 8.0 and Valkey 8.1 accept and ignore it (deprecated_configs), so no refusal', async () => {
    const conf = write('i13a/redis.conf', 'bind 127.0.0.1\nio-threads-do-reads yes\n');
    for (const v of ['7.0', '7.4', '8.0', 'valkey-8.0', 'valkey-8.1']) {
      expect(only(lintFiles(conf, { profile: null, redisVersion: v }), 'CONF-UNKNOWN-DIRECTIVE').map((f) => f.status), v).toEqual(['pass']);
    }
    // Deprecated configs take exactly one argument: more is refused as by the server.
    const bad = write('i13a2/redis.conf', 'io-threads-do-reads yes no\n');
    expect(only(lintFiles(bad, { profile: null, redisVersion: '8.0' }), 'CONF-UNKNOWN-DIRECTIVE').map((f) => f.status)).toEqual(['fail']);
    const server = await startRedis({ configFile: conf });
    expect(server.log()).toContain('Ready to accept connections');
    await server.stop();
  });

  it('a directive an earlier table listed and Valkey 8.1 no longer lists is unknown (removed or hidden), not a refusal', () => {
    const conf = write('i13b/redis.conf', 'dynamic-hz yes\nevents-per-io-thread 2\ncommandlog-execution-slower-than 5000\n');
    const r = only(lintFiles(conf, { profile: null, redisVersion: 'valkey-8.1' }), 'CONF-UNKNOWN-DIRECTIVE');
    expect(r.map((f) => [f.status, f.location?.line])).toEqual([['unknown', 1]]);
    expect(r[0]?.evidence).toContain("valkey-8.1's CONFIG GET * no longer lists 'dynamic-hz' (valkey-8.0 did)");
    // COMMANDLOG's directives are new in 8.1: Valkey 8.0 would refuse them.
    expect(only(lintFiles(conf, { profile: null, redisVersion: 'valkey-8.0' }), 'CONF-UNKNOWN-DIRECTIVE').map((f) => [f.status, f.location?.line])).toEqual([['fail', 3]]);
  });

  it('--redis-version 8.2: judged with the 8.0 tables, the report says so, and what the tables lack is unknown', async () => {
    const conf = write('i13c/redis.conf', 'bind 127.0.0.1\nenable-debug-command no\nsome-8-2-directive yes\nhide-user-data-from-log yes\n');
    const r = lintFiles(conf, { profile: null, redisVersion: '8.2' });
    expect(r.server).toEqual({
      flavor: 'redis',
      version: null,
      tables: { id: '8.0', from: 'Redis 8.0.2', note: "Redis 8.2 is newer than redsec's tables: judged with the 8.0 tables (from Redis 8.0.2); commands, categories and directives those tables lack are judged unknown" },
      assumed: { version: '8.2', source: 'flag' },
    });
    const u = only(r, 'CONF-UNKNOWN-DIRECTIVE');
    expect(u.map((f) => [f.status, f.location?.line])).toEqual([['unknown', 3]]);
    expect(u[0]?.evidence).toContain("cannot tell whether Redis 8.2 accepts it (the 8.0 tables lack 'some-8-2-directive'");
    // The same file for 8.0 itself: the server would refuse the unknown line.
    expect(only(lintFiles(conf, { profile: null, redisVersion: '8.0' }), 'CONF-UNKNOWN-DIRECTIVE').map((f) => f.status)).toEqual(['fail']);
    const text = await cli(['lint', conf, '--redis-version', 'valkey-9.0']);
    expect(text.stdout.split('\n')[1]).toBe('server: valkey 9.0 assumed (from --redis-version)');
    expect(text.stdout.split('\n')[2]).toBe("note: Valkey 9.0 is newer than redsec's tables: judged with the valkey-8.1 tables (from Valkey 8.1.1); commands, categories and directives those tables lack are judged unknown");
  });

  it('refuses only versions older than 6.2, in one line with exit 2', async () => {
    const conf = write('i13d/redis.conf', 'port 1\n');
    const r = await cli(['lint', conf, '--redis-version', '6.0']);
    expect([r.code, r.stdout, r.stderr.trim()]).toEqual([2, '', expect.stringContaining('Redis 6.0 is older than the oldest supported line (Redis 6.2)')]);
  });
});
