import { UsageError } from '../errors.js';

/** --config-command: one command name (printable, no spaces), as redis_exporter's -config-command. */
export function configCommandName(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,64}$/.test(value)) throw new UsageError('--config-command must be one command name: 1 to 64 printable characters, no spaces');
  return value;
}
