import { CommanderError } from 'commander';
import { RedsecError } from '../errors.js';
import { visible } from '../text/index.js';

/** Exit codes, the public contract in product.md. */
export const EXIT = {
  ok: 0,
  findings: 1,
  usage: 2,
  target: 3,
} as const;

/** The one place where errors become exit codes. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof RedsecError) return err.category === 'target' ? EXIT.target : EXIT.usage;
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  return EXIT.usage;
}

/**
 * One line, no stack: what the user sees on stderr. Messages can quote a server or a file, so
 * control characters are shown as escapes (an ESC never reaches the terminal).
 */
export function errorLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return `redsec: ${visible(message.split('\n')[0]?.trim() ?? 'error')}`;
}
