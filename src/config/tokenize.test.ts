import { describe, expect, it } from 'vitest';
import { ConfigSyntaxError } from '../errors.js';
import { splitArgs, tokenizeLine, UNBALANCED_QUOTES } from './tokenize.js';

describe('splitArgs (sdssplitargs rules)', () => {
  const cases: [string, string[] | null][] = [
    ['', []],
    ['   \t ', []],
    ['port 6379', ['port', '6379']],
    ['  save   900 1  ', ['save', '900', '1']],
    ['a\tb\rc\nd', ['a', 'b', 'c', 'd']],
    // \v and \f are skipped between tokens but do not end a bare token
    ['a\vb \fc', ['a\vb', 'c']],
    ['"hello world"', ['hello world']],
    ['""', ['']],
    ["''", ['']],
    ['"a" ""', ['a', '']],
    ['"\\x41\\x4a\\x4A"', ['AJJ']],
    ['"\\xc3\\xa9"', ['é']],
    ['"\\xzz"', ['xzz']],
    ['"\\x4"', ['x4']],
    ['"\\n\\r\\t\\b\\a"', ['\n\r\t\b\u0007']],
    ['"\\"\\\\\\q"', ['"\\q']],
    ["'it\\'s'", ["it's"]],
    ["'a\\nb'", ['a\\nb']],
    ["'\"'", ['"']],
    ['"\'"', ["'"]],
    // quotes may open mid-token
    ['ab"c d"', ['abc d']],
    ["ab'c d' e", ['abc d', 'e']],
    ['a\\b', ['a\\b']],
    ['# not special here', ['#', 'not', 'special', 'here']],
    ['port 6379 # trailing', ['port', '6379', '#', 'trailing']],
    ['"x"\t"y"', ['x', 'y']],
    ['"x"\v"y"', ['x', 'y']],
    // Redis reads a C string: a NUL byte ends the line
    ['a b\u0000c d', ['a', 'b']],
    ['é ü', ['é', 'ü']],
    // closing quote must be followed by a blank or the end
    ['"foo"bar', null],
    ["'foo'bar", null],
    ['"foo""bar"', null],
    ['"unterminated', null],
    ["'unterminated", null],
    ['"ends with backslash\\', null],
    ['"escaped quote at end\\"', null],
    ["'escaped single at end\\'", null],
    ['a "b', null],
  ];
  it.each(cases)('%j', (line, expected) => {
    expect(splitArgs(line)).toEqual(expected);
  });
});

describe('tokenizeLine', () => {
  it('throws ConfigSyntaxError with Redis wording and position', () => {
    expect(() => tokenizeLine('dbfilename "x', { file: 'redis.conf', line: 7 })).toThrow(ConfigSyntaxError);
    try {
      tokenizeLine('dbfilename "x', { file: 'redis.conf', line: 7 });
    } catch (e) {
      expect(e).toMatchObject({ reason: UNBALANCED_QUOTES, file: 'redis.conf', line: 7 });
      expect((e as Error).message).toBe('redis.conf:7: Unbalanced quotes in configuration line');
    }
  });
});
