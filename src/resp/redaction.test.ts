import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MIN_SECRET_PREFIX, Redactor, hideArgsEcho, redactSecrets, secretsOf } from './redaction.js';

/** What Redis 7.0 answers when AUTH is renamed: each argument quoted, the whole echo cut at 128 characters. */
function echo(args: string[]): string {
  let out = '';
  for (const a of args) {
    if (out.length >= 128) break;
    out += `'${a.slice(0, 128 - out.length)}' `;
  }
  return `ERR unknown command 'AUTH', with args beginning with: ${out}`;
}

describe('redaction', () => {
  it('finds the secrets of AUTH and HELLO ... AUTH, and nothing in other commands', () => {
    expect(secretsOf(['AUTH', 'pw'])).toEqual(['pw']);
    expect(secretsOf(['auth', 'alice', 'pw'])).toEqual(['pw']);
    expect(secretsOf(['HELLO', '3', 'AUTH', 'alice', 'pw', 'SETNAME', 'x'])).toEqual(['pw']);
    expect(secretsOf(['hello', '3'])).toEqual([]);
    expect(secretsOf(['PING', 'pw'])).toEqual([]);
  });

  it('hides a truncated echo of a long password (Redis cuts echoed arguments at 128 characters)', () => {
    const pw = 'Zq'.repeat(100);
    const text = echo(['someuser', pw]);
    expect(text).toContain(pw.slice(0, 117));
    const r = new Redactor([pw]);
    expect(r.clean(text)).not.toContain(pw.slice(0, MIN_SECRET_PREFIX));
    expect(r.clean(text)).toBe("ERR unknown command 'AUTH', with args beginning with: 'someuser' '***' ");
  });

  it('hides the whole echo in the reply to a secret-bearing command, user name included', () => {
    expect(hideArgsEcho(echo(['someuser', 'pw']))).toBe("ERR unknown command 'AUTH', with args beginning with: ***");
    expect(new Redactor([]).clean(echo(['alice', 'x']), true)).not.toContain('alice');
  });

  it('leaves texts without the secret alone and short fragments visible', () => {
    expect(redactSecrets('WRONGPASS invalid username-password pair', ['s3cret-pw'])).toBe('WRONGPASS invalid username-password pair');
    expect(redactSecrets('abc s3c', ['s3cret-pw'])).toBe('abc s3c');
    expect(redactSecrets('a s3cr b s3cret-pw c s3cret-pwX', ['s3cret-pw'])).toBe('a *** b *** c ***X');
  });

  it('no prefix of MIN_SECRET_PREFIX or more characters of any secret survives (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 60 }),
        fc.array(fc.tuple(fc.string({ maxLength: 12 }), fc.nat(70)), { maxLength: 4 }),
        (secret, pieces) => {
          const text = pieces.map(([noise, cut]) => noise + secret.slice(0, cut)).join('');
          const out = redactSecrets(text, [secret]);
          const k = Math.min(secret.length, MIN_SECRET_PREFIX);
          // Every occurrence of the secret's head was replaced (what remains may only arise across a *** seam).
          expect(out.split('***').some((part) => part.includes(secret.slice(0, k)))).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});
