/**
 * Runs lint_config in a worker thread (worker.ts) so that no config, however large, holds up the
 * MCP request loop: the other tools keep answering while it runs. Falls back to running in
 * process where the compiled worker is absent (tests run from source).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CveData } from '../cve/index.js';
import { InputError, UsageError } from '../errors.js';
import type { Report } from '../report/index.js';
import type { McpContext } from './context.js';
import type { Root } from './roots.js';
import { lintConfig } from './tools/lint.js';

export interface OffloadRequest {
  input: unknown;
  readRoots: readonly Root[];
  cveData?: CveData | undefined;
}

export type OffloadReply = { ok: true; value: Report } | { ok: false; category: 'usage' | 'input' | 'target' | 'internal'; message: string };

/** Longest a lint may run before its worker is stopped (a bound, far above real configs). */
export const LINT_DEADLINE_MS = 120_000;

const WORKER = new URL('./worker.js', import.meta.url);

/** An error as the tool's error path expects it (category kept, message as the worker wrote it). */
function rebuild(reply: Extract<OffloadReply, { ok: false }>): Error {
  if (reply.category === 'usage') return new UsageError(reply.message);
  if (reply.category === 'input' || reply.category === 'target') return new InputError(reply.message);
  return new Error(reply.message);
}

export function lintOffLoop(ctx: McpContext, input: Parameters<typeof lintConfig>[1]): Promise<Report> {
  if (!existsSync(fileURLToPath(WORKER))) return Promise.resolve(lintConfig(ctx, input));
  const request: OffloadRequest = { input, readRoots: ctx.readRoots.map((r) => ({ given: r.given, real: r.real })), cveData: ctx.cveData };
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { workerData: request });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new InputError(`lint took longer than ${LINT_DEADLINE_MS / 1000} s and was stopped`, 'config'));
    }, LINT_DEADLINE_MS);
    worker.once('message', (reply: OffloadReply) => {
      clearTimeout(timer);
      if (reply.ok) resolve(reply.value);
      else reject(rebuild(reply));
    });
    worker.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    worker.once('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`lint worker exited with code ${code}`));
    });
  });
}
