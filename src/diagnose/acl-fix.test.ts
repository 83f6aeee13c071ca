import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { aclChecker } from './acl-checker.js';
import { exactPattern, prefixAlternative, proposeAclFix } from './acl-fix.js';

const v70 = aclChecker('app', '7.0');

describe('proposeAclFix (offline engine)', () => {
  it('adds exactly the denied command, subcommand, key (with the access it needs) and channel', () => {
    const rules = 'on nopass ~app:* &app:* -@all +get';
    expect(proposeAclFix(v70, rules, ['DEL', 'app:1'])).toMatchObject({ add: ['+del'], allowed: true, minimal: true });
    expect(proposeAclFix(v70, rules, ['CONFIG', 'GET', 'maxmemory'])).toMatchObject({ add: ['+config|get'], allowed: true, minimal: true });
    expect(proposeAclFix(v70, rules, ['GET', 'user:7'])).toMatchObject({ add: ['%R~user:7'], allowed: true, minimal: true });
    expect(proposeAclFix(v70, rules, ['SET', 'user:7', 'x'])).toMatchObject({ add: ['+set', '%W~user:7'], allowed: true, minimal: true });
    expect(proposeAclFix(v70, rules, ['GETDEL', 'user:7'])).toMatchObject({ add: ['+getdel', '~user:7'], allowed: true });
    expect(proposeAclFix(v70, `${rules} +publish`, ['PUBLISH', 'news', 'x'])).toMatchObject({ add: ['&news'], allowed: true, minimal: true });
    // 6.2 has no %R/%W: plain ~key.
    expect(proposeAclFix(aclChecker('app', '6.2'), 'on nopass ~app:* resetchannels -@all +get', ['GET', 'user:7'])).toMatchObject({ add: ['~user:7'], allowed: true });
  });

  it('escapes glob characters so the pattern is exact', () => {
    expect(exactPattern('a*b?[c]\\')).toBe('a\\*b\\?\\[c\\]\\\\');
    const p = proposeAclFix(v70, 'on nopass -@all +get', ['GET', 'weird*key']);
    expect(p.add).toEqual(['%R~weird\\*key']);
    expect(v70.check(`on nopass -@all +get ${p.add.join(' ')}`, ['GET', 'weirdXkey']).allowed).toBe(false);
    expect(prefixAlternative('app:1')).toBe('~app:*');
    expect(prefixAlternative('plain')).toBeNull();
  });

  it('property: every proposed change lets the command through, and an exact key fix leaves a sibling key denied', () => {
    const commands: string[][] = [['GET', 'K'], ['SET', 'K', 'v'], ['DEL', 'K'], ['HGET', 'K', 'f'], ['LPUSH', 'K', 'v'], ['PUBLISH', 'K', 'm'], ['INCR', 'K'], ['COPY', 'K', 'K2']];
    const grants = ['+@read', '+@write', '+get', '+set', '-set', '+@string', '-@write', '%R~a:*', '%W~b:*', '~c:*', '&a:*', '+publish'];
    fc.assert(
      fc.property(
        fc.subarray(grants),
        fc.constantFrom(...commands),
        fc.constantFrom('a:1', 'b:2', 'c:3', 'd:4'),
        (extra, template, key) => {
          const rules = ['on', 'nopass', 'resetchannels', '-@all', ...extra].join(' ');
          const argv = template.map((t) => (t === 'K' ? key : t === 'K2' ? `${key}x` : t));
          const p = proposeAclFix(v70, rules, argv);
          expect(p.allowed).toBe(true);
          expect(v70.check(`${rules} ${p.add.join(' ')}`, argv).allowed).toBe(true);
          if (p.add.some((r) => r.includes('~'))) expect(p.minimal).toBe(true);
        },
      ),
      { numRuns: 150, seed: 20261128 },
    );
  });
});
