/**
 * The one way a command that is not on the read-only allowlist reaches a server: queued inside a
 * transaction and thrown away. Inside MULTI, Redis checks a command when it queues it (existence,
 * arity, authentication, ACL permissions, then server state such as OOM or READONLY) and answers
 * QUEUED or the refusal (NOPERM ...) without running it; DISCARD drops the queue, and so does a
 * closed connection. redsec sends MULTI alone and continues only after its +OK: were MULTI denied
 * (NOPERM) or not understood, the command would run at once. Then the command and DISCARD go in
 * one write. EXEC is never sent. Commands the server runs at once even inside MULTI (EXEC,
 * DISCARD, MULTI, WATCH, QUIT, RESET: processCommand's exceptions, 6.2 to 7.4) are refused here.
 */
import { ForbiddenCommandError } from '../errors.js';
import type { RespReply } from './reply.js';

export const RUN_INSIDE_MULTI: readonly string[] = ['MULTI', 'EXEC', 'DISCARD', 'WATCH', 'QUIT', 'RESET'];

export interface QueueCheckReplies {
  /** MULTI's reply; the command was sent only when it is 'OK'. */
  multi: RespReply;
  /** QUEUED, or the server's refusal (NOPERM, unknown command ...); absent when not sent. */
  queued?: RespReply;
  /** DISCARD's reply ('OK'). */
  discard?: RespReply;
}

/** Throws ForbiddenCommandError unless argv may be queued (names only in the message). */
export function assertQueueable(argv: readonly string[]): void {
  const name = typeof argv[0] === 'string' ? argv[0].toUpperCase() : '';
  if (argv.length === 0 || argv.some((a) => typeof a !== 'string') || name === '') throw new ForbiddenCommandError('(empty)');
  if (RUN_INSIDE_MULTI.includes(name)) throw new ForbiddenCommandError(`${name.slice(0, 32)} inside MULTI`);
}
