/**
 * Per-version behaviour the live 7.0 server cannot show: 6.2's flat grammar, the 7.2+ retained
 * description, `%`-rule validation per patch level, DRYRUN wording, and category tables, checked
 * against the spec's figures and the versions' own facts (default ACL LIST line).
 */
import { describe, expect, it } from 'vitest';
import { AclRuleError, InputError } from '../errors.js';
import { VERSION_IDS, versionTable, type VersionId } from '../versions/index.js';
import { commandIndex } from './commands.js';
import { describeRules, describeUser } from './describe.js';
import { evaluate } from './evaluate.js';
import { applyAclRules, defaultUser, parseAclUser } from './rules.js';
import { parseAclFile } from './aclfile.js';
import { sha256Hex } from './sha256.js';

const v = (version: VersionId) => ({ version });

function reason(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof AclRuleError) return `${e.rule}: ${e.reason}`;
    throw e;
  }
  return 'OK';
}

describe('every version', () => {
  it.each(VERSION_IDS)('%s: the built-in default user prints as the server printed it', (id) => {
    expect([describeUser(defaultUser(v(id)), v(id))]).toEqual(versionTable(id).defaultAclList);
  });

  it('category sizes match the spec table (containers and subcommands counted)', () => {
    const size = (id: VersionId, cat: string) => {
      const idx = commandIndex(id);
      const bit = 1 << idx.categoryIndex.get(cat)!;
      return idx.byId.filter((c) => c.catMask & bit).length;
    };
    expect([size('6.2', 'admin'), size('6.2', 'dangerous'), size('6.2', 'read'), size('6.2', 'write')]).toEqual([22, 32, 79, 96]); // 79: ACL CAT read of a real 6.2.16 (the spec table says 78)
    expect([size('7.0', 'admin'), size('7.0', 'dangerous'), size('7.0', 'slow'), size('7.0', 'fast')]).toEqual([65, 75, 267, 99]);
    expect([size('7.2', 'slow'), size('7.2', 'connection')]).toEqual([271, 38]);
    expect([size('7.4', 'read'), size('7.4', 'write'), size('7.4', 'fast'), size('7.4', 'blocking')]).toEqual([91, 113, 108, 12]);
    expect([size('valkey-8.0', 'slow'), size('valkey-8.0', 'connection'), size('valkey-8.0', 'scripting')]).toEqual([274, 39, 22]);
  });

  it('hashes passwords as the upstream tests expect', () => {
    expect(sha256Hex('passwd4')).toBe('34344e4d60c2b6d639b7bd22e18f2b0b91bc34bf0ac5f9952744435093cfb4e6');
    const u = parseAclUser('u', ['>passwd4', 'on'], v('7.2'));
    expect(describeRules(u, v('7.2'))).toContain('#34344e4d60c2b6d639b7bd22e18f2b0b91bc34bf0ac5f9952744435093cfb4e6');
    expect(JSON.stringify(u)).not.toContain('passwd4');
  });
});

