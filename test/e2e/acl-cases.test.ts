/**
 * Behaviour cases in the spirit of redis tests/unit/acl.tcl and acl-v2.tcl (rewritten, not
 * copied): each row is checked against the engine AND the live server (ACL SETUSER / DRYRUN /
 * LIST), so a row can only pass if both agree with the expectation.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AclRuleError, ConfigSyntaxError } from '../../src/errors.js';
import { describeRules, describeUser, evaluate, evaluateDryrun, parseAclFile, parseAclUser, parseConfigUserLine, type AclOptions } from '../../src/acl/index.js';
import { rawConnect, type RawClient, type Reply } from '../helpers/raw-client.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { normaliseDescription } from './acl-gen.js';

const OPTS: AclOptions = { version: '7.0', debianBackports: true };
let server: RedisServer;
let client: RawClient;
let userSeq = 0;

beforeAll(async () => {
  server = await startRedis({ config: 'aclfile users.acl', files: { 'users.acl': 'user default on nopass ~* &* +@all\n' } });
  client = await rawConnect(server.port);
});
afterAll(async () => {
  client?.close();
  await server?.stop();
});

const text = (r: Reply) => (typeof r === 'object' && r !== null && 'error' in r ? r.error : String(r));

/** Creates the user on the server and in the engine; returns the engine's user and the server name. */
async function both(rules: string[]) {
  const name = `case${userSeq++}`;
  const reply = text(await client.call('ACL', 'SETUSER', name, ...rules));
  expect(reply).toBe('OK');
  return { name, user: parseAclUser(name, rules, OPTS) };
}

type Row = [rules: string, argv: string[], expected: string];

