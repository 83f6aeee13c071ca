/**
 * An unrestricted RESP2 client for tests only: it sets up servers (ACL SETUSER, SET ...) that
 * redsec's own read-only client is not allowed to touch. Never imported by src/.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';

export type Reply = string | number | null | Reply[] | { error: string };

export interface RawClient {
  call(...args: (string | Buffer | number)[]): Promise<Reply>;
  pipeline(commands: (string | Buffer | number)[][]): Promise<Reply[]>;
  close(): void;
  socket: Socket;
}

function encode(args: (string | Buffer | number)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a));
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** Parses one reply at `pos`; returns undefined when the buffer is incomplete. */
function parse(buf: Buffer, pos: number): [Reply, number] | undefined {
  const nl = buf.indexOf('\r\n', pos);
  if (nl < 0) return undefined;
  const type = String.fromCharCode(buf[pos] ?? 0);
  const line = buf.toString('utf8', pos + 1, nl);
  const next = nl + 2;
  switch (type) {
    case '+':
      return [line, next];
    case '-':
      return [{ error: line }, next];
    case ':':
      return [Number(line), next];
    case '$': {
      const len = Number(line);
      if (len < 0) return [null, next];
      if (buf.length < next + len + 2) return undefined;
      return [buf.toString('utf8', next, next + len), next + len + 2];
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return [null, next];
      const items: Reply[] = [];
      let p = next;
      for (let i = 0; i < n; i++) {
        const r = parse(buf, p);
        if (!r) return undefined;
        items.push(r[0]);
        p = r[1];
      }
      return [items, p];
    }
    default:
      throw new Error(`unexpected RESP type ${JSON.stringify(type)}`);
  }
}

export function rawConnect(port: number, opts: { host?: string; tls?: ConnectionOptions } = {}): Promise<RawClient> {
  const host = opts.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const socket: Socket = opts.tls
      ? tlsConnect({ host, port, servername: 'localhost', ...opts.tls })
      : netConnect({ host, port });
    let buf = Buffer.alloc(0);
    const waiting: { resolve: (r: Reply) => void; reject: (e: Error) => void }[] = [];
    const pushed: Reply[] = [];
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      let pos = 0;
      for (;;) {
        const r = parse(buf, pos);
        if (!r) break;
        pos = r[1];
        const w = waiting.shift();
        if (w) w.resolve(r[0]);
        else pushed.push(r[0]);
      }
      buf = buf.subarray(pos);
    });
    const fail = (e: Error) => {
      for (const w of waiting.splice(0)) w.reject(e);
    };
    socket.on('error', (e) => {
      fail(e);
      reject(e);
    });
    socket.on('close', () => fail(new Error('connection closed')));
    socket.once(opts.tls ? 'secureConnect' : 'connect', () => {
      const client: RawClient = {
        socket,
        call: (...args) =>
          new Promise<Reply>((res, rej) => {
            waiting.push({ resolve: res, reject: rej });
            socket.write(encode(args));
          }),
        pipeline: (commands) => {
          const ps = commands.map(
            () => new Promise<Reply>((res, rej) => waiting.push({ resolve: res, reject: rej })),
          );
          socket.write(Buffer.concat(commands.map(encode)));
          return Promise.all(ps);
        },
        close: () => socket.destroy(),
      };
      resolve(client);
    });
  });
}
