import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RespLimitError, RespParser, RespProtocolError } from './parser.js';
import { RespError, RespPush, type RespReply } from './reply.js';

/** A RESP2 encoder for the test only, independent of the parser. */
function encode(r: RespReply): string {
  if (r === null) return '$-1\r\n';
  if (typeof r === 'number') return `:${r}\r\n`;
  if (r instanceof RespError) return `-${r.message}\r\n`;
  if (Array.isArray(r)) return `*${r.length}\r\n${r.map(encode).join('')}`;
  if (typeof r === 'string') return `$${Buffer.byteLength(r)}\r\n${r}\r\n`;
  throw new Error('not RESP2');
}

const line = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !/[\r\n]/.test(s));
const reply: fc.Arbitrary<RespReply> = fc.letrec<{ r: RespReply }>((tie) => ({
  r: fc.oneof(
    { depthSize: 'small' },
    fc.string({ maxLength: 40, unit: 'binary' }),
    fc.integer(),
    fc.constant(null),
    line.map((s) => new RespError(`ERR ${s}`)),
    fc.array(tie('r'), { maxLength: 5 }),
  ),
})).r;

function feedInChunks(bytes: Buffer, cuts: number[]): (RespReply | RespPush)[] {
  const parser = new RespParser();
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: (RespReply | RespPush)[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    out.push(...parser.feed(bytes.subarray(prev, p)));
    prev = p;
  }
  expect(parser.buffered).toBe(0);
  return out;
}