const DRYRUN_ROWS: Row[] = [
  ['', ['GET', 'foo'], "This user has no permissions to run the 'get' command"],
  ['on nopass +@all', ['GET', 'foo'], "This user has no permissions to access the 'foo' key"],
  ['~obj:* +@all', ['GET', 'obj:1'], 'OK'],
  ['~obj:* +@all', ['MSET', 'obj:1', 'v', 'other', 'v'], "This user has no permissions to access the 'other' key"],
  ['resetchannels &foo:1 +@all', ['PUBLISH', 'foo:1', 'm'], 'OK'],
  ['resetchannels &foo:1 +@all', ['PUBLISH', 'zap', 'm'], "This user has no permissions to access the 'zap' channel"],
  ['resetchannels &foo:1 +@all', ['SPUBLISH', 'zap', 'm'], "This user has no permissions to access the 'zap' channel"],
  ['&foo:* +@all', ['SUBSCRIBE', 'foo:1', 'foo:2', 'bar'], "This user has no permissions to access the 'bar' channel"],
  // PSUBSCRIBE arguments are compared literally with the channel rules.
  ['&foo:* +@all', ['PSUBSCRIBE', 'foo:*'], 'OK'],
  ['&foo:* +@all', ['PSUBSCRIBE', 'foo:1*'], "This user has no permissions to access the 'foo:1*' channel"],
  ['&foo:* +@all', ['UNSUBSCRIBE', 'nope'], 'OK'],
  ['allkeys +@all -debug', ['DEBUG', 'DIGEST'], "This user has no permissions to run the 'debug' command"],
  ['allkeys -@all +@set +acl', ['SADD', 's', 'm'], 'OK'],
  ['allkeys -@all +@set +acl', ['GET', 's'], "This user has no permissions to run the 'get' command"],
  ['allkeys -@all +@set +acl', ['ACL', 'WHOAMI'], 'OK'],
  ['-@all +client|id +client|setname', ['CLIENT', 'ID'], 'OK'],
  ['-@all +client|id +client|setname', ['CLIENT', 'KILL', '1.2.3.4:5'], "This user has no permissions to run the 'client|kill' command"],
  ['+@all -client|kill', ['client', 'kill', '1.2.3.4:5'], "This user has no permissions to run the 'client|kill' command"],
  ['+@all -client|kill', ['CLIENT', 'ID'], 'OK'],
  ['-@all +select|0', ['SELECT', '0'], 'OK'],
  ['-@all +select|0', ['SELECT', '1'], "This user has no permissions to run the 'select' command"],
  ['-@all +debug|digest', ['DEBUG', 'digest'], 'OK'],
  ['-@all +debug|digest', ['DEBUG', 'OBJECT', 'k'], "This user has no permissions to run the 'debug' command"],
  // A later category rule clears first-args of the commands it touches (SELECT is @connection).
  ['-@all +select|0 -@connection', ['SELECT', '0'], "This user has no permissions to run the 'select' command"],
  ['-@all +@string', ['GET', 'k'], "This user has no permissions to access the 'k' key"],
  ['%R~read* +@all', ['GET', 'readstr'], 'OK'],
  ['%R~read* +@all', ['SET', 'readstr', 'v'], "This user has no permissions to access the 'readstr' key"],
  ['%R~read* +@all', ['SET', 'readstr', 'v', 'GET'], "This user has no permissions to access the 'readstr' key"],
  ['%W~write* +@all', ['LPUSH', 'writelist', '1'], 'OK'],
  ['%W~write* +@all', ['GET', 'writestr'], "This user has no permissions to access the 'writestr' key"],
  ['%W~write* +@all', ['SET', 'writestr', 'v'], 'OK'],
  ['%W~write* +@all', ['SET', 'writestr', 'v', 'get'], "This user has no permissions to access the 'writestr' key"],
  ['%R~read* %W~write* +@all', ['COPY', 'read', 'write'], 'OK'],
  // COPY reads its source: 'write' matches only a write pattern.
  ['%R~read* %W~write* +@all', ['COPY', 'write', 'read'], "This user has no permissions to access the 'write' key"],
  // Selectors are not additive: neither one alone can both read and write.
  ['(%R~read* +@all) (%W~write* +@all)', ['COPY', 'read', 'write'], "This user has no permissions to access the 'write' key"],
  ['(%R~read* +@all) (%W~write* +@all)', ['GET', 'readstr'], 'OK'],
  ['(%R~read* +@all) (%W~write* +@all)', ['LPUSH', 'writelist', '1'], 'OK'],
  ['-@all (+get ~a*) (+set ~b*)', ['SET', 'a1', 'v'], "This user has no permissions to access the 'a1' key"],
  ['-@all (+get ~a*) (+set ~b*)', ['DEL', 'a1'], "This user has no permissions to run the 'del' command"],
  // EVAL's numkeys decides which arguments are keys; an invalid count means "no keys".
  ['~a* +@all', ['EVAL', 'return 1', '1', 'a1'], 'OK'],
  ['~a* +@all', ['EVAL', 'return 1', '1', 'b1'], "This user has no permissions to access the 'b1' key"],
  ['~a* +@all', ['EVAL', 'return 1', '-1', 'b1'], 'OK'],
  ['~a* +@all', ['EVAL', 'return 1', '3', 'b1', 'b2'], 'OK'],
  ['~a* +@all', ['XREAD', 'COUNT', '1', 'STREAMS', 'a1', 'b1', '0', '0'], "This user has no permissions to access the 'b1' key"],
  ['~a* +@all', ['ZUNIONSTORE', 'a0', '2', 'a1', 'b1'], "This user has no permissions to access the 'b1' key"],
  ['~a* +@all', ['SORT', 'a1', 'STORE', 'b1'], "This user has no permissions to access the 'b1' key"],
  ['~a* +@all', ['MIGRATE', 'h', '1', '', '0', '5', 'KEYS', 'a1', 'b1'], "This user has no permissions to access the 'b1' key"],
  // An empty key name never matches a pattern, not even '*'; the allkeys flag still allows it.
  ['%R~* +@all', ['GET', ''], "This user has no permissions to access the '' key"],
  ['allkeys +@all', ['GET', ''], 'OK'],
  // NO_AUTH commands pass the command check whatever the bitmap says.
  ['-@all -auth -hello', ['AUTH', 'pw'], 'OK'],
  ['-@all -auth -hello', ['HELLO'], 'OK'],
  ['+@all -@dangerous allkeys', ['FLUSHALL'], "This user has no permissions to run the 'flushall' command"],
  ['+@all -@dangerous allkeys', ['CONFIG', 'GET', 'x'], "This user has no permissions to run the 'config|get' command"],
  ['+@all -@dangerous allkeys', ['CONFIG', 'HELP'], 'OK'],
  ['+@all -@dangerous +keys allkeys', ['KEYS', '*'], 'OK'],
];

