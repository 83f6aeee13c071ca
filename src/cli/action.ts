import { errorLine, exitCodeFor } from './exit.js';

/**
 * Wraps a command's action: its return value is the exit code; a thrown error becomes one line
 * on stderr and the exit code from exit.ts. Unexpected errors are still one line (set
 * REDSEC_DEBUG=1 for the stack).
 */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<number | void> | number | void) {
  return async (...args: A): Promise<void> => {
    try {
      const code = await fn(...args);
      process.exitCode = code ?? 0;
    } catch (err) {
      if (process.env.REDSEC_DEBUG) process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
      process.stderr.write(`${errorLine(err)}\n`);
      process.exitCode = exitCodeFor(err);
    }
  };
}

/** Writes text to stdout, ending it with exactly one newline. */
export function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Writes a line to stderr (progress, warnings). */
export function err(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}
