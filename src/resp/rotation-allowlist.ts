/**
 * The write allowlist for `redsec rotate password`, separate from (and narrower than) the audit's
 * read-only allowlist: a rotation connection may send only these commands, all bound to the one
 * user being rotated, checked before a byte is written.
 *   AUTH user pass | AUTH pass                 verification on fresh connections
 *   ACL GETUSER <user>                         the user's password hashes
 *   ACL SETUSER <user> (>NEW | !<sha256>)...   add a password / remove one by hash; no other rule
 *   ACL SAVE, CONFIG REWRITE                   persistence
 *   CONFIG GET aclfile                         how the server persists users
 *   CLIENT LIST [TYPE normal]                  who is still connected as the user
 * Replication and Sentinel (the rotated user is the one replicas or sentinels authenticate as):
 *   CONFIG GET masteruser                      which user a replica authenticates as
 *   CONFIG SET masterauth <NEW>                the replica's copy of the password, nothing else
 *   INFO replication                           master_link_status of a replica
 *   CLIENT KILL TYPE master                    a replica re-links, proving it authenticates with NEW
 *   SENTINEL MASTER <name>                     a sentinel's view of the monitored master
 *   SENTINEL SET <name> auth-pass <NEW>        a sentinel's copy of the password, no other option
 * ACL SETUSER may never carry another rule (on/off, +@all, ~*, nopass, resetpass, reset ...), so a
 * rotation cannot widen or lock out a user, and it can touch no other user.
 */
import { ForbiddenCommandError } from '../errors.js';

/** The allowlisted commands as "NAME" or "NAME SUBCOMMAND", for documentation and tests. */
export const ROTATION_ALLOWLIST: readonly string[] = ['AUTH', 'ACL GETUSER', 'ACL SETUSER', 'ACL SAVE', 'CONFIG GET', 'CONFIG REWRITE', 'CLIENT LIST', 'CONFIG SET', 'INFO', 'CLIENT KILL', 'SENTINEL MASTER', 'SENTINEL SET'];

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** `>password` (non-empty) or `!<sha256 hex>`: the only rules a rotation sends. */
export function isRotationRule(rule: string): boolean {
  if (rule.startsWith('>')) return rule.length > 1;
  return rule.startsWith('!') && SHA256_HEX.test(rule.slice(1));
}

export function isRotationAllowed(args: readonly string[], user: string): boolean {
  if (args.length === 0 || args.some((a) => typeof a !== 'string') || user === '') return false;
  const [first = '', second = '', ...rest] = args;
  const name = first.toUpperCase();
  const sub = second.toUpperCase();
  if (name === 'AUTH') return args.length === 2 || args.length === 3;
  if (name === 'ACL') {
    if (sub === 'GETUSER') return rest.length === 1 && rest[0] === user;
    if (sub === 'SAVE') return rest.length === 0;
    if (sub === 'SETUSER') {
      const [who, ...rules] = rest;
      return who === user && rules.length >= 1 && rules.every(isRotationRule);
    }
    return false;
  }
  if (name === 'CONFIG') {
    if (sub === 'REWRITE') return rest.length === 0;
    if (sub === 'SET') return isReplicationSet(rest);
    return sub === 'GET' && rest.length === 1 && (rest[0]?.toLowerCase() === 'aclfile' || rest[0]?.toLowerCase() === 'masteruser');
  }
  if (name === 'CLIENT' && sub === 'LIST') {
    return rest.length === 0 || (rest.length === 2 && rest[0]?.toUpperCase() === 'TYPE' && rest[1]?.toLowerCase() === 'normal');
  }
  if (name === 'CLIENT' && sub === 'KILL') return rest.length === 2 && rest[0]?.toUpperCase() === 'TYPE' && rest[1]?.toLowerCase() === 'master';
  if (name === 'INFO') return args.length === 2 && sub === 'REPLICATION';
  if (name === 'SENTINEL') return isSentinelCommand(sub, rest);
  return false;
}

/** CONFIG SET masterauth <non-empty>: one directive, never an empty password (that would unset it). */
function isReplicationSet(rest: readonly string[]): boolean {
  return rest.length === 2 && rest[0]?.toLowerCase() === 'masterauth' && rest[1] !== '';
}

/** SENTINEL MASTER <name> and SENTINEL SET <name> auth-pass <non-empty>, one option only. */
function isSentinelCommand(sub: string, rest: readonly string[]): boolean {
  if (sub === 'MASTER') return rest.length === 1 && rest[0] !== '';
  return sub === 'SET' && rest.length === 3 && rest[0] !== '' && rest[1]?.toLowerCase() === 'auth-pass' && rest[2] !== '';
}

/** The command's name for messages: never its arguments (they hold passwords). */
function nameOf(args: readonly string[]): string {
  const first = typeof args[0] === 'string' ? args[0].toUpperCase() : '';
  const second = typeof args[1] === 'string' ? args[1].toUpperCase() : '';
  const container = first === 'ACL' || first === 'CONFIG' || first === 'CLIENT' || first === 'SENTINEL';
  return (container && second !== '' ? `${first} ${second}` : first).slice(0, 64) || '(empty)';
}

/** Throws ForbiddenCommandError unless every command is on the rotation allowlist for `user`. */
export function assertRotationAllowed(commands: readonly (readonly string[])[], user: string): void {
  for (const args of commands) {
    if (!isRotationAllowed(args, user)) throw new ForbiddenCommandError(nameOf(args), 'password-rotation');
  }
}
