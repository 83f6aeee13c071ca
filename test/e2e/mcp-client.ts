/**
 * Starts `redsec mcp` from the built CLI (dist/cli.js; the test command builds before vitest runs)
 * as a child process and connects the official MCP client to it over stdio.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface McpSession {
  client: Client;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  call(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

export async function startMcp(args: string[], env: Record<string, string> = {}): Promise<McpSession> {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` (npm test does it first)');
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'mcp', ...args],
    // Only what the server needs: no REDSEC_PASSWORD/REDISCLI_AUTH leaking in from the test runner.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stderr: 'pipe',
  });
  let err = '';
  transport.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const client = new Client({ name: 'redsec-e2e', version: '1.0.0' });
  await client.connect(transport);
  return {
    client,
    stderr: () => err,
    call: async (name, a) => (await client.callTool({ name, arguments: a })) as CallToolResult,
    close: () => client.close(),
  };
}

/** The text content of a tool result. */
export function textOf(r: CallToolResult): string {
  return r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

/** The structured content of a tool result, typed by the caller (the client validated it against the tool's output schema). */
export function structuredOf<T>(r: CallToolResult): T {
  return r.structuredContent as unknown as T;
}
