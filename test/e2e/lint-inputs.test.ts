/**
 * What `redsec lint` is given: a path spelled relative to the shell's directory sees the same files
 * as the absolute spelling (issue 11 item 8), a directory is bad input, and without --redis-version
 * the server is inferred from the file (item 7; no valkey-server here: Valkey is judged from its
 * per-version tables, and a real Redis refusing the Valkey-only lines is the oracle for the flavour).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lintFiles } from '../../src/audit/index.js';
import type { Report } from '../../src/report/types.js';
import { startRedis } from '../helpers/redis-server.js';
import { cli } from '../helpers/run-cli.js';

const root = mkdtempSync(join(tmpdir(), 'redsec-lint-inputs-'));
const write = (rel: string, text: string, mode = 0o600) => {
  const p = join(root, rel);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text, { mode });
  return p;
};
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs the CLI from `dir`, as a user typing a relative path there would. */
async function lintFrom(dir: string, args: string[]) {
  const before = process.cwd();
  process.chdir(dir);
  try {
    return await cli(['lint', ...args]);
  } finally {
    process.chdir(before);
  }
}

const verdicts = (r: Report) => r.findings.map((f) => `${f.id} ${f.status} ${f.evidence}`).sort();

describe('lint paths: relative spellings see the files lint was given (issue 11 item 8)', () => {
  it('deploy/redis.conf, ./deploy/../deploy/redis.conf and the absolute path give the same findings, AUTH-CONF-PERMS included', async () => {
    write('deploy/redis.conf', 'bind 127.0.0.1\ninclude conf.d/extra.conf\naclfile users.acl\n', 0o644);
    write('deploy/conf.d/extra.conf', 'timeout 60\n', 0o644);
    write('deploy/users.acl', `user default off\nuser admin on #${'c'.repeat(64)} ~* &* +@all\n`, 0o640);
    const abs = await lintFrom('/', [join(root, 'deploy/redis.conf'), '--format', 'json']);
    const rel = await lintFrom(root, ['deploy/redis.conf', '--format', 'json']);
    const odd = await lintFrom(join(root, 'deploy/conf.d'), ['../../deploy/../deploy/redis.conf', '--format', 'json']);
    const absReport = JSON.parse(abs.stdout) as Report;
    const perms = absReport.findings.filter((f) => f.id === 'AUTH-CONF-PERMS');
    expect(perms.map((f) => f.status)).toEqual(['fail', 'fail']); // users.acl is 0640: closed to others
    expect(perms.map((f) => f.evidence).join('\n')).toContain(join(root, 'deploy/conf.d/extra.conf'));
    expect(verdicts(JSON.parse(rel.stdout) as Report)).toEqual(verdicts(absReport));
    expect(verdicts(JSON.parse(odd.stdout) as Report)).toEqual(verdicts(absReport));
    expect(rel.code).toBe(abs.code);
  });

  it('a directory is bad input: one line, exit 2, no report', async () => {
    mkdirSync(join(root, 'adir'), { recursive: true });
    for (const arg of ['adir', join(root, 'adir')]) {
      const r = await lintFrom(root, [arg, '--format', 'json']);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/adir: is a directory/);
    }
  });
});

describe('lint without --redis-version infers the server from the file (issue 11 item 7)', () => {
  // A small stand-in for Valkey's stock valkey.conf: its header line and two directives only Valkey has.
  const VALKEY = ['# Valkey configuration file example.', '#', '# ./valkey-server /path/to/valkey.conf', '', 'bind 127.0.0.1 -::1', 'protected-mode yes', 'port 6379', 'dual-channel-replication-enabled no', 'commandlog-execution-slower-than 10000', ''].join('\n');

  it('a Valkey file is judged as Valkey (no CONF-UNKNOWN-DIRECTIVE), and the report says what was assumed and why', async () => {
    const conf = write('valkey/valkey.conf', VALKEY);
    const r = await cli(['lint', conf, '--format', 'json']);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.server).toMatchObject({ flavor: 'valkey', assumed: { version: 'valkey-8.1', source: 'file' }, tables: { id: 'valkey-8.1' } });
    expect(report.server.tables?.note).toMatch(/header says "Valkey configuration file".*commandlog-execution-slower-than/);
    expect(report.findings.filter((f) => f.id === 'CONF-UNKNOWN-DIRECTIVE' && f.status === 'fail')).toEqual([]);
    const text = await cli(['lint', conf]);
    expect(text.stdout).toMatch(/^server: valkey 8\.1 assumed \(inferred from the file\)$/m);
    expect(text.stdout).toMatch(/^note: no --redis-version: the file looks written for Valkey/m);
  });

  it('--redis-version still wins: as Redis 7.2 the Valkey-only directives are unknown, and a real Redis refuses them', async () => {
    const conf = write('valkey2/valkey.conf', VALKEY);
    const r = await cli(['lint', conf, '--format', 'json', '--redis-version', '7.2']);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.server).toMatchObject({ flavor: 'redis', assumed: { version: '7.2', source: 'flag' } });
    const unknownLines = report.findings.filter((f) => f.id === 'CONF-UNKNOWN-DIRECTIVE' && f.status === 'fail').map((f) => f.location?.line);
    expect(unknownLines.sort()).toEqual([8, 9]);
    // The oracle for "not a Redis file": redis-server 7.0 stops at the first Valkey-only line.
    const booted = await startRedis({ configFile: conf, expectFailure: true });
    expect(booted.log()).toMatch(/line 8[\s\S]*dual-channel-replication-enabled/);
    await booted.stop();
  });

  it('only the header: Valkey with the oldest Valkey tables; a Redis 7.4 directive: Redis 7.4; nothing: the default, said so', () => {
    const header = write('valkey3/valkey.conf', '# Valkey configuration file example.\nport 6379\n');
    expect(lintFiles(header, { profile: null }).server).toMatchObject({ flavor: 'valkey', assumed: { version: 'valkey-7.2', source: 'file' } });
    const r74 = write('redis74/redis.conf', 'port 6379\nhide-user-data-from-log yes\n');
    const report74 = lintFiles(r74, { profile: null });
    expect(report74.server).toMatchObject({ flavor: 'redis', assumed: { version: '7.4', source: 'file' } });
    expect(report74.server.tables?.note).toMatch(/hide-user-data-from-log/);
    const plain = write('plain/redis.conf', 'port 6379\n');
    expect(lintFiles(plain, { profile: null }).server).toMatchObject({ flavor: 'redis', assumed: { version: '7.2', source: 'default' } });
  });
});

describe('MCP lint_config infers the server the same way', () => {
  it('config_text with Valkey\'s header and Valkey-only directives is judged as Valkey, and says so', async () => {
    const { lintConfig } = await import('../../src/mcp/tools/lint.js');
    const text = ['# Valkey configuration file example.', 'bind 127.0.0.1', 'dual-channel-replication-enabled no', ''].join('\n');
    const ctx = { targets: new Map(), readRoots: [], timeoutMs: 5000, log: () => undefined, env: {} };
    const report = lintConfig(ctx, { config_text: text });
    expect(report.server).toMatchObject({ flavor: 'valkey', assumed: { version: 'valkey-8.0', source: 'file' }, tables: { id: 'valkey-8.0' } });
    expect(report.findings.filter((f) => f.id === 'CONF-UNKNOWN-DIRECTIVE' && f.status === 'fail')).toEqual([]);
    expect(lintConfig(ctx, { config_text: text, redis_version: '7.2' }).server.flavor).toBe('redis');
  });
});