describe('ACL DRYRUN cases (engine and live server agree)', () => {
  it.each(DRYRUN_ROWS)('%s :: %j', async (rules, argv, expected) => {
    const { name, user } = await both(rules.split(' ').filter(Boolean).reduce<string[]>((acc, r) => {
      // Keep "(a b)" selectors as one argument, as a client would send them.
      const last = acc[acc.length - 1];
      if (last !== undefined && last.startsWith('(') && !last.endsWith(')')) acc[acc.length - 1] = `${last} ${r}`;
      else acc.push(r);
      return acc;
    }, []));
    expect(text(await client.call('ACL', 'DRYRUN', name, ...argv))).toBe(expected);
    expect(evaluateDryrun(user, argv, OPTS).message).toBe(expected);
  });
});

// Hostile key patterns: thousands of stars must neither overflow our stack (the matcher has no
// recursion) nor decide differently from the server, whose nesting guard gives up past 1000.
describe('key patterns with thousands of stars vs ACL DRYRUN', () => {
  const cases: [pattern: string, key: string][] = [
    [`${'a*'.repeat(15_000)}b`, `${'a'.repeat(15_000)}b`],
    [`${'a*'.repeat(15_000)}b`, 'a'.repeat(15_000)],
    [`${'*a'.repeat(900)}*`, 'a'.repeat(1_000)],
    [`${'*a'.repeat(900)}*b`, 'a'.repeat(2_000)],
  ];
  it.each(cases.map(([p, k], i) => [i, p, k] as const))('case %i', async (_, pattern, key) => {
    const { name, user } = await both(['on', 'nopass', '+get', `~${pattern}`]);
    const server = text(await client.call('ACL', 'DRYRUN', name, 'GET', key));
    expect(evaluate(user, ['GET', key], OPTS).message).toBe(server);
  });
});

// The text inside "( )" goes through sdssplitargs, the same tokenizer as redis.conf lines: quotes,
// \xHH escapes that build UTF-8 bytes, \v and \f that end no bare token, a NUL that ends the text,
// and a bad closing quote that leaves the selector empty. Rows expecting "ERR" are SETUSER errors.
const SELECTOR_SPLIT_ROWS: [selector: string, argv: string[], expected: string][] = [
  ['(~"\\xc3\\xa9*" +get)', ['GET', '\u00e91'], 'OK'],
  ['(~"\\xc3\\xa9*" +get)', ['GET', 'e1'], "This user has no permissions to access the 'e1' key"],
  ['(+get\v~k)', ['GET', 'k'], "ERR Error in ACL SETUSER modifier '(+get\v~k)': Unknown command or category name in ACL"],
  ['(\f+get\t~k)', ['GET', 'k'], 'OK'],
  ['(+get ~k\0x)', ['GET', 'k'], 'OK'],
  ["(~'x'y +get)", ['GET', 'x'], "This user has no permissions to run the 'get' command"],
  // Patterns with blanks are refused whichever quotes carried them in.
  ['(~"a b" +get)', ['GET', 'a b'], "ERR Error in ACL SETUSER modifier '(~\"a b\" +get)': Syntax error"],
];

describe('selector text is split like sdssplitargs (engine and live server agree)', () => {
  it.each(SELECTOR_SPLIT_ROWS)('%j :: %j', async (selector, argv, expected) => {
    if (expected.startsWith('ERR ')) {
      expect(text(await client.call('ACL', 'SETUSER', `split${userSeq++}`, '-@all', selector))).toBe(expected);
      let mine = '';
      try {
        parseAclUser('x', ['-@all', selector], OPTS);
      } catch (e) {
        const err = e as AclRuleError;
        mine = `ERR Error in ACL SETUSER modifier '${err.rule}': ${err.reason}`;
      }
      expect(mine).toBe(expected);
      return;
    }
    const { name, user } = await both(['-@all', selector]);
    expect(text(await client.call('ACL', 'DRYRUN', name, ...argv))).toBe(expected);
    expect(evaluateDryrun(user, argv, OPTS).message).toBe(expected);
    const line = ((await client.call('ACL', 'LIST')) as string[]).find((l) => l.startsWith(`user ${name} `))!;
    expect(describeRules(user, OPTS)).toBe(line.slice(`user ${name} `.length));
  });
});

