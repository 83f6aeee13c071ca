import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { emitDirective, quoteArg } from './quote.js';
import { splitArgs } from './tokenize.js';

/** Strings rich in the characters that matter to the tokenizer. */
const tricky = fc.string({
  unit: fc.oneof(
    fc.constantFrom('"', "'", '\\', ' ', '\t', '\n', '\r', '\v', '\f', '#', 'x', '0', 'a', '\u0000', '\u0007', '\u0008', 'é', '€', '😀'),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 24,
});

describe('quoteArg', () => {
  it('leaves safe tokens bare', () => {
    for (const s of ['yes', '6379', '/var/lib/redis', '~app:*', '+@all', '>s3cret!', 'a\\b', '-::1']) {
      expect(quoteArg(s)).toBe(s);
    }
  });

  it('quotes like sdscatrepr when needed', () => {
    expect(quoteArg('')).toBe('""');
    expect(quoteArg('a b')).toBe('"a b"');
    expect(quoteArg('say "hi"')).toBe('"say \\"hi\\""');
    expect(quoteArg("it's")).toBe('"it\'s"');
    expect(quoteArg('back\\slash and space')).toBe('"back\\\\slash and space"');
    expect(quoteArg('\n\r\t\u0007\u0008')).toBe('"\\n\\r\\t\\a\\b"');
    expect(quoteArg('\u0000\u007f')).toBe('"\\x00\\x7f"');
    expect(quoteArg('é')).toBe('"\\xc3\\xa9"');
    expect(quoteArg('#notacomment')).toBe('"#notacomment"');
  });

  it('round-trips any string: splitArgs(quoteArg(x)) = [x]', () => {
    fc.assert(
      fc.property(fc.oneof(tricky, fc.string({ unit: 'binary' })), (s) => {
        expect(splitArgs(quoteArg(s))).toEqual([s]);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('emitDirective', () => {
  it('round-trips whole lines: parse(emit(name, args)) = [name, ...args]', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);
    fc.assert(
      fc.property(name, fc.array(tricky, { maxLength: 6 }), (n, args) => {
        expect(splitArgs(emitDirective(n, args))).toEqual([n, ...args]);
      }),
      { numRuns: 2000 },
    );
  });

  it('writes a user line with a spaced password as one token', () => {
    expect(emitDirective('user', ['alice', 'on', '>pass word', '~app:*'])).toBe('user alice on ">pass word" ~app:*');
  });
});
