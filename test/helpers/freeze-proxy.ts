/**
 * A loopback TCP proxy in front of a real server that forwards everything until it has passed on a
 * chunk containing `marker` (e.g. 'SETUSER'); then it holds every further byte from the client, so a
 * process can be killed right after the server ran that command. `thaw()` lets bytes through again.
 */
import { createServer, connect as netConnect, type Socket } from 'node:net';

export interface FreezeProxy {
  port: number;
  /** Resolves once the marked command was forwarded. */
  seen: Promise<void>;
  thaw(): void;
  close(): Promise<void>;
}

export async function freezeAfter(upstreamPort: number, marker: string): Promise<FreezeProxy> {
  let frozen = false;
  let saw: () => void = () => {};
  const seen = new Promise<void>((r) => (saw = r));
  const sockets: Socket[] = [];
  const proxy = createServer((client) => {
    const upstream = netConnect(upstreamPort, '127.0.0.1');
    sockets.push(client, upstream);
    client.on('data', (chunk: Buffer) => {
      if (frozen) return;
      upstream.write(chunk);
      if (chunk.includes(marker)) {
        frozen = true;
        saw();
      }
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  return {
    port: (proxy.address() as { port: number }).port,
    seen,
    thaw: () => {
      frozen = false;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => proxy.close(r));
    },
  };
}
