/**
 * The write allowlist for `redsec rotate tls` (certificate rotation), added to the audit's read-only
 * allowlist on a TLS rotation connection: the rotation reads what an audit reads (CONFIG GET, INFO
 * replication ...) and may write only
 *   CONFIG SET <tls file directive> <absolute path> [<directive> <path> ...]
 *   CONFIG REWRITE
 * The directives are the certificate, key and CA *file* paths; never a passphrase (tls-key-file-pass
 * is a secret), never a protocol, cipher or port setting, never an empty value (which would turn TLS
 * off), never the same directive twice in one command. Redis validates the files themselves: it
 * loads the new TLS context first and keeps the old one when loading fails.
 */
import { commandName, isAllowed } from './allowlist.js';
import { ForbiddenCommandError } from '../errors.js';

/** The directives a certificate rotation may set (all of them file paths). */
export const TLS_ROTATION_DIRECTIVES: readonly string[] = ['tls-cert-file', 'tls-key-file', 'tls-client-cert-file', 'tls-client-key-file', 'tls-ca-cert-file'];

/** The writes on top of the read-only allowlist, as "NAME SUBCOMMAND", for documentation and tests. */
export const TLS_ROTATION_WRITES: readonly string[] = ['CONFIG SET', 'CONFIG REWRITE'];

const MAX_PATH = 4096;

/** An absolute path of printable characters: what redsec writes, and nothing a config line could misread. */
function isFilePath(value: string): boolean {
  // eslint-disable-next-line no-control-regex
  return value.startsWith('/') && value.length <= MAX_PATH && !/[\x00-\x1f\x7f]/.test(value);
}

/** `CONFIG SET` arguments after SET: directive/path pairs from TLS_ROTATION_DIRECTIVES, each once. */
function isTlsConfigSet(rest: readonly string[]): boolean {
  if (rest.length === 0 || rest.length % 2 !== 0) return false;
  const seen = new Set<string>();
  for (let i = 0; i < rest.length; i += 2) {
    const directive = (rest[i] ?? '').toLowerCase();
    const value = rest[i + 1] ?? '';
    if (!TLS_ROTATION_DIRECTIVES.includes(directive) || seen.has(directive) || !isFilePath(value)) return false;
    seen.add(directive);
  }
  return true;
}

/** A write a TLS rotation may send (the reads are the audit allowlist's). */
export function isTlsRotationWrite(args: readonly string[]): boolean {
  if (args.length < 2 || args.some((a) => typeof a !== 'string')) return false;
  const [first = '', second = '', ...rest] = args;
  if (first.toUpperCase() !== 'CONFIG') return false;
  const sub = second.toUpperCase();
  if (sub === 'REWRITE') return rest.length === 0;
  return sub === 'SET' && isTlsConfigSet(rest);
}

export function isTlsRotationAllowed(args: readonly string[]): boolean {
  return isTlsRotationWrite(args) || isAllowed(args);
}

/** Throws ForbiddenCommandError (naming the command, never its arguments) unless every command is admitted. */
export function assertTlsRotationAllowed(commands: readonly (readonly string[])[]): void {
  for (const args of commands) {
    if (isTlsRotationWrite(args)) continue;
    if (!isAllowed(args)) {
      const name = commandName(args) || (typeof args[0] === 'string' ? args[0].toUpperCase() : '');
      throw new ForbiddenCommandError(name.slice(0, 64) || '(empty)', 'tls-rotation');
    }
  }
}
