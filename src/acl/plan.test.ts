import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { argvArb, grantingRuleListArb, ruleListArb } from '../../test/e2e/acl-gen.js';
import { VERSION_IDS } from '../versions/index.js';
import { compiledUser } from './compiled.js';
import { aclContext } from './context.js';
import { evaluate, evaluateByWalk } from './evaluate.js';
import { lookupArgv } from './commands.js';
import { FIXED, GENERAL, SINGLE } from './plan.js';
import { parseAclUser } from './rules.js';
import type { AclOptions, AclUser } from './types.js';

// The plans are a shortcut through the selector walk; the walk itself is held to ACL DRYRUN in
// test/e2e/acl-differential.test.ts. Here every planned verdict must equal the walk's.

function outcome(f: () => unknown): unknown {
  try {
    return f();
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function userOrUndefined(rules: string[], opts: AclOptions): AclUser | undefined {
  try {
    return parseAclUser('u', rules, opts);
  } catch {
    return undefined;
  }
}

describe('per-command plans', () => {
  for (const version of VERSION_IDS) {
    it(`give the selector walk's verdict for every command line (${version})`, () => {
      const opts: AclOptions = { version };
      const kinds = new Set<number>();
      fc.assert(
        fc.property(fc.oneof(grantingRuleListArb(version), ruleListArb(version, version !== '6.2')), fc.array(argvArb(version), { minLength: 1, maxLength: 12 }), (rules, lines) => {
          const user = userOrUndefined(rules, opts);
          if (!user) return;
          for (const argv of lines) {
            const walked = outcome(() => evaluateByWalk(user, argv, opts));
            // Twice: the first check builds the plan, the second takes it (or the fixed verdict).
            expect(outcome(() => evaluate(user, argv, opts))).toEqual(walked);
            expect(outcome(() => evaluate(user, argv, opts))).toEqual(walked);
            const ctx = aclContext(opts);
            const cmd = lookupArgv(ctx.index, argv);
            const plan = cmd && compiledUser(user, ctx).plans[cmd.id];
            if (plan) kinds.add(plan.kind);
          }
        }),
        { numRuns: 200, seed: 7 },
      );
      // The generated users must reach every kind of plan, or the comparison proves little
      // (6.2 has no selectors: only its first-argument rules lead to the full walk).
      expect(kinds).toContain(FIXED);
      expect(kinds).toContain(SINGLE);
      if (version !== '6.2') expect(kinds).toContain(GENERAL);
    });
  }

  it('answers out-of-reach and argument-free commands from the plan, and keyed ones from the arguments', () => {
    const opts: AclOptions = { version: '7.0' };
    const user = parseAclUser('app', ['on', 'nopass', '~app:*', '+@all', '-@dangerous'], opts);
    const flush = evaluate(user, ['FLUSHALL'], opts);
    expect(evaluate(user, ['FLUSHALL', 'ASYNC'], opts)).toBe(flush);
    expect(evaluate(user, ['PING'], opts)).toBe(evaluate(user, ['PING', 'x'], opts));
    expect(evaluate(user, ['GET', 'app:1'], opts).allowed).toBe(true);
    expect(evaluate(user, ['GET', 'other'], opts)).toMatchObject({ allowed: false, denial: 'key', object: 'other', argIndex: 1 });
  });
});
