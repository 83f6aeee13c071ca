/**
 * Incremental RESP2/RESP3 reply parser. Bytes arrive in arbitrary chunks; `feed` returns every
 * reply completed so far. Partly received aggregates are kept as a stack of frames, so each byte
 * is parsed once however the reply is split (COMMAND DOCS is hundreds of kilobytes). Anything
 * that is not RESP throws RespProtocolError: the connection is then unusable, since a byte
 * stream cannot be resynchronised.
 */
import { isAscii } from 'node:buffer';
import { RespError, RespPush, type RespReply } from './reply.js';

export class RespProtocolError extends Error {}

/** A well-formed reply larger than the parser's limits: refused before it is all buffered. */
export class RespLimitError extends RespProtocolError {}

/** Limits that keep garbage from making us buffer without end or nest without end. */
const MAX_LINE = 64 * 1024;
const MAX_BULK = 256 * 1024 * 1024;
const MAX_AGGREGATE = 16 * 1024 * 1024;
const MAX_DEPTH = 32;

/**
 * Default bounds on one reply, far above what real servers send to an auditor: CONFIG GET * is a
 * few kilobytes, COMMAND DOCS on 8.x well under 2 MB and ~100,000 elements.
 */
export const REPLY_LIMITS = { maxReplyBytes: 64 * 1024 * 1024, maxReplyElements: 1_000_000 } as const;

export interface ParserLimits {
  /** Bytes of one reply, from its first byte to its last (default 64 MiB). */
  maxReplyBytes?: number | undefined;
  /** Elements of one reply at every nesting level together (default 1,000,000). */
  maxReplyElements?: number | undefined;
}

function mib(n: number): string {
  return n >= 1 << 20 ? `${Math.round(n / (1 << 20))} MiB` : `${n} bytes`;
}
const ASCII_FAST_PATH_MAX = 1024 * 1024;

const TYPES = new Set([...'+-:_#,($!=*~>%|'].map((c) => c.charCodeAt(0)));

type Kind = 'array' | 'set' | 'push' | 'map' | 'attribute';

interface Frame {
  kind: Kind;
  /** Elements still to come (maps and attributes count keys and values). */
  remaining: number;
  items: RespReply[];
}

/** Where readToken leaves its result (no allocation per token: CONFIG GET * is hundreds of them). */
interface Scratch {
  /** A scalar value, or undefined when `open` is set. */
  value: RespReply;
  open: Kind | undefined;
  count: number;
  /**
   * The buffer decoded once when it is pure ASCII (then byte offsets are string offsets): slicing
   * one string is far cheaper than a utf8 decode per element (CONFIG GET * is ~400 elements).
   */
  ascii: string | undefined;
  /** When readToken needs more bytes: the absolute position that must exist, or -1 for "a line end". */
  need: number;
}

function textOf(buf: Buffer, from: number, to: number, out: Scratch): string {
  return out.ascii !== undefined ? out.ascii.slice(from, to) : buf.toString('utf8', from, to);
}

function describeBytes(buf: Buffer, pos: number): string {
  return buf.subarray(pos, pos + 8).toString('hex');
}

