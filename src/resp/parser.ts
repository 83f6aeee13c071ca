/**
 * Incremental RESP2/RESP3 reply parser. Bytes arrive in arbitrary chunks; `feed` returns every
 * reply completed so far. Partly received aggregates are kept as a stack of frames, so each byte
 * is parsed once however the reply is split (COMMAND DOCS is hundreds of kilobytes). Anything
 * that is not RESP throws RespProtocolError: the connection is then unusable, since a byte
 * stream cannot be resynchronised.
 */
import { RespError, RespPush, type RespReply } from './reply.js';

export class RespProtocolError extends Error {}

/** Limits that keep garbage from making us buffer without end or nest without end. */
const MAX_LINE = 64 * 1024;
const MAX_BULK = 256 * 1024 * 1024;
const MAX_AGGREGATE = 16 * 1024 * 1024;
const MAX_DEPTH = 32;

const TYPES = new Set([...'+-:_#,($!=*~>%|'].map((c) => c.charCodeAt(0)));

type Kind = 'array' | 'set' | 'push' | 'map' | 'attribute';

interface Frame {
  kind: Kind;
  /** Elements still to come (maps and attributes count keys and values). */
  remaining: number;
  items: RespReply[];
}

type Token = { value: RespReply } | { open: Kind; count: number };

function describeBytes(buf: Buffer, pos: number): string {
  return buf.subarray(pos, pos + 8).toString('hex');
}

function lengthOf(line: string, max: number, pos: number, buf: Buffer): number {
  if (!/^-?\d{1,12}$/.test(line)) throw new RespProtocolError(`bad length '${line.slice(0, 20)}' at byte ${pos} (${describeBytes(buf, pos)})`);
  const n = Number(line);
  if (n < -1 || n > max) throw new RespProtocolError(`length ${n} out of range at byte ${pos}`);
  return n;
}

function parseDouble(line: string): number {
  if (line === 'inf') return Infinity;
  if (line === '-inf') return -Infinity;
  if (line === 'nan') return NaN;
  const n = Number(line);
  if (line === '' || Number.isNaN(n)) throw new RespProtocolError(`bad double '${line.slice(0, 20)}'`);
  return n;
}

const AGGREGATES: Record<number, Kind> = { 0x2a: 'array', 0x7e: 'set', 0x3e: 'push', 0x25: 'map', 0x7c: 'attribute' };

/** One scalar, or the header of an aggregate, at `pos`; undefined when more bytes are needed. */
function readToken(buf: Buffer, pos: number): [Token, number] | undefined {
  const type = buf[pos] ?? 0;
  if (!TYPES.has(type)) throw new RespProtocolError(`unexpected byte 0x${type.toString(16)} (${describeBytes(buf, pos)})`);
  const nl = buf.indexOf('\r\n', pos, 'latin1');
  if (nl < 0) {
    if (buf.length - pos > MAX_LINE) throw new RespProtocolError(`no line end within ${MAX_LINE} bytes`);
    return undefined;
  }
  const line = buf.toString('utf8', pos + 1, nl);
  const next = nl + 2;
  switch (type) {
    case 0x2b /* + */:
      return [{ value: line }, next];
    case 0x2d /* - */:
      return [{ value: new RespError(line) }, next];
    case 0x3a /* : */:
      if (!/^-?\d+$/.test(line)) throw new RespProtocolError(`bad integer '${line.slice(0, 20)}'`);
      return [{ value: Number(line) }, next];
    case 0x5f /* _ */:
      return [{ value: null }, next];
    case 0x23 /* # */:
      if (line !== 't' && line !== 'f') throw new RespProtocolError(`bad boolean '${line.slice(0, 20)}'`);
      return [{ value: line === 't' }, next];
    case 0x2c /* , */:
      return [{ value: parseDouble(line) }, next];
    case 0x28 /* ( */:
      if (!/^-?\d+$/.test(line)) throw new RespProtocolError(`bad big number '${line.slice(0, 20)}'`);
      return [{ value: BigInt(line) }, next];
    case 0x24 /* $ */:
    case 0x21 /* ! */:
    case 0x3d /* = */: {
      const len = lengthOf(line, MAX_BULK, pos, buf);
      if (len < 0) return [{ value: null }, next];
      if (buf.length < next + len + 2) return undefined;
      if (buf[next + len] !== 0x0d || buf[next + len + 1] !== 0x0a) throw new RespProtocolError(`bulk string of ${len} bytes not followed by CRLF`);
      const text = buf.toString('utf8', next, next + len);
      if (type === 0x21) return [{ value: new RespError(text) }, next + len + 2];
      // Verbatim strings start with a format tag ("txt:", "mkd:").
      return [{ value: type === 0x3d ? text.slice(4) : text }, next + len + 2];
    }
    default: {
      const kind = AGGREGATES[type] as Kind;
      const count = lengthOf(line, MAX_AGGREGATE, pos, buf);
      return [{ open: kind, count }, next];
    }
  }
}

function finish(frame: Frame): RespReply | RespPush {
  switch (frame.kind) {
    case 'push':
      return new RespPush(frame.items);
    case 'map': {
      const map = new Map<RespReply, RespReply>();
      for (let i = 0; i < frame.items.length; i += 2) map.set(frame.items[i] ?? null, frame.items[i + 1] ?? null);
      return map;
    }
    default:
      return frame.items;
  }
}

export class RespParser {
  /** Bytes not yet consumed (the tail of an unfinished element). */
  private buf: Buffer = Buffer.alloc(0);
  /** Aggregates opened but not finished, outermost first. */
  private readonly stack: Frame[] = [];

  /** Bytes received that are part of an unfinished reply. */
  get buffered(): number {
    return this.buf.length + (this.stack.length > 0 ? 1 : 0);
  }

  feed(chunk: Buffer): (RespReply | RespPush)[] {
    const buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: (RespReply | RespPush)[] = [];
    let pos = 0;
    while (pos < buf.length) {
      const t = readToken(buf, pos);
      if (!t) break;
      const [token, next] = t;
      pos = next;
      let value: RespReply | RespPush;
      if ('open' in token) {
        if (token.count < 0) value = null;
        else if (token.count === 0 && token.open !== 'attribute') value = finish({ kind: token.open, remaining: 0, items: [] });
        else if (token.count === 0) continue;
        else {
          if (this.stack.length >= MAX_DEPTH) throw new RespProtocolError('replies nested too deeply');
          if (token.open === 'push' && this.stack.length > 0) throw new RespProtocolError('push inside an aggregate');
          const size = token.open === 'map' || token.open === 'attribute' ? token.count * 2 : token.count;
          this.stack.push({ kind: token.open, remaining: size, items: [] });
          continue;
        }
      } else value = token.value;
      // Hand the finished value to its parent, closing every aggregate it completes.
      for (;;) {
        const top = this.stack[this.stack.length - 1];
        if (!top) {
          out.push(value);
          break;
        }
        if (value instanceof RespPush) throw new RespProtocolError('push inside an aggregate');
        top.items.push(value);
        if (--top.remaining > 0) break;
        this.stack.pop();
        // Attributes annotate the next reply; we drop them and wait for that reply.
        if (top.kind === 'attribute') break;
        value = finish(top);
      }
    }
    this.buf = pos >= buf.length ? Buffer.alloc(0) : buf.subarray(pos);
    return out;
  }
}
