import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { assertRotationAllowed, isRotationAllowed, ROTATION_ALLOWLIST } from './rotation-allowlist.js';
import { isAllowed } from './allowlist.js';
import { secretsOf } from './redaction.js';
import { ForbiddenCommandError } from '../errors.js';

const H = 'a'.repeat(64);

describe('rotation write allowlist', () => {
  it('admits exactly the rotation commands for the named user', () => {
    for (const args of [
      ['AUTH', 'app', 'pw'],
      ['auth', 'pw'],
      ['ACL', 'GETUSER', 'app'],
      ['acl', 'setuser', 'app', '>new-secret'],
      ['ACL', 'SETUSER', 'app', `!${H}`, `!${'0'.repeat(64)}`],
      ['ACL', 'SAVE'],
      ['CONFIG', 'GET', 'aclfile'],
      ['CONFIG', 'REWRITE'],
      ['CLIENT', 'LIST'],
      ['CLIENT', 'LIST', 'TYPE', 'normal'],
      ['CONFIG', 'GET', 'masteruser'],
      ['config', 'set', 'masterauth', 'new-secret'],
      ['INFO', 'replication'],
      ['CLIENT', 'KILL', 'TYPE', 'master'],
      ['SENTINEL', 'MASTER', 'mymaster'],
      ['sentinel', 'set', 'mymaster', 'auth-pass', 'new-secret'],
    ]) expect(isRotationAllowed(args, 'app'), args.join(' ')).toBe(true);
  });

  it('refuses any other rule, another user, and everything else', () => {
    for (const args of [
      ['ACL', 'SETUSER', 'app'],
      ['ACL', 'SETUSER', 'app', 'on'],
      ['ACL', 'SETUSER', 'app', '>new', '+@all'],
      ['ACL', 'SETUSER', 'app', 'nopass'],
      ['ACL', 'SETUSER', 'app', 'resetpass'],
      ['ACL', 'SETUSER', 'app', 'reset'],
      ['ACL', 'SETUSER', 'app', '>'],
      ['ACL', 'SETUSER', 'app', '<old'],
      ['ACL', 'SETUSER', 'app', `#${H}`],
      ['ACL', 'SETUSER', 'app', `!${H.toUpperCase()}`],
      ['ACL', 'SETUSER', 'app', `!${H.slice(1)}`],
      ['ACL', 'SETUSER', 'admin', '>x'],
      ['ACL', 'SETUSER', 'App', '>x'],
      ['ACL', 'GETUSER', 'admin'],
      ['ACL', 'DELUSER', 'app'],
      ['ACL', 'LOAD'],
      ['ACL', 'LOG', 'RESET'],
      ['ACL', 'SAVE', 'x'],
      ['CONFIG', 'SET', 'aclfile', '/tmp/x'],
      ['CONFIG', 'GET', 'requirepass'],
      ['CONFIG', 'GET', '*'],
      ['CONFIG', 'REWRITE', 'x'],
      ['CLIENT', 'KILL', 'USER', 'app'],
      ['CLIENT', 'LIST', 'ID', '1'],
      ['INFO'],
      ['PING'],
      ['HELLO', '3', 'AUTH', 'app', 'pw'],
      ['MULTI'],
      ['EXEC'],
      ['FLUSHALL'],
      ['SET', 'k', 'v'],
      ['AUTH'],
      ['AUTH', 'a', 'b', 'c'],
      [],
      ['CONFIG', 'SET', 'masterauth', ''],
      ['CONFIG', 'SET', 'masterauth', 'x', 'masteruser', 'admin'],
      ['CONFIG', 'SET', 'masteruser', 'admin'],
      ['CONFIG', 'SET', 'requirepass', 'x'],
      ['CONFIG', 'SET', 'replicaof', '10.0.0.1 6379'],
      ['CONFIG', 'SET', 'dir', '/tmp'],
      ['CONFIG', 'GET', 'masterauth'],
      ['INFO'],
      ['INFO', 'all'],
      ['INFO', 'replication', 'clients'],
      ['CLIENT', 'KILL', 'TYPE', 'normal'],
      ['CLIENT', 'KILL', 'TYPE', 'replica'],
      ['CLIENT', 'KILL', '127.0.0.1:5555'],
      ['CLIENT', 'KILL', 'USER', 'app'],
      ['SENTINEL', 'SET', 'mymaster', 'auth-pass', ''],
      ['SENTINEL', 'SET', 'mymaster', 'auth-user', 'admin'],
      ['SENTINEL', 'SET', 'mymaster', 'auth-pass', 'x', 'quorum', '1'],
      ['SENTINEL', 'SET', 'mymaster', 'client-reconfig-script', '/tmp/x'],
      ['SENTINEL', 'SET', 'mymaster', 'notification-script', '/tmp/x'],
      ['SENTINEL', 'FAILOVER', 'mymaster'],
      ['SENTINEL', 'REMOVE', 'mymaster'],
      ['SENTINEL', 'MONITOR', 'm', '10.0.0.1', '6379', '1'],
      ['SENTINEL', 'RESET', '*'],
      ['SENTINEL', 'CONFIG', 'SET', 'resolve-hostnames', 'yes'],
      ['SENTINEL', 'MASTERS'],
      ['REPLICAOF', 'NO', 'ONE'],
      ['SLAVEOF', '127.0.0.1', '1'],
    ]) expect(isRotationAllowed(args, 'app'), args.join(' ')).toBe(false);
  });

  it('refuses by name only (no password in the message) and with its own list named', () => {
    expect(() => assertRotationAllowed([['ACL', 'SETUSER', 'app', '>sekrit', '+@all']], 'app')).toThrow(ForbiddenCommandError);
    try {
      assertRotationAllowed([['ACL', 'SETUSER', 'app', '>sekrit', '+@all']], 'app');
    } catch (e) {
      expect((e as Error).message).toBe("refusing to send 'ACL SETUSER': not on redsec's password-rotation allowlist");
    }
  });

  it('leaves the audit allowlist read-only: none of the writes is on it', () => {
    for (const args of [['ACL', 'SETUSER', 'app', '>x'], ['ACL', 'SAVE'], ['CONFIG', 'REWRITE'], ['CONFIG', 'SET', 'masterauth', 'x'], ['CLIENT', 'KILL', 'TYPE', 'master'], ['SENTINEL', 'SET', 'm', 'auth-pass', 'x']]) expect(isAllowed(args)).toBe(false);
    expect(ROTATION_ALLOWLIST).toContain('ACL SETUSER');
  });

  it('a SETUSER is admitted only when every rule is >password or !sha256 (property)', () => {
    const rule = fc.oneof(
      fc.string({ minLength: 1, maxLength: 12 }),
      fc.string({ minLength: 1, maxLength: 12 }).map((s) => `>${s}`),
      fc.stringMatching(/^[0-9a-f]{64}$/).map((h) => `!${h}`),
      fc.constantFrom('on', 'off', '+@all', '~*', 'allkeys', 'nopass', 'resetpass', 'reset', '&*'),
    );
    fc.assert(
      fc.property(fc.array(rule, { minLength: 1, maxLength: 5 }), (rules) => {
        const ok = rules.every((r) => (r.startsWith('>') && r.length > 1) || /^![0-9a-f]{64}$/.test(r));
        expect(isRotationAllowed(['ACL', 'SETUSER', 'app', ...rules], 'app')).toBe(ok);
      }),
      { numRuns: 300 },
    );
  });

  it('the >password of ACL SETUSER is a secret the connection hides from replies', () => {
    expect(secretsOf(['ACL', 'SETUSER', 'app', '>n3w-pass', `!${H}`])).toEqual(['n3w-pass']);
    expect(secretsOf(['CONFIG', 'SET', 'masterauth', 'n3w-pass'])).toEqual(['n3w-pass']);
    expect(secretsOf(['SENTINEL', 'SET', 'mymaster', 'auth-pass', 'n3w-pass'])).toEqual(['n3w-pass']);
  });
});