const ERROR_ROWS: [rule: string, reason: string][] = [
  ['+client|id|x', 'Allowing first-arg of a subcommand is not supported'],
  ['+client|nosuch', 'Unknown command or category name in ACL'],
  ['-select|0', 'Unknown command or category name in ACL'],
  ['+get|a|b', 'Unknown command or category name in ACL'],
  ['+get|', 'Syntax error'],
  ['+config|', 'Syntax error'],
  ['+', 'Unknown command or category name in ACL'],
  ['+@', 'Unknown command or category name in ACL'],
  ['+|get', 'Unknown command or category name in ACL'],
  ['bogus', 'Syntax error'],
  [')', 'Syntax error'],
  ['(on)', 'Syntax error'],
  ['%~foo', 'Syntax error'],
  ['%', 'Syntax error'],
  ['%RR~x', 'Syntax error'],
  ['%X~x', 'Syntax error'],
  ['#abc', 'The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters'],
  ['#34344E4D60C2B6D639B7BD22E18F2B0B91BC34BF0AC5F9952744435093CFB4E6', 'The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters'],
  ['!34344e4d60c2b6d639b7bd22e18f2b0b91bc34bf0ac5f9952744435093cfb4e6', 'The password you are trying to remove from the user does not exist'],
];

describe('ACL SETUSER errors (engine and live server agree)', () => {
  it.each(ERROR_ROWS)('%s', async (rule, reason) => {
    const reply = text(await client.call('ACL', 'SETUSER', `err${userSeq++}`, 'resetkeys', rule));
    expect(reply).toBe(`ERR Error in ACL SETUSER modifier '${rule}': ${reason}`);
    expect(() => parseAclUser('x', ['resetkeys', rule], OPTS)).toThrow(new AclRuleError(rule, reason));
  });

  it('rejects patterns after allkeys / allchannels, and unclosed selectors', async () => {
    for (const [rules, expected] of [
      [['allkeys', '~foo'], "ERR Error in ACL SETUSER modifier '~foo': Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns"],
      [['(&* &fail)'], "ERR Error in ACL SETUSER modifier '(&* &fail)': Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels"],
      [['(', '+get'], "ERR Unmatched parenthesis in acl selector starting at '('."],
    ] as const) {
      expect(text(await client.call('ACL', 'SETUSER', `err${userSeq++}`, ...rules))).toBe(expected);
      let mine = '';
      try {
        parseAclUser('x', [...rules], OPTS);
      } catch (e) {
        const err = e as AclRuleError;
        mine = err.reason.startsWith('Unmatched') ? `ERR ${err.reason}` : `ERR Error in ACL SETUSER modifier '${err.rule}': ${err.reason}`;
      }
      expect(mine).toBe(expected);
    }
  });
});

const DESCRIBE_ROWS: [rules: string, commands: string][] = [
  ['+@all -@dangerous', '+@all -@dangerous'],
  ['+@all -@dangerous +keys', '+@all -@admin -flushall -flushdb -info -migrate -restore -restore-asking -sort -sort_ro -swapdb'],
  ['-@all +@read -keys', '-@all +@read -keys'],
  ['-@all +@read +@write', '-@all +@write +@read'],
  ['+@all -@hash -@slow +hget', '+@all -@slow -@hash +hget'],
  ['-@all +get +set', '-@all +get +set'],
  ['+@all -@all +get', '-@all +get'],
  ['+@all -get +get', '+@all'],
  ['+@all +client|id', '+@all'],
  ['-@all +select|0 +select|1', '-@all +select|0 +select|1'],
];

describe('ACL LIST description (7.0 recomputed form)', () => {
  it.each(DESCRIBE_ROWS)('%s', async (rules, commands) => {
    const { name, user } = await both(rules.split(' '));
    const line = ((await client.call('ACL', 'LIST')) as string[]).find((l) => l.startsWith(`user ${name} `))!;
    const expected = `off resetchannels ${commands}`;
    expect(normaliseDescription(line.slice(`user ${name} `.length))).toBe(normaliseDescription(expected));
    expect(normaliseDescription(describeRules(user, OPTS))).toBe(normaliseDescription(expected));
  });

  it('merges %R and %W on the same glob and keeps insertion order', async () => {
    const { name, user } = await both(['%R~foo', '%W~foo', '%RW~bar', '%W~baz', '&c1', 'on', '>pw']);
    const line = ((await client.call('ACL', 'LIST')) as string[]).find((l) => l.startsWith(`user ${name} `))!;
    expect(describeRules(user, OPTS)).toBe(line.slice(`user ${name} `.length));
    expect(line).toContain('~foo ~bar %W~baz resetchannels &c1 -@all');
  });

  it('7.0 restarts an open selector when another "(" token follows', async () => {
    const rules = ['(+PING', '(+SELECT', '(+DEL', ')'];
    const { name, user } = await both(rules);
    const line = ((await client.call('ACL', 'LIST')) as string[]).find((l) => l.startsWith(`user ${name} `))!;
    expect(describeRules(user, OPTS)).toBe(line.slice(`user ${name} `.length));
    expect(user.selectors).toHaveLength(2);
  });
});

