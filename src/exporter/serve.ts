/** Starts the exporter: the collector over the given targets, behind the HTTP server, listening. */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Collector, type CollectorOptions, type ExporterTarget } from './collector.js';
import { createExporterServer } from './http.js';
import type { ListenAddress } from './listen.js';

export interface RunningExporter {
  server: Server;
  /** host:port actually bound (the port is chosen by the system for port 0). */
  url: string;
  close(): Promise<void>;
}

export async function serveExporter(targets: readonly ExporterTarget[], listen: ListenAddress, opts: CollectorOptions): Promise<RunningExporter> {
  const server = createExporterServer(new Collector(targets, opts));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    server,
    url: `http://${host}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
