/**
 * What `redsec lint` is given: a path spelled relative to the shell's directory sees the same files
 * as the absolute spelling (issue 11 item 8), and a directory is bad input.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/types.js';
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