describe('acl-pubsub-default', () => {
  it('allchannels gives new users and new selectors &*, and reset re-applies it', async () => {
    expect(await client.call('CONFIG', 'SET', 'acl-pubsub-default', 'allchannels')).toBe('OK');
    try {
      const opts: AclOptions = { ...OPTS, pubsubDefault: 'allchannels' };
      for (const rules of [['+get', '(+set ~k)'], ['resetchannels', '&x', 'reset', '(~k)'], ['resetchannels', '&a', '(resetchannels &b)']]) {
        const name = `pub${userSeq++}`;
        expect(text(await client.call('ACL', 'SETUSER', name, ...rules))).toBe('OK');
        const line = ((await client.call('ACL', 'LIST')) as string[]).find((l) => l.startsWith(`user ${name} `))!;
        expect(`user ${name} ${describeRules(parseAclUser(name, rules, opts), opts)}`).toBe(line);
      }
      for (const rules of [['&x'], ['resetchannels', '(&b)']]) {
        expect(text(await client.call('ACL', 'SETUSER', `pub${userSeq++}`, ...rules))).toContain("'allchannels' flag");
        expect(() => parseAclUser('p', rules, { ...OPTS, pubsubDefault: 'allchannels' })).toThrow(/'allchannels' flag/);
      }
    } finally {
      await client.call('CONFIG', 'SET', 'acl-pubsub-default', 'resetchannels');
    }
  });
});

describe('SORT BY/GET need unrestricted read (checked when run, not by DRYRUN)', () => {
  it('answers what the server does when the command runs, with DRYRUN\'s different answer as a note', async () => {
    await client.call('DEL', 'mylist', 'k1');
    await client.call('RPUSH', 'mylist', '3', '1', '2');
    await client.call('RPUSH', 'k1', '2', '1');
    const cases: [string[], string[]][] = [
      [['on', '>pw', '(+sort ~mylist)'], ['SORT', 'mylist', 'GET', 'v*']],
      [['on', '>pw', '(+sort ~mylist)'], ['SORT', 'mylist', 'BY', 'w*']],
      [['on', '>pw', '(+sort ~mylist)'], ['SORT', 'mylist', 'BY', 'nosort']],
      [['on', '>pw', '(+sort ~mylist)'], ['SORT', 'mylist', 'DESC', 'ALPHA']],
      [['on', '>pw', '+sort_ro', '~mylist'], ['SORT_RO', 'mylist', 'GET', '#']],
      [['on', '>pw', '+sort_ro', '%R~*'], ['SORT_RO', 'mylist', 'GET', '#']],
      [['on', '>pw', '+sort', '%W~*', '~mylist'], ['SORT', 'mylist', 'GET', '#']],
      [['on', '>pw', '~k*', '+@all'], ['SORT', 'k1', 'BY', 'w*']],
      [['on', '>pw', '~k*', '+@all'], ['SORT', 'k1', 'GET', '#']],
      [['on', '>pw', '~k*', '+@all'], ['SORT', 'k1', 'BY', 'nosort']],
      [['on', '>pw', '%R~*', '+@all'], ['SORT_RO', 'k1', 'GET', '#']],
      [['on', '>pw', 'allkeys', '+@all'], ['SORT', 'k1', 'BY', 'w_*', 'GET', '#']],
      [['on', '>pw', '~k*', '+@all'], ['SORT', 'k1', 'LIMIT', 'x', '1', 'GET', '#']],
      // The selector that allows SORT must be the one with full read access.
      [['on', '>pw', '~mylist', '+sort', '(%R~* +get)'], ['SORT', 'mylist', 'GET', '#']],
    ];
    let deniedWhenRun = 0;
    for (const [rules, argv] of cases) {
      const { name, user } = await both(rules);
      const dry = text(await client.call('ACL', 'DRYRUN', name, ...argv));
      const c = await rawConnect(server.port);
      expect(await c.call('AUTH', name, 'pw')).toBe('OK');
      const live = text(await c.call(...argv));
      c.close();
      const row = { rules, argv };
      // DRYRUN's evaluation matches DRYRUN, with the run-time refusal kept as a restriction.
      const d = evaluateDryrun(user, argv, OPTS);
      expect({ ...row, dry: d.message }).toEqual({ ...row, dry });
      expect(d.basis).toBe('acl');
      const refused = live.includes('insufficient ACL permissions');
      expect({ ...row, restriction: d.restriction }).toEqual({ ...row, restriction: refused ? live : undefined });
      // The run verdict matches what the command did.
      const v = evaluate(user, argv, OPTS);
      expect({ ...row, allowed: v.allowed, basis: v.basis }).toEqual({ ...row, allowed: !refused, basis: refused ? 'run' : 'acl' });
      if (refused) {
        deniedWhenRun++;
        expect(v.denial).toBe('run');
        expect(v.message).toBe(live);
        expect(v.dryrun).toEqual({ allowed: true, message: dry });
      }
    }
    expect(deniedWhenRun).toBeGreaterThanOrEqual(6);
  });
});