describe('6.2', () => {
  const o = v('6.2');
  it('has no selectors, no %R/%W, no clearselectors', () => {
    expect(reason(() => parseAclUser('u', ['%R~x'], o))).toBe('%R~x: Syntax error');
    expect(reason(() => parseAclUser('u', ['(+get)'], o))).toBe('(+get): Syntax error');
    expect(reason(() => parseAclUser('u', ['clearselectors'], o))).toBe('clearselectors: Syntax error');
  });

  it('treats every +x|y as a first-arg rule, stored only while x is denied; -x|y is unknown', () => {
    expect(reason(() => parseAclUser('u', ['-select|0'], o))).toBe('-select|0: Unknown command or category name in ACL');
    const u = parseAclUser('u', ['-@all', '+config|get', '+get|a|b', '+@all', '-@all', '+select|0'], o);
    expect(describeRules(u, o)).toBe('off &* -@all +select|0');
    const kept = parseAclUser('u', ['-@all', '+client|kill', '+get|a|b'], o);
    // Single commands come in hash-table order on the server: compare as a set.
    expect(describeRules(kept, o).split(' ').sort()).toEqual('off &* -@all +client|kill +get|a|b'.split(' ').sort());
    // Stored only when the command's bit is off at that moment.
    const ignored = parseAclUser('u', ['-@all', '+select', '+select|0', '-select'], o);
    expect(describeRules(ignored, o)).toBe('off &* -@all');
    expect(evaluate(kept, ['CLIENT', 'KILL', 'x'], o).allowed).toBe(true);
    expect(evaluate(kept, ['CLIENT', 'LIST'], o).allowed).toBe(false);
  });

  it('-@dangerous blocks the whole CONFIG and CLIENT commands (no containers)', () => {
    const u = parseAclUser('u', ['+@all', '-@dangerous', 'allkeys'], o);
    expect(evaluate(u, ['CONFIG', 'HELP'], o).allowed).toBe(false);
    expect(evaluate(u, ['CLIENT', 'ID'], o).message).toBe("This user has no permissions to run the 'client' command");
    expect(evaluate(parseAclUser('u', ['+@all', '-@dangerous', 'allkeys'], v('7.0')), ['CLIENT', 'ID'], v('7.0')).allowed).toBe(true);
  });

  it('gives new users all channels (acl-pubsub-default allchannels) and checks keys without R/W', () => {
    const u = parseAclUser('u', ['+@all', '~a*'], o);
    expect(describeRules(u, o)).toBe('off ~a* &* +@all');
    expect(evaluate(u, ['PUBLISH', 'any', 'm'], o).allowed).toBe(true);
    expect(evaluate(u, ['SET', 'a1', 'v'], o).allowed).toBe(true);
    expect(evaluate(u, ['SET', 'b1', 'v'], o).denial).toBe('key');
    // 6.2 finds keys from first/last/step and its getkeys procs (no key specs).
    expect(evaluate(u, ['MEMORY', 'USAGE', 'b1'], o).object).toBe('b1');
    expect(evaluate(u, ['STRALGO', 'LCS', 'KEYS', 'a1', 'b1'], o).object).toBe('b1');
    expect(() => evaluate(u, ['SPUBLISH', 'x', 'y'], o)).toThrow(/not found/);
  });

  it('a later line for the same user in an ACL file resets it (7.0+ reject duplicates)', () => {
    const text = 'user a on nopass +@all\nuser a on ~k +get\n';
    expect(describeRules(parseAclFile(text, 'f.acl', o).users.get('a')!, o)).toBe('on sanitize-payload ~k &* -@all +get');
    expect(() => parseAclFile(text, 'f.acl', v('7.0'))).toThrow(/f\.acl:2: Duplicate user 'a'/);
  });
});

describe('7.2+ retained command rules', () => {
  const o = v('7.2');
  const cmds = (rules: string[], base?: string[]) => {
    const u = base ? applyAclRules(parseAclUser('u', base, o), rules, o) : parseAclUser('u', rules, o);
    const d = describeRules(u, o);
    return d.slice(d.indexOf(' -@all') >= 0 ? d.indexOf('-@all') : d.indexOf('+@all'));
  };
  it.each([
    [['+@all', '-@hash', '-@slow', '+hget'], '+@all -@hash -@slow +hget'],
    [['-@all', '+@HASH', '+@hash', '+@HaSh'], '-@all +@hash'],
    [['-@all', '+hget', '-hset', '+hset', '-hget'], '-@all +hset -hget'],
    [['-@all', '+client|list', '+client|list', '+config|get', '+config', '+acl|list', '-acl'], '-@all +client|list +config -acl'],
    [['-@all', '+select|0', '+select|0', '+debug|segfault', '+debug'], '-@all +select|0 +debug'],
    [['-@all', '-@dangerous'], '-@all -@dangerous'],
    [['-@all', '+config', '+config|get', '-config|set', '+config'], '-@all +config'],
    [['+@all', '+client|id'], '+@all +client|id'],
  ])('%j -> %s', (rules, expected) => {
    expect(cmds(rules)).toBe(expected);
  });

  it('replaces an earlier rule with the same target', () => {
    const base = ['+@all', '-@hash', '-@slow', '+hget'];
    expect(cmds(['-@hash'], base)).toBe('+@all -@slow +hget -@hash');
    expect(cmds(['+@hash'], base)).toBe('+@all -@slow +hget +@hash');
  });

  it('prints sanitize-payload for new users and words DRYRUN with the user name', () => {
    const u = parseAclUser('hpuser', ['on', 'nopass', '&foo', '+@all'], o);
    expect(describeUser(u, o)).toBe('user hpuser on nopass sanitize-payload resetchannels &foo +@all');
    expect(evaluate(u, ['GET', 'k'], o).message).toBe("User hpuser has no permissions to access the 'k' key");
    expect(evaluate(parseAclUser('x', [], o), ['GET', 'k'], o).message).toBe("User x has no permissions to run the 'get' command");
  });

  it('rejects a "(" token inside an open selector (7.0 silently restarted it)', () => {
    const rules = ['(+PING', '(+SELECT', '(+DEL', ')'];
    expect(reason(() => parseAclUser('u', rules, o))).toBe('(+PING (+SELECT (+DEL ): Syntax error');
    expect(parseAclUser('u', rules, v('7.0')).selectors).toHaveLength(2);
  });
});

