/**
 * The worker thread that runs lint_config off the MCP request loop: a config of many megabytes
 * keeps this thread busy, never the loop that answers the other tools. One message in (the
 * tool's input and the context it needs), one out (the report or the error, by category).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isRedsecError } from '../errors.js';
import type { McpContext } from './context.js';
import { lintConfig } from './tools/lint.js';
import type { OffloadRequest, OffloadReply } from './offload.js';

const request = workerData as OffloadRequest;
const ctx: McpContext = { targets: new Map(), readRoots: request.readRoots, timeoutMs: 0, log: () => undefined, env: {}, cveData: request.cveData };
let reply: OffloadReply;
try {
  reply = { ok: true, value: lintConfig(ctx, request.input as Parameters<typeof lintConfig>[1]) };
} catch (e) {
  reply = { ok: false, category: isRedsecError(e) ? e.category : 'internal', message: e instanceof Error ? e.message : String(e) };
}
parentPort?.postMessage(reply);