describe('commands handled outside the command table', () => {
  it('POST and Host: close the connection for every user; DRYRUN says not found', async () => {
    const { name, user } = await both(['on', '>pw', 'allkeys', '+@all']);
    for (const argv of [['POST', '/'], ['host:', 'example']]) {
      const dry = text(await client.call('ACL', 'DRYRUN', name, ...argv));
      const c = await rawConnect(server.port);
      expect(await c.call('AUTH', name, 'pw')).toBe('OK');
      const closed = await c.call(...argv).then(
        () => false,
        () => true,
      );
      c.close();
      expect({ argv, closed }).toEqual({ argv, closed: true });
      const v = evaluate(user, argv, OPTS);
      expect(v).toMatchObject({ allowed: false, denial: 'run', basis: 'run', dryrun: { allowed: false, message: dry } });
    }
  });

  it('QUIT is answered for a user with no permissions at all (NO_AUTH on 7.0)', async () => {
    const { name, user } = await both(['on', '>pw', 'resetkeys', '-@all']);
    const c = await rawConnect(server.port);
    expect(await c.call('AUTH', name, 'pw')).toBe('OK');
    expect(await c.call('QUIT')).toBe('OK');
    c.close();
    expect(text(await client.call('ACL', 'DRYRUN', name, 'QUIT'))).toBe('OK');
    expect(evaluate(user, ['QUIT'], OPTS)).toMatchObject({ allowed: true, basis: 'acl' });
  });
});

