import { describe, expect, it } from 'vitest';
import { ConfigSyntaxError } from '../errors.js';
import { parseConfig } from './parse.js';
import { memfs } from '../../test/helpers/memfs.js';


function errorOf(fn: () => unknown): ConfigSyntaxError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigSyntaxError) return e;
    throw e;
  }
  throw new Error('expected a ConfigSyntaxError');
}

describe('parseConfig: lines', () => {
  it('keeps file:line, lowercases the name only, skips comments and blanks', () => {
    const text = '# comment\n   # indented comment\n\nPORT 6379\n  bind 127.0.0.1 -::1  \r\nMasterUser "Alice Smith"\nsave ""\n';
    expect(parseConfig(text, { file: 'redis.conf' }).directives).toEqual([
      { name: 'port', args: ['6379'], location: { file: 'redis.conf', line: 4 } },
      { name: 'bind', args: ['127.0.0.1', '-::1'], location: { file: 'redis.conf', line: 5 } },
      { name: 'masteruser', args: ['Alice Smith'], location: { file: 'redis.conf', line: 6 } },
      { name: 'save', args: [''], location: { file: 'redis.conf', line: 7 } },
    ]);
  });

  it('treats # after a value as tokens, as Redis does', () => {
    expect(parseConfig('port 6379 # note', { file: 'f' }).directives[0]?.args).toEqual(['6379', '#', 'note']);
  });

  it('throws Redis wording at the line of unbalanced quotes', () => {
    const e = errorOf(() => parseConfig('port 1\n\ndbfilename "x\n', { file: 'r.conf' }));
    expect([e.file, e.line, e.reason]).toEqual(['r.conf', 3, 'Unbalanced quotes in configuration line']);
  });

  it('with check, stops at the first line the version refuses', () => {
    const text = 'port 1\nenable-debug-command yes\n';
    expect(parseConfig(text, { file: 'f', version: '7.0', check: true }).directives).toHaveLength(2);
    const e = errorOf(() => parseConfig(text, { file: 'f', version: '6.2', check: true }));
    expect([e.line, e.reason]).toEqual([2, 'Bad directive or wrong number of arguments']);
  });
});

describe('parseConfig: include', () => {
  const fs = memfs({
    '/srv/main.conf': '',
    '/srv/a.conf': 'timeout 1\ninclude b.conf\n',
    '/srv/b.conf': 'timeout 2\n',
    '/srv/sub/b.conf': 'timeout 99\n',
    '/srv/sub/a.conf': 'include b.conf\n',
    '/srv/conf.d/1.conf': 'hz 1\nhz 2',
    '/srv/conf.d/2.conf': ' 3\nhz 4\n',
    '/srv/loop1.conf': 'include loop2.conf\n',
    '/srv/loop2.conf': 'include loop1.conf\n',
    '/other/c.conf': 'maxclients 5\n',
  });
  const opts = { file: 'main.conf', cwd: '/srv', readFile: fs.readFile, listDir: fs.listDir };

  it('resolves against the working directory, not the including file, and records the chain', () => {
    const parsed = parseConfig('include sub/a.conf\n', opts);
    expect(parsed.directives.at(-1)).toEqual({
      name: 'timeout',
      args: ['2'],
      location: { file: 'b.conf', line: 1 },
      includedFrom: [
        { file: 'main.conf', line: 1 },
        { file: 'sub/a.conf', line: 1 },
      ],
    });
    expect(parsed.files).toEqual(['main.conf', 'sub/a.conf', 'b.conf']);
  });

  it('follows a preceding dir (Redis chdir()s while loading)', () => {
    const parsed = parseConfig('dir /other\ninclude c.conf\n', opts);
    expect(parsed.directives.at(-1)?.location).toEqual({ file: 'c.conf', line: 1 });
  });

  it('joins glob matches into one text, like Redis', () => {
    const parsed = parseConfig('include conf.d/*.conf\n', opts);
    expect(parsed.directives.filter((d) => d.name === 'hz').map((d) => [d.args, d.location])).toEqual([
      [['1'], { file: 'conf.d/1.conf', line: 1 }],
      [['2', '3'], { file: 'conf.d/1.conf', line: 2 }],
      [['4'], { file: 'conf.d/2.conf', line: 2 }],
    ]);
  });

  it('6.2 has no glob includes: the pattern is a file name', () => {
    const e = errorOf(() => parseConfig('include conf.d/*.conf\n', { ...opts, version: '6.2' }));
    expect(e.reason).toBe("Fatal error, can't open config file 'conf.d/*.conf': No such file or directory");
  });

  it('detects cycles', () => {
    const e = errorOf(() => parseConfig('include loop1.conf\n', opts));
    expect([e.file, e.line, e.reason]).toEqual(['loop2.conf', 1, 'include cycle: loop1.conf -> loop2.conf -> loop1.conf']);
    const self = errorOf(() => parseConfig('include main.conf\n', opts));
    expect(self.reason).toBe('include cycle: main.conf -> main.conf');
  });

  it('allows the same file twice when it is not a cycle', () => {
    expect(parseConfig('include b.conf\ninclude b.conf\n', opts).directives.filter((d) => d.name === 'timeout')).toHaveLength(2);
  });

  it('needs file access to follow includes', () => {
    const e = errorOf(() => parseConfig('include b.conf\n', { file: 'x.conf' }));
    expect(e.line).toBe(1);
  });
});
