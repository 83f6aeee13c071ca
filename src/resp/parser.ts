/**
 * Incremental RESP2/RESP3 reply parser. Bytes arrive in arbitrary chunks; `feed` returns every
 * reply completed so far and keeps the rest. Anything that is not RESP throws RespProtocolError
 * (the connection is then unusable: a stream cannot be resynchronised).
 */
import { RespError, RespPush, type RespReply } from './reply.js';

export class RespProtocolError extends Error {}

/** Limits that keep garbage from making us buffer without end or recurse without end. */
const MAX_LINE = 64 * 1024;
const MAX_BULK = 256 * 1024 * 1024;
const MAX_AGGREGATE = 16 * 1024 * 1024;
const MAX_DEPTH = 32;

type Parsed = [RespReply | RespPush, number] | undefined;

function describeBytes(buf: Buffer, pos: number): string {
  return buf.subarray(pos, pos + 8).toString('hex');
}

function lengthOf(line: string, max: number, buf: Buffer, pos: number): number {
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

function parseAt(buf: Buffer, pos: number, depth: number): Parsed {
  if (pos >= buf.length) return undefined;
  if (depth > MAX_DEPTH) throw new RespProtocolError('replies nested too deeply');
  const nl = buf.indexOf('\r\n', pos, 'latin1');
  if (nl < 0) {
    if (buf.length - pos > MAX_LINE) throw new RespProtocolError(`no line end within ${MAX_LINE} bytes`);
    // Fail fast on a bad type byte even before the line is complete (garbage rarely has CRLF).
    if (!TYPES.has(buf[pos] ?? 0)) throw new RespProtocolError(`unexpected byte 0x${(buf[pos] ?? 0).toString(16)} (${describeBytes(buf, pos)})`);
    return undefined;
  }
  const type = buf[pos] ?? 0;
  const line = buf.toString('utf8', pos + 1, nl);
  const next = nl + 2;
  switch (type) {
    case 0x2b /* + */:
      return [line, next];
    case 0x2d /* - */:
      return [new RespError(line), next];
    case 0x3a /* : */:
      if (!/^-?\d+$/.test(line)) throw new RespProtocolError(`bad integer '${line.slice(0, 20)}'`);
      return [Number(line), next];
    case 0x5f /* _ */:
      return [null, next];
    case 0x23 /* # */:
      if (line !== 't' && line !== 'f') throw new RespProtocolError(`bad boolean '${line.slice(0, 20)}'`);
      return [line === 't', next];
    case 0x2c /* , */:
      return [parseDouble(line), next];
    case 0x28 /* ( */:
      if (!/^-?\d+$/.test(line)) throw new RespProtocolError(`bad big number '${line.slice(0, 20)}'`);
      return [BigInt(line), next];
    case 0x24 /* $ */:
    case 0x21 /* ! */:
    case 0x3d /* = */: {
      const len = lengthOf(line, MAX_BULK, buf, pos);
      if (len < 0) return [null, next];
      if (buf.length < next + len + 2) return undefined;
      if (buf[next + len] !== 0x0d || buf[next + len + 1] !== 0x0a) throw new RespProtocolError(`bulk string of ${len} bytes not followed by CRLF`);
      let text = buf.toString('utf8', next, next + len);
      if (type === 0x21) return [new RespError(text), next + len + 2];
      if (type === 0x3d) text = text.slice(4); // verbatim strings start with "txt:" / "mkd:"
      return [text, next + len + 2];
    }
    case 0x2a /* * */:
    case 0x7e /* ~ */:
    case 0x3e /* > */:
    case 0x25 /* % */:
    case 0x7c /* | */: {
      const count = lengthOf(line, MAX_AGGREGATE, buf, pos);
      if (count < 0) return [null, next];
      const elements = type === 0x25 || type === 0x7c ? count * 2 : count;
      const items: RespReply[] = [];
      let p = next;
      for (let i = 0; i < elements; i++) {
        const r = parseAt(buf, p, depth + 1);
        if (!r) return undefined;
        if (r[0] instanceof RespPush) throw new RespProtocolError('push inside an aggregate');
        items.push(r[0]);
        p = r[1];
      }
      if (type === 0x3e) return [new RespPush(items), p];
      if (type === 0x7c) return parseAt(buf, p, depth); // attributes annotate the next reply; we drop them
      if (type === 0x25) {
        const map = new Map<RespReply, RespReply>();
        for (let i = 0; i < items.length; i += 2) map.set(items[i] ?? null, items[i + 1] ?? null);
        return [map, p];
      }
      return [items, p];
    }
    default:
      throw new RespProtocolError(`unexpected byte 0x${type.toString(16)} (${describeBytes(buf, pos)})`);
  }
}

const TYPES = new Set([...'+-:_#,($!=*~>%|'].map((c) => c.charCodeAt(0)));

export class RespParser {
  private buf: Buffer = Buffer.alloc(0);

  /** Bytes received but not yet part of a complete reply. */
  get buffered(): number {
    return this.buf.length;
  }

  feed(chunk: Buffer): (RespReply | RespPush)[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: (RespReply | RespPush)[] = [];
    let pos = 0;
    for (;;) {
      const r = parseAt(this.buf, pos, 0);
      if (!r) break;
      out.push(r[0]);
      pos = r[1];
    }
    this.buf = pos === 0 ? this.buf : this.buf.subarray(pos);
    return out;
  }
}
