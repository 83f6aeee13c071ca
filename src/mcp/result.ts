/**
 * Tool results: structured content plus a text rendering, and errors as MCP tool errors (isError)
 * carrying the E60x / network code where there is one. The server never dies of a tool's failure.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { RedsecError, TargetError } from '../errors.js';
import { maskUrlPasswords, visible } from '../text/index.js';

export function toolResult(structured: Record<string, unknown>, text: string): CallToolResult {
  return { content: [{ type: 'text', text }], structuredContent: structured };
}

/** The one line a model sees for a failure: "E601: ...", "input: ...", "internal: ...". */
export function errorText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  // Only URL passwords are hidden: masking the whole line as one URL mangled it (E603:***@host).
  const line = visible(maskUrlPasswords(message.split('\n')[0]?.trim() ?? 'error'));
  if (err instanceof TargetError) return line; // already "CODE: target: message"
  if (err instanceof RedsecError) return `${err.category === 'usage' ? 'usage' : 'input'} error: ${line}`;
  return `internal error: ${line}`;
}

/** The code of a failure, for clients that branch on it (also in the text). */
export function errorCode(err: unknown): string {
  if (err instanceof TargetError) return err.code;
  if (err instanceof RedsecError) return err.category === 'usage' ? 'USAGE' : 'INPUT';
  return 'INTERNAL';
}

/**
 * No structuredContent on errors: clients validate it against the tool's output schema, which
 * describes successes only. The code travels in `_meta` and at the start of the text.
 */
export function toolError(err: unknown): CallToolResult {
  return { content: [{ type: 'text', text: errorText(err) }], isError: true, _meta: { 'redsec/code': errorCode(err) } };
}

/**
 * Runs a tool body; any thrown error becomes a tool error. Unexpected ones are also logged (one
 * line, to stderr: stdout is the protocol channel).
 */
export async function guarded(log: (line: string) => void, tool: string, body: () => Promise<CallToolResult> | CallToolResult): Promise<CallToolResult> {
  try {
    return await body();
  } catch (err) {
    if (!(err instanceof RedsecError)) log(`redsec mcp: ${tool}: ${errorText(err)}`);
    return toolError(err);
  }
}
