/**
 * Commands diagnose refuses as "the command the application fails on" (CLI --command, MCP
 * diagnose_connection's `command`). diagnose checks that command on the operator's own connection
 * (running it when it is read-only, or asking ACL DRYRUN, or queuing it in MULTI), so a command
 * that changes who the connection is or what state it is in would turn diagnose into a password
 * oracle against every ACL user, or run the rest of the session as someone else: AUTH, HELLO (its
 * AUTH and SETNAME options, and the protocol switch), SELECT, CLIENT (SETNAME, TRACKING, REPLY,
 * KILL ...), RESET, transactions, Pub/Sub and replication modes. They are refused before any
 * connection is made, whatever their arguments, and the refusal names only the command.
 */
import { UsageError } from '../errors.js';
import { visible } from '../text/index.js';

export const STATE_CHANGING_COMMANDS: readonly string[] = [
  'AUTH',
  'HELLO',
  'SELECT',
  'CLIENT',
  'RESET',
  'QUIT',
  'MULTI',
  'EXEC',
  'DISCARD',
  'WATCH',
  'UNWATCH',
  'SUBSCRIBE',
  'PSUBSCRIBE',
  'SSUBSCRIBE',
  'UNSUBSCRIBE',
  'PUNSUBSCRIBE',
  'SUNSUBSCRIBE',
  'MONITOR',
  'READONLY',
  'READWRITE',
  'ASKING',
  'SYNC',
  'PSYNC',
  'REPLCONF',
];

const REFUSED = new Set(STATE_CHANGING_COMMANDS);

/** Throws UsageError when argv's command changes the connection's identity or state. */
export function refuseStateChangingCommand(argv: readonly string[]): void {
  const name = (argv[0] ?? '').trim().toUpperCase();
  if (!REFUSED.has(name)) return;
  throw new UsageError(
    `diagnose does not check '${visible(name.slice(0, 32))}': it changes the connection's identity or state (${STATE_CHANGING_COMMANDS.slice(0, 5).join(', ')} ... are refused). ` +
      'To check a user\'s password, run diagnose with that user\'s credentials (--user and --password-file).',
  );
}