/** A decimal length read straight from the bytes of [from, to): optional '-', 1 to 12 digits. */
function lengthOf(buf: Buffer, from: number, to: number, max: number, pos: number): number {
  let i = from;
  const negative = buf[i] === 0x2d;
  if (negative) i++;
  const digits = to - i;
  let n = 0;
  for (; i < to; i++) {
    const d = (buf[i] ?? 0) - 0x30;
    if (d < 0 || d > 9) break;
    n = n * 10 + d;
  }
  if (i !== to || digits < 1 || digits > 12) {
    throw new RespProtocolError(`bad length '${buf.toString('utf8', from, Math.min(to, from + 20))}' at byte ${pos} (${describeBytes(buf, pos)})`);
  }
  if (negative) n = -n;
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

/**
 * One scalar, or the header of an aggregate, at `pos` into `out`; returns the position after it,
 * or -1 when more bytes are needed.
 */
function readToken(buf: Buffer, pos: number, out: Scratch): number {
  const type = buf[pos] ?? 0;
  if (!TYPES.has(type)) throw new RespProtocolError(`unexpected byte 0x${type.toString(16)} (${describeBytes(buf, pos)})`);
  // Lines are short (headers, +OK, error texts): a loop here beats a native indexOf call per element.
  const end = buf.length - 1;
  let nl = pos + 1;
  while (nl < end && (buf[nl] !== 0x0d || buf[nl + 1] !== 0x0a)) nl++;
  if (nl >= end) {
    if (buf.length - pos > MAX_LINE) throw new RespProtocolError(`no line end within ${MAX_LINE} bytes`);
    out.need = -1;
    return -1;
  }
  const next = nl + 2;
  out.open = undefined;
  switch (type) {
    case 0x24 /* $ */:
    case 0x21 /* ! */:
    case 0x3d /* = */: {
      const len = lengthOf(buf, pos + 1, nl, MAX_BULK, pos);
      if (len < 0) {
        out.value = null;
        return next;
      }
      if (buf.length < next + len + 2) {
        out.need = next + len + 2;
        return -1;
      }
      if (buf[next + len] !== 0x0d || buf[next + len + 1] !== 0x0a) throw new RespProtocolError(`bulk string of ${len} bytes not followed by CRLF`);
      const text = textOf(buf, next, next + len, out);
      // Verbatim strings start with a format tag ("txt:", "mkd:").
      out.value = type === 0x21 ? new RespError(text) : type === 0x3d ? text.slice(4) : text;
      return next + len + 2;
    }
    case 0x2a /* * */:
    case 0x7e /* ~ */:
    case 0x3e /* > */:
    case 0x25 /* % */:
    case 0x7c /* | */:
      out.open = AGGREGATES[type] as Kind;
      out.count = lengthOf(buf, pos + 1, nl, MAX_AGGREGATE, pos);
      return next;
  }
  const line = textOf(buf, pos + 1, nl, out);
  switch (type) {
    case 0x2b /* + */:
      out.value = line;
      break;
    case 0x2d /* - */:
      out.value = new RespError(line);
      break;
    case 0x3a /* : */:
      if (!/^-?\d+$/.test(line)) throw new RespProtocolError(`bad integer '${line.slice(0, 20)}'`);
      out.value = Number(line);
      break;
    case 0x5f /* _ */:
      out.value = null;
      break;
    case 0x23 /* # */:
      if (line !== 't' && line !== 'f') throw new RespProtocolError(`bad boolean '${line.slice(0, 20)}'`);
      out.value = line === 't';
      break;
    case 0x2c /* , */:
      out.value = parseDouble(line);
      break;
    default /* ( */:
      if (!/^-?\d+$/.test(line)) throw new RespProtocolError(`bad big number '${line.slice(0, 20)}'`);
      out.value = BigInt(line);
  }
  return next;
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
  /**
   * Chunks received after `buf` and not joined yet: a large element arriving in many chunks is
   * joined once, when all its bytes are there, instead of once per chunk (quadratic copying).
   */
  private chunks: Buffer[] = [];
  private chunkBytes = 0;
  /** Bytes (buf + chunks) needed before parsing can progress; -1: a line end is needed. */
  private need = 0;
  /** Aggregates opened but not finished, outermost first. */
  private readonly stack: Frame[] = [];
  /** Bytes and elements of the current, unfinished top-level reply that were consumed already. */
  private replyBytes = 0;
  private replyElements = 0;
  private readonly maxReplyBytes: number;
  private readonly maxReplyElements: number;
  /** Bytes copied while joining chunks (a test bound that reassembly stays linear). */
  copiedBytes = 0;

  constructor(limits: ParserLimits = {}) {
    this.maxReplyBytes = limits.maxReplyBytes ?? REPLY_LIMITS.maxReplyBytes;
    this.maxReplyElements = limits.maxReplyElements ?? REPLY_LIMITS.maxReplyElements;
  }

  /** Bytes received that are part of an unfinished reply. */
  get buffered(): number {
    return this.buf.length + this.chunkBytes + (this.stack.length > 0 ? 1 : 0);
  }

  feed(chunk: Buffer): (RespReply | RespPush)[] {
    if (chunk.length === 0) return [];
    const held = this.buf.length + this.chunkBytes;
    if (held > 0) {
      const total = held + chunk.length;
      if (this.replyBytes + total > this.maxReplyBytes) this.tooLarge();
      // Still short of what the unfinished element needs: keep the chunk, parse nothing.
      const waiting = this.need < 0 ? !chunk.includes(0x0a) && total <= MAX_LINE : total < this.need;
      if (waiting) {
        this.chunks.push(chunk);
        this.chunkBytes += chunk.length;
        return [];
      }
    }
    let buf: Buffer;
    if (held === 0) buf = chunk;
    else {
      buf = Buffer.concat([this.buf, ...this.chunks, chunk]);
      this.copiedBytes += buf.length;
      this.chunks = [];
      this.chunkBytes = 0;
    }
    const out: (RespReply | RespPush)[] = [];
    // Large tails (a big bulk arriving in many chunks) are decoded per element instead, not per feed.
    const ascii = buf.length <= ASCII_FAST_PATH_MAX && isAscii(buf) ? buf.toString('latin1') : undefined;
    const token: Scratch = { value: null, open: undefined, count: 0, ascii, need: 0 };
    let pos = 0;
    this.need = 0;
    while (pos < buf.length) {
      const next = readToken(buf, pos, token);
      if (next < 0) {
        this.need = token.need < 0 ? -1 : token.need - pos;
        if (token.need >= 0 && this.replyBytes + this.need > this.maxReplyBytes) this.tooLarge();
        break;
      }
      this.replyBytes += next - pos;
      if (this.replyBytes > this.maxReplyBytes) this.tooLarge();
      pos = next;
      let value: RespReply | RespPush;
      if (token.open !== undefined) {
        if (token.count < 0) value = null;
        else if (token.count === 0 && token.open !== 'attribute') value = finish({ kind: token.open, remaining: 0, items: [] });
        else if (token.count === 0) continue;
        else {
          if (this.stack.length >= MAX_DEPTH) throw new RespProtocolError('replies nested too deeply');
          if (token.open === 'push' && this.stack.length > 0) throw new RespProtocolError('push inside an aggregate');
          const size = token.open === 'map' || token.open === 'attribute' ? token.count * 2 : token.count;
          this.replyElements += size;
          if (this.replyElements > this.maxReplyElements) {
            throw new RespLimitError(`a reply of more than ${this.maxReplyElements} elements (redsec's limit)`);
          }
          this.stack.push({ kind: token.open, remaining: size, items: [] });
          continue;
        }
      } else value = token.value;
      // Hand the finished value to its parent, closing every aggregate it completes.
      for (;;) {
        const top = this.stack[this.stack.length - 1];
        if (!top) {
          out.push(value);
          this.replyBytes = 0;
          this.replyElements = 0;
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

  private tooLarge(): never {
    throw new RespLimitError(`a reply larger than ${mib(this.maxReplyBytes)} (redsec's limit)`);
  }
}
