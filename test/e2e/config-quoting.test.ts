/**
 * Oracle: redis.conf files with tricky quoting, booted by a real redis-server; CONFIG GET and
 * ACL LIST must show what effectiveConfig predicts, and files the server refuses must make the
 * parser throw at the same line with the same reason.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { emitDirective } from '../../src/config/quote.js';
import { parseConfig } from '../../src/config/parse.js';
import { effectiveConfig } from '../../src/config/effective.js';
import { ConfigSyntaxError } from '../../src/errors.js';
import { startRedis } from '../helpers/redis-server.js';
import { rawConnect } from '../helpers/raw-client.js';

const VERSION = '7.0' as const;

/** Strings made of the characters that stress quoting; no NUL (C strings) and no '/' (dbfilename). */
const tricky = fc.string({
  unit: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('"', "'", '\\', ' ', '\t', '#', 'x', '4', 'a', '\u0007', '\u0008', '\n', '\r', 'é', '€', '😀') },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => c !== '\u0000' && c !== '/') },
  ),
  minLength: 1,
  maxLength: 16,
});

const STRING_DIRECTIVES = ['dbfilename', 'syslog-ident', 'masteruser', 'masterauth', 'replica-announce-ip', 'tls-ciphers'] as const;

async function configGet(port: number, names: string[]): Promise<Record<string, string>> {
  const c = await rawConnect(port);
  try {
    const out: Record<string, string> = {};
    for (const name of names) {
      const reply = (await c.call('CONFIG', 'GET', name)) as string[];
      out[name] = reply[1] as string;
    }
    const acl = (await c.call('ACL', 'LIST')) as string[];
    out['@acl'] = acl.join('\n');
    return out;
  } finally {
    c.close();
  }
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

describe('config engine vs redis-server 7.0: quoting', () => {
  it('CONFIG GET and ACL LIST equal effectiveConfig for 50 generated files', async () => {
    const fileArb = fc.record({
      values: fc.record(Object.fromEntries(STRING_DIRECTIVES.map((d) => [d, tricky])) as Record<(typeof STRING_DIRECTIVES)[number], typeof tricky>),
      password: tricky,
      upperName: fc.boolean(),
    });
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fileArb, async ({ values, password, upperName }) => {
        runs++;
        // Redis refuses a dbfilename containing / or \ (pathIsBaseName); that case is covered below.
        const safe = { ...values, dbfilename: values.dbfilename.replace(/[\\/]/g, '_') };
        const lines = Object.entries(safe).map(([name, value]) => emitDirective(upperName ? name.toUpperCase() : name, [value]));
        lines.push(emitDirective('user', ['alice', 'on', `>${password}`, '~app:*', '+get']));
        const text = `# generated\n${lines.join('\n')}\n`;
        const mine = effectiveConfig(parseConfig(text, { file: 'redis.conf', version: VERSION, check: true }), VERSION);
        const server = await startRedis({ config: text });
        try {
          const live = await configGet(server.port, [...STRING_DIRECTIVES]);
          for (const name of STRING_DIRECTIVES) expect(live[name]).toBe(mine.values[name]?.value);
          expect(mine.users).toEqual([expect.objectContaining({ name: 'alice', rules: ['on', `>${password}`, '~app:*', '+get'] })]);
          expect(live['@acl']).toContain(`user alice on #${sha256(password)} ~app:*`);
        } finally {
          await server.stop();
        }
      }),
      { numRuns: 50 },
    );
    expect(runs).toBe(50);
  }, 120_000);

  it('agrees on accept/refuse and the line for random quote soup (30 files)', async () => {
    const soup = fc.string({ unit: fc.constantFrom('"', "'", '\\', ' ', 'a', 'x', '4', '\t'), minLength: 1, maxLength: 10 });
    await fc.assert(
      fc.asyncProperty(soup, fc.integer({ min: 0, max: 3 }), async (value, padding) => {
        const text = `${'# pad\n'.repeat(padding)}port 6379\nsyslog-ident ${value}\nloglevel notice\n`;
        let mine: { ok: true; value: string | undefined } | { ok: false; line: number; reason: string };
        try {
          const parsed = parseConfig(text, { file: 'redis.conf', version: VERSION, check: true });
          mine = { ok: true, value: effectiveConfig(parsed, VERSION).values['syslog-ident']?.value };
        } catch (e) {
          if (!(e instanceof ConfigSyntaxError)) throw e;
          mine = { ok: false, line: e.line, reason: e.reason };
        }
        const server = await startRedis({ config: text, expectFailure: !mine.ok });
        try {
          if (mine.ok) {
            expect((await configGet(server.port, ['syslog-ident']))['syslog-ident']).toBe(mine.value);
          } else {
            const log = server.log();
            expect(log).toContain(`at line ${mine.line}\n`);
            expect(log).toContain(`\n${mine.reason}\n`);
          }
        } finally {
          await server.stop();
        }
      }),
      { numRuns: 30 },
    );
  }, 120_000);
});

