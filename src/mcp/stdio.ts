/** Runs the server on stdin/stdout. stdout carries protocol messages only; logs go to stderr. */
import { Transform } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { escapeRawInJson } from '../report/safe-json.js';
import type { McpContext } from './context.js';
import { createMcpServer } from './server.js';

/** Resolves when the client closes the connection (stdin ends). */
export async function serveStdio(ctx: McpContext): Promise<void> {
  // Anything a library might print must not corrupt the protocol stream.
  console.log = console.info = console.debug = console.warn = (...args: unknown[]) => ctx.log(args.map(String).join(' '));
  // A stray rejection in a tool's dependencies must not take the whole server down with it.
  process.on('unhandledRejection', (reason) => ctx.log(`redsec mcp: unhandled rejection: ${reason instanceof Error ? reason.message : String(reason)}`));
  const server = createMcpServer(ctx);
  const transport = new StdioServerTransport(process.stdin, escapingStdout());
  await server.connect(transport);
  // connect() takes over the transport's callbacks; the protocol layer's onclose is ours to set.
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  ctx.log(`redsec mcp: serving ${ctx.targets.size} target(s) on stdio`);
  await closed;
  await server.close();
}

/**
 * The SDK writes each message as one JSON.stringify line, which escapes C0 but leaves C1 and bidi
 * characters raw: a user name or key from a server would reach the client's terminal or log as
 * is. Each line is escaped on its way out (lossless: the client parses the same strings).
 */
function escapingStdout(): Transform {
  const out = new Transform({
    decodeStrings: false,
    transform(chunk: string | Buffer, _enc, done) {
      done(null, escapeRawInJson(typeof chunk === 'string' ? chunk : chunk.toString('utf8')));
    },
  });
  out.pipe(process.stdout);
  return out;
}