describe('malformed % rules per patch level (CVE-2024-31227, CVE-2024-51741)', () => {
  it('upstream 7.0.15 accepts %~x and bare %, and describing them would crash the server', () => {
    const u = parseAclUser('u', ['%~foo', '+@all'], v('7.0'));
    expect(() => describeUser(u, v('7.0'))).toThrow(InputError);
    expect(evaluate(u, ['EXISTS', 'foo'], v('7.0')).allowed).toBe(true); // no R/W needed
    expect(evaluate(u, ['GET', 'foo'], v('7.0')).denial).toBe('key');
    expect(reason(() => parseAclUser('u', ['%'], v('7.0')))).toBe('OK');
  });

  it('7.2.6 / 7.4.1 / Valkey reject %~x but still accept bare %', () => {
    for (const id of ['7.2', '7.4', 'valkey-7.2', 'valkey-8.0'] as const) {
      expect(reason(() => parseAclUser('u', ['%~foo'], v(id)))).toBe('%~foo: Syntax error');
      expect(() => describeUser(parseAclUser('u', ['%'], v(id)), v(id))).toThrow(/crashes Redis/);
    }
  });

  it("Debian's 7.0.15 rejects both; %R without ~ stays valid everywhere", () => {
    const deb = { version: '7.0', debianBackports: true } as const;
    expect(reason(() => parseAclUser('u', ['%~foo'], deb))).toBe('%~foo: Syntax error');
    expect(reason(() => parseAclUser('u', ['%'], deb))).toBe('%: Syntax error');
    expect(describeRules(parseAclUser('u', ['%R'], deb), deb)).toBe('off %R~ resetchannels -@all');
    // Same (empty) glob: permissions merge into one pattern.
    expect(describeRules(parseAclUser('u', ['%R', '%W'], deb), deb)).toBe('off ~ resetchannels -@all');
  });
});

describe('7.4 and Valkey 8 tables', () => {
  it('WAIT became @blocking; hash-field TTL commands join @hash on 7.4 only', () => {
    const blocking = (id: VersionId) => evaluate(parseAclUser('u', ['-@all', '+@blocking'], v(id)), ['WAIT', '0', '0'], v(id)).allowed;
    expect([blocking('7.2'), blocking('7.4'), blocking('valkey-8.0')]).toEqual([false, true, true]);
    const u74 = parseAclUser('u', ['-@all', '+@hash', '~h*'], v('7.4'));
    expect(evaluate(u74, ['HEXPIRE', 'h1', '10', 'FIELDS', '1', 'f'], v('7.4')).allowed).toBe(true);
    expect(() => evaluate(parseAclUser('u', ['+@hash'], v('7.2')), ['HEXPIRE', 'h1', '10', 'FIELDS', '1', 'f'], v('7.2'))).toThrow(/Command 'HEXPIRE' not found/);
  });

  it('Valkey 8 knows CLIENT CAPA; older tables do not', () => {
    expect(reason(() => parseAclUser('u', ['+client|capa'], v('valkey-8.0')))).toBe('OK');
    expect(reason(() => parseAclUser('u', ['+client|capa'], v('7.4')))).toBe('+client|capa: Unknown command or category name in ACL');
  });
});
