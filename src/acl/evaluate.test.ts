import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { allowsCommand, evaluate, evaluateDryrun, hasAllChannels, hasUnrestrictedKeyAccess } from './evaluate.js';
import { parseAclUser } from './rules.js';

// Verdict values are checked against ACL DRYRUN in test/e2e; these pin the explanation fields.
const o = { version: '7.0' } as const;

describe('evaluate: deciding rule and context', () => {
  it('names the rule that last set or cleared the bit', () => {
    expect(evaluate(parseAclUser('u', '+@all allkeys', o), ['GET', 'k'], o).decidedBy).toBe('+@all');
    expect(evaluate(parseAclUser('u', 'allcommands allkeys -get +get', o), ['GET', 'k'], o).decidedBy).toBe('+get');
    expect(evaluate(parseAclUser('u', '+@all -@dangerous allkeys', o), ['FLUSHDB'], o).decidedBy).toBe('-@dangerous');
    expect(evaluate(parseAclUser('u', '-@all +select|0', o), ['SELECT', '0'], o).decidedBy).toBe('+select|0');
    expect(evaluate(parseAclUser('u', '-@all', o), ['AUTH', 'pw'], o).decidedBy).toMatch(/NO_AUTH/);
    expect(evaluate(parseAclUser('u', '', o), ['GET', 'k'], o).decidedBy).toMatch(/no command permissions/);
  });

  it('reports key and channel denials with the argument and the selector', () => {
    const u = parseAclUser('u', ['-@all', '(+get ~a*)', '(+mget ~b*)'], o);
    const v = evaluate(u, ['MGET', 'b1', 'c1'], o);
    expect(v).toMatchObject({ allowed: false, denial: 'key', object: 'c1', argIndex: 2, selector: 2 });
    expect(v.decidedBy).toBe('no key pattern matches (~b*)');
    const c = evaluate(parseAclUser('u', '+@all resetchannels &n.*', o), ['PUBLISH', 'x', 'm'], o);
    expect(c).toMatchObject({ denial: 'channel', object: 'x', argIndex: 1 });
  });

  it('throws DRYRUN-worded input errors for unknown commands and wrong arity', () => {
    const u = parseAclUser('u', '+@all', o);
    expect(() => evaluate(u, ['NOPE'], o)).toThrow(new InputError("Command 'NOPE' not found", 'command'));
    expect(() => evaluate(u, ['CONFIG', 'NOPE'], o)).toThrow(/Command 'CONFIG' not found/);
    expect(() => evaluate(u, ['GET'], o)).toThrow(/wrong number of arguments for 'get' command/);
    expect(() => evaluate(u, ['CONFIG'], o)).toThrow(/wrong number of arguments for 'config' command/);
  });

  it('finds commands case-insensitively and never through inherited object names', () => {
    const u = parseAclUser('u', '+@all allkeys', o);
    expect(evaluate(u, ['gEt', 'k'], o).command).toBe('get');
    expect(evaluate(u, ['Config', 'gET', 'x'], o).command).toBe('config|get');
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(() => evaluate(u, [name, 'x'], o)).toThrow(new InputError(`Command '${name}' not found`, 'command'));
      expect(() => evaluate(u, ['CONFIG', name, 'x'], o)).toThrow(/Command 'CONFIG' not found/);
    }
  });

  it('notes SORT BY/GET refusals that DRYRUN does not report', () => {
    const u = parseAclUser('u', '+@all ~k*', o);
    expect(evaluate(u, ['SORT', 'k1', 'BY', 'w*'], o).restriction).toMatch(/BY option of SORT denied/);
    expect(evaluate(u, ['SORT', 'k1', 'BY', 'nosort'], o).restriction).toBeUndefined();
    expect(evaluate(parseAclUser('u', '+@all %R~*', o), ['SORT', 'k1', 'GET', '#'], o).restriction).toBeUndefined();
  });
});