describe('ACL files (ACL LOAD is the oracle)', () => {
  it('describes every user of a loaded file exactly as ACL LIST', async () => {
    const file = [
      'user default on nopass ~* &* +@all',
      'user alice on #34344e4d60c2b6d639b7bd22e18f2b0b91bc34bf0ac5f9952744435093cfb4e6 ~app:* %R~ro:* &news.* -@all +@read +@write -keys',
      'user bob off  resetchannels +@set +acl',
      '   user carol on nopass (~c:* +get) (%W~w:* +set)\r',
      '',
      'user dave on nopass -@all +select|0 +debug|digest',
    ].join('\n');
    writeFileSync(join(server.dir, 'users.acl'), file);
    expect(text(await client.call('ACL', 'LOAD'))).toBe('OK');
    const live = new Map(((await client.call('ACL', 'LIST')) as string[]).map((l) => [l.split(' ')[1]!, l]));
    const parsed = parseAclFile(file, 'users.acl', OPTS);
    expect([...parsed.users.keys()].sort()).toEqual([...live.keys()].sort());
    for (const [name, user] of parsed.users) {
      expect(normaliseDescription(`user ${name} ${describeRules(user, OPTS)}`)).toBe(normaliseDescription(live.get(name)!));
    }
    expect(parsed.lines.map((l) => [l.user, l.line])).toEqual([['default', 1], ['alice', 2], ['bob', 3], ['carol', 4], ['dave', 6]]);
  });

  it.each([
    ['user alice on +nosuchcmd', "users.acl:1: Error in applying operation '+nosuchcmd': Unknown command or category name in ACL."],
    ['user alice on\n# comment', 'users.acl:2 should start with user keyword followed by the username.'],
    ['USER alice on', 'users.acl:1 should start with user keyword followed by the username.'],
    ['user alice on bogus', 'users.acl:1: Syntax error.'],
    ['user alice on\nuser alice off', "WARNING: Duplicate user 'alice' found on line 2."],
    ['user alice (~x +get', 'users.acl:1: Unmatched parenthesis in selector definition.'],
    // Runs of spaces give empty tokens: here the username is empty and "bob" becomes a rule.
    ['user  bob on', 'users.acl:1: Syntax error.'],
  ])('rejects %j with the server\'s reason', async (file, serverText) => {
    writeFileSync(join(server.dir, 'users.acl'), file);
    const reply = text(await client.call('ACL', 'LOAD'));
    expect(reply).toContain(serverText);
    let err: unknown;
    try {
      parseAclFile(file, 'users.acl', OPTS);
    } catch (e) {
      err = e;
    }
    expect(err instanceof ConfigSyntaxError || err instanceof AclRuleError).toBe(true);
    const e = err as ConfigSyntaxError | AclRuleError;
    // Same file:line and the same reason words as the server.
    expect(`${e.file}:${e.line}`).toBe(serverText.match(/users\.acl:(\d+)/)?.[0] ?? `users.acl:${serverText.match(/line (\d+)/)?.[1]}`);
    expect(serverText.toLowerCase()).toContain(e.reason.toLowerCase().replace(/ found on line \d+/, ''));
  });

  it('flags the unclosed selector that crashes redis-server when a rule precedes it', async () => {
    const file = 'user alice on (~x +get\n';
    const crashed = await startRedis({ config: 'aclfile users.acl', files: { 'users.acl': file }, expectFailure: true });
    await crashed.stop();
    expect(crashed.log()).toMatch(/crashed by signal|Segmentation fault|SIGSEGV/);
    expect(() => parseAclFile(file, 'users.acl', OPTS)).toThrow(/users\.acl:1: Unmatched parenthesis in selector definition \(redis-server crashes/);
  });
});

describe('user directives in redis.conf (server start-up is the oracle)', () => {
  it('describes configured users exactly as ACL LIST', async () => {
    const lines = [
      ['user', 'default', 'on', 'nopass', '~*', '+@all'],
      ['user', 'alice', 'on', '>secret-pw', '~a*', '(+set ~w*)', '-@all', '+get'],
    ];
    const conf = startRedis({ config: lines.map((l) => l.map((t) => (t.includes(' ') ? `"${t}"` : t)).join(' ')).join('\n') });
    const s = await conf;
    try {
      const c = await rawConnect(s.port);
      const live = (await c.call('ACL', 'LIST')) as string[];
      c.close();
      const mine = lines.map((l, i) => describeUser(parseConfigUserLine(l, 'redis.conf', i + 1, OPTS), OPTS)).sort();
      expect(mine.map(normaliseDescription)).toEqual(live.map(normaliseDescription).sort());
    } finally {
      await s.stop();
    }
  });

  it.each([
    [['user', 'bob', 'on', 'bogus'], /Error in user declaration '([^']*)': Syntax error/],
    [['user', 'bob', 'on', 'nopass', '%~x'], /Error in user declaration '([^']*)': Syntax error/],
    [['user', 'bob', 'on', '+nosuchcmd'], /Error loading ACL rule '\+nosuchcmd' for the user named 'bob'/],
  ])('refuses %j as the server does', async (tokens, pattern) => {
    const s = await startRedis({ config: tokens.join(' '), expectFailure: true });
    await s.stop();
    const logged = pattern.exec(s.log());
    expect(logged).not.toBeNull();
    let err: unknown;
    try {
      parseConfigUserLine(tokens, 'redis.conf', 1, OPTS);
    } catch (e) {
      err = e;
    }
    expect(err instanceof ConfigSyntaxError || err instanceof AclRuleError).toBe(true);
    if (logged?.[1] !== undefined) expect((err as Error).message).toContain(`Error in user declaration '${logged[1]}'`);
    else expect((err as AclRuleError).rule).toBe('+nosuchcmd');
  });
});