describe('config engine vs redis-server 7.0: numbers, units, booleans, enums', () => {
  it('agrees on accept/refuse, reason, line and CONFIG GET value for random values (40 files)', async () => {
    const names = ['maxmemory', 'repl-backlog-size', 'maxmemory-clients', 'timeout', 'databases', 'tcp-keepalive', 'hz', 'activerehashing', 'maxmemory-policy'];
    const value = fc.oneof(
      fc.string({ unit: fc.constantFrom('0', '1', '5', '9', '-', '+', 'k', 'K', 'b', 'g', 'G', 'm', '%', 'x'), maxLength: 6 }),
      fc.bigInt({ min: -(2n ** 65n), max: 2n ** 65n }).map(String),
      fc.constantFrom('yes', 'No', 'YES', 'allkeys-LRU', 'volatile-ttl', 'noeviction', '18446744073709551615', '9223372036854775808', ''),
    );
    const line = fc.tuple(fc.constantFrom(...names), value);
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 3 }), async (pairs) => {
        const text = pairs.map(([n, v]) => emitDirective(n, [v])).join('\n') + '\n';
        let mine: { ok: true; values: Record<string, string | undefined> } | { ok: false; line: number; reason: string };
        try {
          const eff = effectiveConfig(parseConfig(text, { file: 'redis.conf', version: VERSION, check: true }), VERSION);
          mine = { ok: true, values: Object.fromEntries(names.map((n) => [n, eff.values[n]?.value])) };
        } catch (e) {
          if (!(e instanceof ConfigSyntaxError)) throw e;
          mine = { ok: false, line: e.line, reason: e.reason };
        }
        const server = await startRedis({ config: text, expectFailure: !mine.ok });
        try {
          if (mine.ok) {
            expect(await configGet(server.port, names).then(({ ['@acl']: _, ...rest }) => rest)).toEqual(mine.values);
          } else {
            expect(server.log()).toContain(`at line ${mine.line}\n`);
            expect(server.log()).toContain(`\n${mine.reason}\n`);
          }
        } finally {
          await server.stop();
        }
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});

describe('config engine vs redis-server 7.0: refused files', () => {
  const cases: [string, string][] = [
    ['unbalanced double quote', 'port 6379\ndbfilename "dump.rdb\n'],
    ['closing quote glued to text', '\n\nsyslog-ident "foo"bar\n'],
    ['unbalanced single quote', "# c\nmasteruser 'abc\n"],
    ['unknown directive', 'port 6379\nno-such-directive yes\n'],
    ['comment after a value', 'maxclients 100 # at most\n'],
    ['bad boolean', 'appendonly maybe\n'],
    ['bad enum', 'loglevel loud\n'],
    ['bad memory value', 'maxmemory 10zb\n'],
    ['bad integer', 'maxclients ten\n'],
    ['odd save list', 'save 900\n'],
    ['rename of an unknown command', 'rename-command NOSUCHCMD foo\n'],
    ['dbfilename with a path', 'dbfilename ../x.rdb\n'],
    ['dbfilename with a backslash', 'dbfilename "a\\\\b"\n'],
    ['include with two arguments', 'include a.conf b.conf\n'],
    ['bad buffer limit class', 'client-output-buffer-limit master 0 0 0\n'],
    ['the first bad line counts, even before a quoting error', 'loglevel loud\ndbfilename "x\n'],
    ['integer with leading zeros', 'maxclients 0010\n'],
    ['integer with a plus sign', 'timeout +5\n'],
    ['quoted memory value with a space', 'maxmemory "1 GB"\n'],
    ['save with zero seconds', 'save 0 1\n'],
    ['save split across a quoted and a bare argument', 'save "900 1" 300\n'],
    ['non-octal socket permissions', 'unixsocketperm 778\n'],
    ['replicaof with a bad port', 'replicaof 10.0.0.1 x\n'],
    ['sentinel directive outside sentinel mode', 'sentinel monitor m 127.0.0.1 6379 2\n'],
    ['shutdown flags SAVE and NOSAVE together', 'shutdown-on-sigint save nosave\n'],
    ['renaming onto an existing command', 'rename-command GET SET\n'],
    ['renaming a command already renamed away', 'rename-command CONFIG cfg\nrename-command config x\n'],
    ['port out of range', 'port 70000\n'],
    ['negative unsigned value', 'tcp-keepalive -1\n'],
    ['percentage over the limit', 'maxmemory-clients 200%\n'],
    ['octal out of range', 'unixsocketperm 1000\n'],
    ['negative memory value', 'repl-backlog-size -5\n'],
    ['a user defined twice', 'user bob on\n# again\nuser bob off\n'],
    ['a 6.2-era ziplist option with an extra argument', 'list-max-ziplist-entries 512 1\n'],
  ];
  it.each(cases)('%s', async (_label, text) => {
    let thrown: ConfigSyntaxError | undefined;
    try {
      parseConfig(text, { file: 'redis.conf', version: VERSION, check: true });
    } catch (e) {
      if (!(e instanceof ConfigSyntaxError)) throw e;
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ConfigSyntaxError);
    const server = await startRedis({ config: text, expectFailure: true });
    try {
      const log = server.log();
      expect(log).toContain('FATAL CONFIG FILE ERROR');
      expect(log).toContain(`at line ${thrown?.line}\n`);
      expect(log).toContain(`\n${thrown?.reason}\n`);
    } finally {
      await server.stop();
    }
  });
});

describe('config engine vs redis-server 7.0: accumulating and normalised values', () => {
  it('save, memory units, aliases, enums, booleans and buffer limits read as CONFIG GET prints them', async () => {
    const text = [
      'save 900 1',
      'save 300 10',
      'maxmemory 1GB',
      'client-query-buffer-limit 512mb',
      'lua-time-limit 4000',
      'hash-max-ziplist-value 1kb',
      'LOGLEVEL VERBOSE',
      'appendfsync ALWAYS',
      'activerehashing NO',
      'client-output-buffer-limit pubsub 64mb 16mb 90',
      'client-output-buffer-limit replica 1gb 512m 30 normal 1k 2k 3',
      'maxclients 100',
      'maxclients 200',
      'unixsocketperm 0700',
      'bind "127.0.0.1 ::1"',
      '',
    ].join('\n');
    // redis-server appends the command-line options after the file; the test harness passes these.
    const server = await startRedis({ config: text, overrides: { save: '60 5', bind: '127.0.0.1' } });
    try {
      const options = [emitDirective('bind', ['127.0.0.1']), emitDirective('save', ['60 5'])].join('\n');
      const mine = effectiveConfig(parseConfig(`${text}\n${options}\n`, { file: 'redis.conf', version: VERSION, check: true }), VERSION);
      const names = [
        'save',
        'maxmemory',
        'client-query-buffer-limit',
        'busy-reply-threshold',
        'lua-time-limit',
        'hash-max-listpack-value',
        'hash-max-ziplist-value',
        'loglevel',
        'appendfsync',
        'activerehashing',
        'client-output-buffer-limit',
        'maxclients',
        'unixsocketperm',
        'timeout',
        'protected-mode',
      ];
      const live = await configGet(server.port, names);
      for (const name of names) expect({ name, value: mine.values[name]?.value }).toEqual({ name, value: live[name] });
      expect(mine.values['timeout']?.isDefault).toBe(true);
      expect(mine.duplicates.map((d) => d.name)).toEqual(expect.arrayContaining(['maxclients', 'bind']));
      expect(mine.duplicates.map((d) => d.name)).not.toContain('save');
    } finally {
      await server.stop();
    }
  });
});

describe('config engine vs redis-server 7.0: accepted files and conflicts', () => {
  it('boots a file full of legal oddities, and reads it as the server does', async () => {
    const text = [
      'list-max-ziplist-entries 512',
      'lua-replicate-commands yes',
      'rename-command FLUSHALL ""',
      "rename-command DEBUG 'my debug'",
      'maxmemory ""',
      'save "900 1"',
      'SAVE 300 10',
      'bind "127.0.0.1"',
      "syslog-ident 'it\\'s'",
      'masteruser ab"c d"',
      'hz "\\x31\\x35"',
      '   \t# indented comment',
      'appendonly No',
      '',
    ].join('\n');
    // redis-server appends the harness's command-line options (here `save "60 5"`) after the file.
    const withOptions = `${text}\n${emitDirective('save', ['60 5'])}\n`;
    const mine = effectiveConfig(parseConfig(withOptions, { file: 'redis.conf', version: VERSION, check: true }), VERSION);
    const server = await startRedis({ config: text, overrides: { save: '60 5' } });
    try {
      const names = ['maxmemory', 'save', 'syslog-ident', 'masteruser', 'hz', 'appendonly'];
      const live = await configGet(server.port, names);
      for (const name of names) expect({ name, value: mine.values[name]?.value }).toEqual({ name, value: live[name] });
      expect(live['syslog-ident']).toBe("it's");
      expect(live['masteruser']).toBe('abc d');
      expect(mine.renamed.map((r) => [r.command, r.to])).toEqual([
        ['flushall', ''],
        ['debug', 'my debug'],
      ]);
    } finally {
      await server.stop();
    }
  });

  it('refuses user lines together with aclfile, as the server does', async () => {
    const text = 'aclfile users.acl\nuser bob on nopass\n';
    const mine = effectiveConfig(parseConfig(text, { file: 'redis.conf', version: VERSION, check: true }), VERSION);
    expect(mine.conflict).toBe(true);
    const server = await startRedis({ config: text, files: { 'users.acl': '' }, expectFailure: true });
    try {
      expect(server.log()).toContain('Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid');
    } finally {
      await server.stop();
    }
  });
});
