import { describe, expect, it } from 'vitest';
import { atoi, directiveChecker, directiveProblem, directiveSupport } from './support.js';
import type { Directive } from './types.js';

const at = { file: 'f', line: 1 };
const d = (name: string, ...args: string[]): Directive => ({ name, args, location: at });

describe('directiveSupport', () => {
  it('knows per-version names, aliases and file-only directives', () => {
    expect(directiveSupport('enable-debug-command', '6.2').known).toBe(false);
    expect(directiveSupport('enable-debug-command', '7.0').known).toBe(true);
    expect(directiveSupport('hide-user-data-from-log', '7.2').known).toBe(false);
    expect(directiveSupport('hide-user-data-from-log', '7.4').known).toBe(true);
    expect(directiveSupport('hide-user-data-from-log', 'valkey-8.0').known).toBe(true);
    expect(directiveSupport('slaveof', '7.0')).toEqual({ known: true, canonical: 'replicaof' });
    expect(directiveSupport('replicaof', '6.2')).toEqual({ known: true, canonical: 'replicaof' });
    expect(directiveSupport('lua-time-limit', '7.0').canonical).toBe('busy-reply-threshold');
    expect(directiveSupport('lua-time-limit', '6.2').canonical).toBe('lua-time-limit');
    expect(directiveSupport('hash-max-ziplist-entries', '7.2').canonical).toBe('hash-max-listpack-entries');
    expect(directiveSupport('masterauth', 'valkey-8.0').canonical).toBe('primaryauth');
    expect(directiveSupport('masterauth', '7.4').canonical).toBe('masterauth');
    expect(directiveSupport('RENAME-COMMAND', '7.0')).toEqual({ known: true, canonical: 'rename-command' });
    expect(directiveSupport('lua-replicate-commands', '7.0')).toMatchObject({ known: true, ignored: true });
    expect(directiveSupport('lua-replicate-commands', '6.2')).toEqual({ known: true, canonical: 'lua-replicate-commands' });
    expect(directiveSupport('mymodule.option', '7.0').known).toBe(true);
    expect(directiveSupport('mymodule.option', '6.2').known).toBe(false);
  });
});

