/**
 * Config files from a pull request are hostile input: each attack of issue 10 (items 5-7) is run
 * through the real CLI on real files. Every one must end with a one-line error and exit 2, or a
 * correct result, never a hang, a stack trace or minutes of CPU. Speed itself is measured in
 * bench/config.bench.mjs; here the test's timeout is the (generous) bound.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { globStats } from '../../src/text/glob.js';
import { CONFIG_LIMITS } from '../../src/config/index.js';
import { cli } from '../helpers/run-cli.js';

const root = mkdtempSync(join(tmpdir(), 'redsec-hostile-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const write = (rel: string, text: string) => {
  const p = join(root, rel);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text, { mode: 0o600 });
  return p;
};

/** One line of stderr, exit 2, no stack trace. */
function expectCleanRefusal(r: { code: number; stderr: string }, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('item 5: glob backtracking', () => {
  it('include /usr/share/doc/*?*?...# against many long names: no match, bounded work', async () => {
    for (let i = 0; i < 100; i++) write(`doc/${'long-package-name-'.repeat(4)}${i}/copyright`, '');
    const conf = write('glob.conf', `include ${root}/doc/${'*?'.repeat(14)}#\n`);
    const r = await cli(['lint', conf, '--format', 'json']);
    expect(r.stderr).toBe('');
    // No match is not an error in Redis; the matcher's work per name is linear in its length.
    expect(globStats.steps).toBeLessThan(2 * 31 * 100);
  });
});

describe('item 6: include walk', () => {
  it('a glob through a symbolic-link loop (/proc/*/root/proc/*/root/... style) is refused by name', async () => {
    mkdirSync(join(root, 'loop'), { recursive: true });
    symlinkSync('..', join(root, 'loop', 'up'));
    const conf = write('loop.conf', `include ${root}/loop/*/loop/*/loop/*/x.conf\n`);
    expectCleanRefusal(await cli(['lint', conf]), /loop\.conf:1: include .*symbolic-link loop/);
  });

  it('/proc/*/root/proc/*/root/... on this host is refused, not walked', async () => {
    const conf = write('proc.conf', 'include /proc/*/root/proc/*/root/proc/*/root/etc/redis.conf\n');
    const r = await cli(['lint', conf]);
    // Where /proc/<pid>/root is readable (root) it loops back to /: refused; otherwise nothing matches.
    if (r.code === 2) expectCleanRefusal(r, /proc\.conf:1: include .*(symbolic-link loop|more than \d+ directory entries)/);
    else expect({ code: r.code <= 1, stderr: r.stderr }).toEqual({ code: true, stderr: '' });
  });

  it('a file including itself through a symlink of another name is a cycle (real paths)', async () => {
    write('cyc/a.conf', `include ${root}/cyc/b.conf\n`);
    symlinkSync(join(root, 'cyc', 'a.conf'), join(root, 'cyc', 'b.conf'));
    expectCleanRefusal(await cli(['lint', join(root, 'cyc', 'a.conf')]), /include cycle/);
  });

  it('include nesting deeper than the limit is refused with file:line', async () => {
    const depth = CONFIG_LIMITS.maxIncludeDepth + 2;
    for (let i = 0; i < depth; i++) write(`deep/${i}.conf`, `include ${root}/deep/${i + 1}.conf\n`);
    write(`deep/${depth}.conf`, 'port 6379\n');
    expectCleanRefusal(await cli(['lint', join(root, 'deep', '0.conf')]), /deep\/\d+\.conf:1: includes nested deeper than 32 levels/);
  });

  it('a FIFO named by include is refused without blocking', async () => {
    const fifo = join(root, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const conf = write('fifo.conf', `include ${fifo}\n`);
    expectCleanRefusal(await cli(['lint', conf]), /fifo\.conf:1: .*not a regular file/);
  });
});

describe('item 7: linear parsing and documented limits', () => {
  it('32,000 `save 1 1` lines parse (the schedule accumulates) within the test timeout', async () => {
    const conf = write('save.conf', 'save 1 1\n'.repeat(32_000));
    const r = await cli(['lint', conf, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).findings.length).toBeGreaterThan(0);
  });

  it('40,000 key patterns on one user line compile within the test timeout', async () => {
    const keys = Array.from({ length: 40_000 }, (_, i) => `~k${i}`).join(' ');
    const conf = write('keys.conf', `user app on nopass ${keys} +get\n`);
    const r = await cli(['lint', conf, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBeLessThan(2);
  });

  it('a line with a megabyte of inner blanks (quadratic for a trimming RegExp) in the config and the ACL file', async () => {
    const blanks = ' '.repeat(1_000_000);
    const acl = write('blank.acl', `user app on nopass ~k${blanks}+get${blanks}x\n`);
    const conf = write('blank.conf', `timeout${blanks}0${blanks}\naclfile ${acl}\n`);
    const r = await cli(['lint', conf, '--format', 'json']);
    expect(r.code).toBeLessThanOrEqual(2);
    expect(r.stderr.split('\n').length).toBeLessThanOrEqual(2);
  });

  it('more rules on one user than the limit: file:line, exit 2', async () => {
    const conf = write('rules.conf', `user app on nopass ${'~k '.repeat(100_001)}\n`);
    expectCleanRefusal(await cli(['lint', conf]), /rules\.conf:1: more than 100000 rules for one user/);
  });

  it('more lines than the limit: exit 2 naming the limit', async () => {
    const conf = write('lines.conf', '#\n'.repeat(CONFIG_LIMITS.maxLines + 1));
    expectCleanRefusal(await cli(['lint', conf]), /lines\.conf:1: config and its includes longer than 2000000 lines/);
  });
});