describe('evaluate: compiled users and shared verdicts', () => {
  it('keeps a SORT restriction out of the verdict shared by later checks', () => {
    const u = parseAclUser('u', '+@all ~k*', o);
    expect(evaluate(u, ['SORT', 'k1', 'BY', 'w*'], o).restriction).toMatch(/BY option of SORT denied/);
    expect(evaluate(u, ['SORT', 'k1'], o)).toEqual({ allowed: true, command: 'sort', decidedBy: '+@all', selector: 0, message: 'OK', basis: 'acl' });
  });

  it('answers the same for one user under several option objects, in any order', () => {
    const u = parseAclUser('u', ['-@all', '+get', '~a*', '(+set ~b*)'], o);
    const lines = [['GET', 'a1'], ['GET', 'b1'], ['SET', 'b1', 'v'], ['SET', 'a1', 'v'], ['DEL', 'a1']];
    const first = lines.map((l) => evaluate(u, l, o));
    for (const opts of [{ version: '7.0' } as const, { version: '7.0', debianBackports: true } as const, o]) {
      expect(lines.map((l) => evaluate(u, l, opts))).toEqual(first);
    }
    expect(first.map((v) => v.allowed)).toEqual([true, false, true, false, false]);
    expect(first[3]).toMatchObject({ denial: 'key', object: 'a1', selector: 1 });
  });
});

describe('questions the rules engine asks', () => {
  it('allowsCommand, hasUnrestrictedKeyAccess, hasAllChannels', () => {
    const app = parseAclUser('app', '+@all -@dangerous %R~* ~app:*', o);
    expect(allowsCommand(app, 'flushall', o)).toBe(false);
    expect(allowsCommand(app, 'config|help', o)).toBe(true);
    expect(allowsCommand(app, 'config|get', o)).toBe(false);
    expect(allowsCommand(parseAclUser('s', '-@all (+eval)', o), 'eval', o)).toBe(true);
    expect(hasUnrestrictedKeyAccess(app, 'read')).toBe(true);
    expect(hasUnrestrictedKeyAccess(app, 'write')).toBe(false);
    expect(hasAllChannels(app)).toBe(false);
    expect(hasAllChannels(parseAclUser('d', '&*', o))).toBe(true);
    expect(() => allowsCommand(app, 'nope', o)).toThrow(InputError);
  });
});

describe('commands handled outside the command table (server.c processCommand, per version)', () => {
  // 6.2 cannot be installed here: its table (data/versions/6.2.json, from redis-6.2.16) has no
  // 'quit', which 6.2.16's processCommand answers before looking the name up.
  const v62 = { version: '6.2' } as const;
  it('6.2 answers QUIT for every user: allowed when run, not "not found"', () => {
    const nobody = parseAclUser('u', 'on nopass -@all resetkeys', v62);
    expect(evaluate(nobody, ['QUIT'], v62)).toMatchObject({ allowed: true, basis: 'run', command: 'quit', message: 'OK' });
    expect(evaluate(nobody, ['quit', 'extra'], v62).allowed).toBe(true);
    expect(evaluate(nobody, ['QUIT'], v62).dryrun).toBeUndefined();
    // DRYRUN's evaluation still answers as a table lookup would.
    expect(() => evaluateDryrun(nobody, ['QUIT'], v62)).toThrow(/Command 'QUIT' not found/);
  });
  it('7.0+ has QUIT in the table (NO_AUTH) and closes the connection on POST/Host:', () => {
    for (const version of ['7.0', '7.2', '7.4', 'valkey-7.2', 'valkey-8.0'] as const) {
      const opts = { version };
      const nobody = parseAclUser('u', 'on nopass -@all resetkeys', opts);
      expect(evaluate(nobody, ['QUIT'], opts)).toMatchObject({ allowed: true, basis: 'acl' });
      expect(evaluate(parseAclUser('a', '+@all allkeys', opts), ['POST', '/'], opts)).toMatchObject({ allowed: false, denial: 'run', basis: 'run' });
    }
  });
  it('keeps ordinary verdicts on basis acl, shared with evaluateDryrun', () => {
    const u = parseAclUser('u', '+@all ~k*', o);
    expect(evaluate(u, ['GET', 'k1'], o)).toBe(evaluateDryrun(u, ['GET', 'k1'], o));
    expect(evaluate(u, ['SORT', 'k1', 'GET', '#'], o)).toMatchObject({ allowed: false, basis: 'run', dryrun: { allowed: true, message: 'OK' } });
    expect(evaluateDryrun(u, ['SORT', 'k1', 'GET', '#'], o)).toMatchObject({ allowed: true, basis: 'acl' });
  });
});