describe('directiveProblem', () => {
  const cases: [Directive, string, string | undefined][] = [
    [d('port', '6379'), '7.0', undefined],
    [d('port'), '7.0', 'wrong number of arguments'],
    [d('port', '1', '2'), '7.0', 'wrong number of arguments'],
    [d('appendonly', 'YES'), '7.0', undefined],
    [d('appendonly', 'on'), '7.0', "argument must be 'yes' or 'no'"],
    [d('loglevel', 'nothing'), '7.0', 'argument(s) must be one of the following: debug, verbose, notice, warning'],
    [d('loglevel', 'nothing'), '7.2', undefined],
    [d('maxmemory', '1GB'), '7.0', undefined],
    [d('maxmemory', '1 GB'), '7.0', 'argument must be a memory value'],
    [d('maxmemory-clients', '10%'), '7.0', undefined],
    [d('save', '900 1 300 10'), '7.0', undefined],
    [d('save', '900', '1', '300'), '7.0', 'Invalid save parameters'],
    [d('save', '0', '1'), '7.0', 'Invalid save parameters'],
    [d('save', ''), '7.0', undefined],
    [d('bind', '127.0.0.1', '-::1'), '7.0', undefined],
    [d('slaveof', 'no', 'one'), '7.0', undefined],
    [d('slaveof', '10.0.0.1', 'x'), '7.0', 'Invalid master port'],
    [d('replicaof', '10.0.0.1'), '6.2', 'Bad directive or wrong number of arguments'],
    [d('client-output-buffer-limit', 'replica', '1gb', '256mb', '60'), '7.0', undefined],
    [d('client-output-buffer-limit', 'master', '0', '0', '0'), '7.0', 'Invalid client class specified in buffer limit configuration.'],
    [d('rename-command', 'CONFIG', ''), '7.0', undefined],
    [d('rename-command', 'nosuch', 'x'), '7.0', 'No such command in rename-command'],
    [d('user', 'alice', 'on', '>p w'), '7.0', undefined],
    [d('user'), '7.0', 'Bad directive or wrong number of arguments'],
    [d('include'), '7.0', 'Bad directive or wrong number of arguments'],
    [d('sentinel', 'monitor', 'm', '127.0.0.1', '6379', '2'), '7.0', 'sentinel directive while not in sentinel mode'],
    [d('list-max-ziplist-entries', '512'), '7.0', undefined],
    [d('list-max-ziplist-entries', '512', '1'), '7.0', 'Bad directive or wrong number of arguments'],
    [d('dbfilename', 'a\\b'), '7.0', "dbfilename can't be a path, just a filename"],
    [d('unixsocketperm', '770'), '7.0', undefined],
    [d('unixsocketperm', '778'), '7.0', "argument couldn't be parsed as an octal number"],
    [d('maxclients', '0010'), '7.0', "argument couldn't be parsed into an integer"],
    [d('maxclients', '-0'), '7.0', "argument couldn't be parsed into an integer"],
    [d('maxmemory', ''), '7.0', undefined],
    [d('maxmemory', 'k'), '7.0', undefined],
    [d('maxmemory', '99999999999999999999'), '7.0', undefined],
    [d('repl-backlog-size', '-5'), '7.0', 'argument must be a memory value'],
    [d('port', '70000'), '7.0', 'argument must be between 0 and 65535 inclusive'],
    [d('port', '-1'), '7.0', 'argument must be between 0 and 65535 inclusive'],
    [d('maxmemory-clients', '200%'), '7.0', 'percentage argument must be less or equal to 100'],
    [d('unixsocketperm', '1000'), '7.0', 'argument must be between 0 and 777 inclusive'],
    [d('databases', '0'), '7.0', 'argument must be between 1 and 2147483647 inclusive'],
    [d('loglevel', 'loud'), '6.2', 'argument must be one of the following: debug, verbose, notice, warning'],
    [d('shutdown-on-sigint', 'save nosave'), '7.0', "shutdown options SAVE and NOSAVE can't be used simultaneously"],
    [d('shutdown-on-sigint', 'nosave', 'now'), '7.0', undefined],
  ];
  it.each(cases)('%j on %s', (directive, version, expected) => {
    expect(directiveProblem(directive, version as '7.0')).toBe(expected);
  });
});

describe('directiveChecker (state kept while loading)', () => {
  it('follows rename-command through the command table', () => {
    const check = directiveChecker('7.0');
    expect(check(d('rename-command', 'CONFIG', 'cfg'))).toBeUndefined();
    expect(check(d('rename-command', 'cfg', 'cfg2'))).toBeUndefined();
    expect(check(d('rename-command', 'config', 'x'))).toBe('No such command in rename-command');
    expect(check(d('rename-command', 'GET', 'SET'))).toBe('Target command name already exists');
  });

  it('refuses a second user line for a name on 7.0+, not on 6.2', () => {
    const c70 = directiveChecker('7.0');
    expect(c70(d('user', 'bob', 'on'))).toBeUndefined();
    expect(c70(d('user', 'bob', 'off'))).toBe("Error in user declaration 'bob': Duplicate user found. A user can only be defined once in config files");
    const c62 = directiveChecker('6.2');
    expect(c62(d('user', 'bob', 'on'))).toBeUndefined();
    expect(c62(d('user', 'bob', 'off'))).toBeUndefined();
  });

  it('checks 6.2 save lines as its legacy parser did', () => {
    const c62 = directiveChecker('6.2');
    expect(c62(d('save', '900', '1'))).toBeUndefined();
    expect(c62(d('save', '0', '1'))).toBe('Invalid save parameters');
    expect(c62(d('save', '900', '1', '300', '10'))).toBeUndefined();
    expect(atoi(' 12abc')).toBe(12);
    expect(atoi('abc')).toBe(0);
  });
});
