import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ALLOWLIST, assertAllowed, commandName, isAllowed } from './allowlist.js';
import { ForbiddenCommandError } from '../errors.js';

describe('read-only allowlist', () => {
  it.each([
    [['PING']],
    [['ping', 'hello']],
    [['AUTH', 'pw']],
    [['AUTH', 'user', 'pw']],
    [['HELLO']],
    [['HELLO', '3']],
    [['hello', '2', 'auth', 'u', 'p']],
    [['INFO']],
    [['INFO', 'everything']],
    [['CONFIG', 'GET', '*']],
    [['config', 'get', 'maxmemory', 'port']],
    [['ACL', 'WHOAMI']],
    [['ACL', 'LIST']],
    [['ACL', 'USERS']],
    [['ACL', 'GETUSER', 'default']],
    [['ACL', 'LOG']],
    [['ACL', 'LOG', '128']],
    [['ACL', 'CAT']],
    [['ACL', 'CAT', 'dangerous']],
    [['ACL', 'DRYRUN', 'app', 'FLUSHALL']],
    [['COMMAND', 'COUNT']],
    [['COMMAND', 'INFO', 'get', 'set']],
    [['COMMAND', 'DOCS']],
    [['COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'dangerous']],
    [['CLIENT', 'LIST']],
    [['CLIENT', 'INFO']],
    [['CLIENT', 'ID']],
    [['MODULE', 'LIST']],
    [['LATENCY', 'LATEST']],
    [['LATENCY', 'HISTORY', 'command']],
    [['LATENCY', 'DOCTOR']],
    [['SLOWLOG', 'GET', '10']],
    [['SLOWLOG', 'LEN']],
    [['MEMORY', 'DOCTOR']],
    [['MEMORY', 'STATS']],
    [['ROLE']],
    [['TIME']],
    [['DBSIZE']],
    [['CLUSTER', 'INFO']],
    [['CLUSTER', 'NODES']],
    [['SENTINEL', 'MASTERS']],
  ])('allows %j', (args) => {
    expect(isAllowed(args)).toBe(true);
  });

  it.each([
    [[]],
    [['CONFIG', 'SET', 'requirepass', 'x']],
    [['CONFIG', 'REWRITE']],
    [['CONFIG', 'RESETSTAT']],
    [['CONFIG']],
    [['FLUSHALL']],
    [['FLUSHDB']],
    [['KEYS', '*']],
    [['MONITOR']],
    [['monitor']],
    [['ACL', 'LOG', 'RESET']],
    [['acl', 'log', 'reset']],
    [['ACL', 'SETUSER', 'x', 'on']],
    [['ACL', 'DELUSER', 'x']],
    [['ACL', 'SAVE']],
    [['ACL', 'LOAD']],
    [['HELLO', '3', 'SETNAME', 'x']],
    [['HELLO', '3', 'AUTH', 'u', 'p', 'SETNAME', 'x']],
    [['HELLO', '4']],
    [['CLIENT', 'KILL', 'ID', '1']],
    [['CLIENT', 'SETNAME', 'x']],
    [['CLIENT', 'SETINFO', 'lib-name', 'x']],
    [['CLIENT', 'PAUSE', '1000']],
    [['CLIENT', 'NO-EVICT', 'on']],
    [['MODULE', 'LOAD', '/tmp/x.so']],
    [['SLOWLOG', 'RESET']],
    [['LATENCY', 'RESET']],
    [['MEMORY', 'PURGE']],
    [['CLUSTER', 'RESET']],
    [['SENTINEL', 'SET', 'm', 'x', 'y']],
    [['SELECT', '1']],
    [['SET', 'k', 'v']],
    [['GET', 'k']],
    [['EVAL', 'return 1', '0']],
    [['DEBUG', 'SLEEP', '0']],
    [['SHUTDOWN']],
    [['REPLICAOF', 'h', '1']],
    [['SAVE']],
    [['BGSAVE']],
    [['SCAN', '0']],
    [['EXISTS', 'k']],
    [['PING', 'a', 'b']],
    [['AUTH', 'a', 'b', 'c']],
    [['DBSIZE', 'x']],
    [['MULTI']],
    [['QUIT']],
  ])('refuses %j', (args) => {
    expect(isAllowed(args)).toBe(false);
  });

  it('opt-in key reads: EXISTS and a capped SCAN only with an explicit policy', () => {
    const keyReads = { maxScanCount: 100 };
    expect(isAllowed(['SCAN', '0', 'MATCH', 'cron:*', 'COUNT', '100'], { keyReads })).toBe(true);
    expect(isAllowed(['SCAN', '0', 'COUNT', '101'], { keyReads })).toBe(false);
    expect(isAllowed(['SCAN', '0', 'COUNT', '10', 'COUNT', '10'], { keyReads })).toBe(false);
    expect(isAllowed(['SCAN', '0', 'MATCH'], { keyReads })).toBe(false);
    expect(isAllowed(['SCAN', 'x'], { keyReads })).toBe(false);
    expect(isAllowed(['EXISTS', 'a', 'b'], { keyReads })).toBe(true);
    expect(isAllowed(['KEYS', '*'], { keyReads })).toBe(false);
    // audit --probe-keys: one key per EXISTS, and no SCAN at all.
    const probe = { maxScanCount: 0, maxExistsKeys: 1 };
    expect(isAllowed(['EXISTS', 'backup1'], { keyReads: probe })).toBe(true);
    expect(isAllowed(['EXISTS', 'backup1', 'backup2'], { keyReads: probe })).toBe(false);
    expect(isAllowed(['SCAN', '0'], { keyReads: probe })).toBe(false);
  });

  it('no command outside the table is ever allowed, whatever its arguments', () => {
    const names = new Set(ALLOWLIST.map((c) => c.split(' ')[0]));
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 12 }), fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 }), (name, rest) => {
        if (!names.has(name.toUpperCase())) expect(isAllowed([name, ...rest])).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('errors name the command, never its arguments', () => {
    expect(commandName(['config', 'set', 'requirepass', 'hunter2'])).toBe('CONFIG SET');
    expect(() => assertAllowed([['PING'], ['CONFIG', 'SET', 'requirepass', 'hunter2']])).toThrow(ForbiddenCommandError);
    try {
      assertAllowed([['CONFIG', 'SET', 'requirepass', 'hunter2']]);
    } catch (e) {
      expect((e as Error).message).toContain("'CONFIG SET'");
      expect((e as Error).message).not.toContain('hunter2');
    }
  });

  it('allows a verified CONFIG alias exactly as NAME GET <parameter>..., nothing else', () => {
    const policy = { configAlias: 'cfg_9q' };
    expect(isAllowed(['cfg_9q', 'GET', '*'], policy)).toBe(true);
    expect(isAllowed(['CFG_9Q', 'get', 'maxmemory', 'port'], policy)).toBe(true);
    for (const bad of [['cfg_9q', 'SET', 'dir', '/'], ['cfg_9q', 'GET'], ['cfg_9q'], ['cfg_9q', 'REWRITE'], ['cfg_9q', 'RESETSTAT'], ['other', 'GET', '*']]) {
      expect({ bad, ok: isAllowed(bad, policy) }).toEqual({ bad, ok: false });
    }
    // Without the policy (not verified) the name is like any other unknown command.
    expect(isAllowed(['cfg_9q', 'GET', '*'])).toBe(false);
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 8 }), fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 }), (sub, rest) => {
        if (sub.toUpperCase() !== 'GET') expect(isAllowed(['cfg_9q', sub, ...rest], policy)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('lists the allowed commands for documentation', () => {
    expect(ALLOWLIST).toContain('CONFIG GET');
    expect(ALLOWLIST).toContain('ACL LOG');
    expect(ALLOWLIST).not.toContain('MONITOR');
    expect(ALLOWLIST.some((c) => c.startsWith('FLUSH') || c === 'KEYS')).toBe(false);
  });
});
