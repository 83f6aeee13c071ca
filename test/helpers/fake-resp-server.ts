/**
 * A scripted RESP server for the faults a real redis-server cannot be made to produce on loopback:
 * closing in the middle of a reply, hanging forever, garbage bytes, -DENIED from a "non-loopback"
 * peer, connection resets followed by success. Tests only; never imported by src/.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { rawConnect, type RawClient, type Reply } from './raw-client.js';

/** Redis 7.0.15's protected-mode refusal, byte for byte (from the redis-server binary). */
export const PROTECTED_MODE_DENIED =
  "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n";

export const MAX_CLIENTS = '-ERR max number of clients reached\r\n';

export interface FakeConnection {
  socket: Socket;
  /** 0-based index of this connection on the server. */
  index: number;
  /** 0-based index among connections that spoke RESP (set when the first command arrives). */
  respIndex?: number;
}

export interface FakeServerOptions {
  /** Called on accept, before any byte is read. */
  onConnect?: (conn: FakeConnection) => void;
  /** Called when a connection opens with non-RESP bytes (e.g. a TLS ClientHello). Default: close it. */
  onNonResp?: (conn: FakeConnection) => void;
  /** Called per complete command; write the reply (or do nothing to hang). Default: +PONG / +OK. */
  onCommand?: (args: string[], conn: FakeConnection) => void;
}

export interface FakeRespServer {
  port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** When each connection was accepted (ms since epoch). */
  readonly acceptedAt: number[];
  /** Connections whose first bytes were a RESP command, and when those bytes arrived. */
  readonly respArrivals: number[];
  /** Connections that opened with something else (e.g. a TLS ClientHello); closed unless onNonResp says otherwise. */
  readonly nonResp: number;
  /** Every command received, in order, across connections. */
  readonly commands: string[][];
  /** Bytes received across connections. */
  readonly bytesIn: number;
  stop(): Promise<void>;
}

/** Splits complete RESP arrays of bulk strings off `buf`; returns the commands and the rest. */
function takeCommands(buf: Buffer): [string[][], Buffer] {
  const out: string[][] = [];
  let pos = 0;
  outer: for (;;) {
    if (buf[pos] !== 0x2a) break;
    let nl = buf.indexOf('\r\n', pos);
    if (nl < 0) break;
    const n = Number(buf.toString('latin1', pos + 1, nl));
    let p = nl + 2;
    const args: string[] = [];
    for (let i = 0; i < n; i++) {
      if (buf[p] !== 0x24) break outer;
      nl = buf.indexOf('\r\n', p);
      if (nl < 0) break outer;
      const len = Number(buf.toString('latin1', p + 1, nl));
      if (buf.length < nl + 2 + len + 2) break outer;
      args.push(buf.toString('utf8', nl + 2, nl + 2 + len));
      p = nl + 2 + len + 2;
    }
    out.push(args);
    pos = p;
  }
  return [out, buf.subarray(pos)];
}

function defaultReply(args: string[], conn: FakeConnection): void {
  const name = (args[0] ?? '').toUpperCase();
  conn.socket.write(name === 'PING' ? '+PONG\r\n' : '+OK\r\n');
}

export async function startFakeResp(opts: FakeServerOptions = {}): Promise<FakeRespServer> {
  const sockets = new Set<Socket>();
  const state = { connections: 0, bytesIn: 0, nonResp: 0, commands: [] as string[][], acceptedAt: [] as number[], respArrivals: [] as number[] };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const conn: FakeConnection = { socket, index: state.connections++ };
    state.acceptedAt.push(Date.now());
    opts.onConnect?.(conn);
    let buf: Buffer = Buffer.alloc(0);
    let first = true;
    socket.on('data', (d: Buffer) => {
      state.bytesIn += d.length;
      if (first) {
        first = false;
        if (d[0] !== 0x2a) {
          // Not RESP (a TLS ClientHello, say): close it, as a plain server would end up doing.
          state.nonResp++;
          if (opts.onNonResp) opts.onNonResp(conn);
          else socket.destroy();
          return;
        }
        conn.respIndex = state.respArrivals.length;
        state.respArrivals.push(Date.now());
      }
      buf = Buffer.concat([buf, d]);
      const [commands, rest] = takeCommands(buf);
      buf = rest;
      for (const args of commands) {
        state.commands.push(args);
        (opts.onCommand ?? defaultReply)(args, conn);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    port,
    get connections() {
      return state.connections;
    },
    get acceptedAt() {
      return state.acceptedAt;
    },
    get commands() {
      return state.commands;
    },
    get respArrivals() {
      return state.respArrivals;
    },
    get nonResp() {
      return state.nonResp;
    },
    get bytesIn() {
      return state.bytesIn;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** RESP2 encoding of a parsed reply (strings as bulk strings, which clients read alike). */
export function encodeReply(r: Reply): string {
  if (r === null) return '$-1\r\n';
  if (typeof r === 'number') return `:${r}\r\n`;
  if (typeof r === 'string') return `$${Buffer.byteLength(r)}\r\n${r}\r\n`;
  if (Array.isArray(r)) return `*${r.length}\r\n${r.map(encodeReply).join('')}`;
  return `-${r.error}\r\n`;
}

/**
 * A server that replays a real server's replies, command by command, over one upstream
 * connection per client connection, letting `rewrite` change a reply (e.g. INFO claiming a version
 * no server here can be). For what real servers cannot be made to say; the rest stays real.
 */
export async function startReplayProxy(upstreamPort: number, rewrite: (args: string[], reply: Reply) => Reply): Promise<FakeRespServer> {
  const upstreams = new Map<number, Promise<RawClient>>();
  const queues = new Map<number, Promise<void>>();
  return startFakeResp({
    onConnect: (conn) => {
      const up = rawConnect(upstreamPort);
      up.catch(() => undefined);
      upstreams.set(conn.index, up);
      conn.socket.on('close', () => void up.then((c) => c.close(), () => undefined));
    },
    onCommand: (args, conn) => {
      // Replies go back in command order, as a real server sends them.
      const prev = queues.get(conn.index) ?? Promise.resolve();
      const next = prev.then(async () => {
        const up = await upstreams.get(conn.index)!;
        const reply = await up.call(...args);
        if (!conn.socket.destroyed) conn.socket.write(encodeReply(rewrite(args, reply)));
      }).catch(() => void conn.socket.destroy());
      queues.set(conn.index, next);
    },
  });
}