describe('RespParser', () => {
  it('parses any RESP2 reply sequence however the bytes are split', () => {
    fc.assert(
      fc.property(fc.array(reply, { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 8 }), (replies, cuts) => {
        const bytes = Buffer.from(replies.map(encode).join(''), 'utf8');
        expect(feedInChunks(bytes, cuts)).toEqual(replies);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps error codes exact', () => {
    const [e] = new RespParser().feed(Buffer.from('-WRONGPASS invalid username-password pair or user is disabled.\r\n'));
    expect(e).toBeInstanceOf(RespError);
    expect((e as RespError).code).toBe('WRONGPASS');
    expect((e as RespError).message).toBe('WRONGPASS invalid username-password pair or user is disabled.');
  });

  it('decodes RESP3 types: map, set, null, boolean, double, big number, verbatim, blob error, push, attribute', () => {
    const text =
      '%2\r\n+server\r\n+redis\r\n+proto\r\n:3\r\n' +
      '~2\r\n+a\r\n+b\r\n' +
      '_\r\n#t\r\n,3.5\r\n,inf\r\n(12345678901234567890\r\n' +
      '=15\r\ntxt:hello world\r\n' +
      '!21\r\nSYNTAX invalid syntax\r\n' +
      '>2\r\n+invalidate\r\n*1\r\n+k\r\n' +
      '|1\r\n+ttl\r\n:3600\r\n+value\r\n';
    const out = new RespParser().feed(Buffer.from(text));
    expect(out[0]).toEqual(new Map<RespReply, RespReply>([['server', 'redis'], ['proto', 3]]));
    expect(out.slice(1, 7)).toEqual([['a', 'b'], null, true, 3.5, Infinity, 12345678901234567890n]);
    expect(out[7]).toBe('hello world');
    expect((out[8] as RespError).code).toBe('SYNTAX');
    expect(out[9]).toBeInstanceOf(RespPush);
    expect(out[10]).toBe('value');
    expect(out).toHaveLength(11);
    // Byte by byte gives the same replies: partly received aggregates are resumed, not re-read.
    const parser = new RespParser();
    const bytewise = [...Buffer.from(text)].flatMap((b) => parser.feed(Buffer.from([b])));
    expect(bytewise).toEqual(out);
    expect(parser.buffered).toBe(0);
  });

  it('reports a partly received aggregate as buffered', () => {
    const parser = new RespParser();
    expect(parser.feed(Buffer.from('*3\r\n:1\r\n:2\r\n'))).toEqual([]);
    expect(parser.buffered).toBeGreaterThan(0);
    expect(parser.feed(Buffer.from(':3\r\n'))).toEqual([[1, 2, 3]]);
    expect(parser.buffered).toBe(0);
  });

  it('rejects garbage at once, even without a line end', () => {
    expect(() => new RespParser().feed(Buffer.from('HTTP/1.1 400 Bad Request'))).toThrow(RespProtocolError);
    expect(() => new RespParser().feed(Buffer.from([0x16, 0x03, 0x01, 0x00]))).toThrow(RespProtocolError);
    expect(() => new RespParser().feed(Buffer.from('$abc\r\n'))).toThrow(RespProtocolError);
    expect(() => new RespParser().feed(Buffer.from(':12x\r\n'))).toThrow(RespProtocolError);
    expect(() => new RespParser().feed(Buffer.from('$3\r\nabcXY'))).toThrow(RespProtocolError);
  });

  it('never throws anything but RespProtocolError on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          new RespParser().feed(Buffer.from(bytes));
        } catch (e) {
          expect(e).toBeInstanceOf(RespProtocolError);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('bounds nesting so hostile input cannot exhaust the stack', () => {
    expect(() => new RespParser().feed(Buffer.from('*1\r\n'.repeat(100) + ':1\r\n'))).toThrow(/nested/);
  });

  // A 64 MiB bulk string arriving in 64 KiB chunks used to be re-joined on every chunk: 1024
  // chunks, ~32 GiB copied, 15 s of CPU. Bytes copied are counted, not time: stable on a busy host.
  it('reassembles a 64 MiB bulk string from 64 KiB chunks with one join (bytes copied, not time)', () => {
    const size = 64 * 1024 * 1024 - 64;
    const parser = new RespParser();
    const header = Buffer.from(`$${size}\r\n`);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let out = parser.feed(header);
    let sent = 0;
    while (sent < size) {
      const n = Math.min(chunk.length, size - sent);
      out = out.concat(parser.feed(chunk.subarray(0, n)));
      sent += n;
    }
    out = out.concat(parser.feed(Buffer.from('\r\n')));
    expect(out).toHaveLength(1);
    expect((out[0] as string).length).toBe(size);
    expect(parser.copiedBytes).toBeLessThanOrEqual(2 * (size + header.length + 2));
  });

  it('joins a line dripped byte by byte once per line end, not once per byte', () => {
    const parser = new RespParser();
    const text = `-ERR ${'x'.repeat(20_000)}\r\n`;
    const out = [...Buffer.from(text)].flatMap((b) => parser.feed(Buffer.from([b])));
    expect((out[0] as RespError).message).toHaveLength(20_004);
    expect(parser.copiedBytes).toBeLessThanOrEqual(2 * text.length);
  });

  it('refuses a reply over the byte limit as soon as its header says so, before buffering it', () => {
    const parser = new RespParser({ maxReplyBytes: 1024 });
    expect(() => parser.feed(Buffer.from('$2000\r\nabc'))).toThrow(RespLimitError);
    expect(() => new RespParser({ maxReplyBytes: 1024 }).feed(Buffer.from('$100\r\nabc'))).not.toThrow();
    // The same bound over an aggregate's elements together, however they arrive.
    const nested = new RespParser({ maxReplyBytes: 64 * 1024 });
    expect(() => {
      nested.feed(Buffer.from('*900000\r\n'));
      for (let i = 0; i < 10_000; i++) nested.feed(Buffer.from(':1\r\n$3\r\nabc\r\n'));
    }).toThrow(/larger than 64 KiB|larger than 65536 bytes/);
  });

  it('refuses an endless nested array by element count, at its headers', () => {
    const parser = new RespParser({ maxReplyElements: 1000 });
    expect(() => parser.feed(Buffer.from('*500\r\n*500\r\n*500\r\n'))).toThrow(/more than 1000 elements/);
    // The default still takes what real servers send (COMMAND DOCS: ~100,000 elements).
    const big = `*100000\r\n${':1\r\n'.repeat(100_000)}`;
    expect(new RespParser().feed(Buffer.from(big))[0]).toHaveLength(100_000);
  });
});
