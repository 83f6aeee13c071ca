/**
 * The error vocabulary. Library code throws these; only cli/ maps them to exit codes
 * (see cli/exit.ts) and only mcp/ maps them to tool errors. Messages are one line and
 * never carry secrets.
 */

export type DiagnosisCode = 'E601' | 'E602' | 'E603' | 'E604' | 'E605';

export abstract class RedsecError extends Error {
  /** usage/input errors exit 2; target errors exit 3. */
  abstract readonly category: 'usage' | 'input' | 'target';
  override get name(): string {
    return this.constructor.name;
  }
}

/** Wrong flags or arguments. */
export class UsageError extends RedsecError {
  readonly category = 'usage' as const;
}

/** Malformed input that has no file position: a profile value, a URL, a certificate, a waiver. */
export class InputError extends RedsecError {
  readonly category = 'input' as const;
  constructor(
    message: string,
    /** Which input: a field path ("network_exposure"), a file name, "url" ... */
    readonly source?: string,
  ) {
    super(source ? `${source}: ${message}` : message);
  }
}

/** A syntax error in redis.conf or an ACL file, at file:line as Redis would report it. */
export class ConfigSyntaxError extends RedsecError {
  readonly category = 'input' as const;
  constructor(
    readonly reason: string,
    readonly file: string,
    readonly line: number,
  ) {
    super(`${file}:${line}: ${reason}`);
  }
}

/** An ACL rule Redis would reject, with Redis's own reason text. */
export class AclRuleError extends RedsecError {
  readonly category = 'input' as const;
  constructor(
    readonly rule: string,
    readonly reason: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(`${file !== undefined ? `${file}:${line ?? 0}: ` : ''}Error in ACL rule '${rule}': ${reason}`);
  }
}

export type TargetErrorCode =
  | DiagnosisCode
  | 'CONNREFUSED'
  | 'TIMEOUT'
  | 'DNS'
  | 'RESET'
  | 'CLOSED'
  | 'PROTOCOL'
  | 'LOADING'
  | 'MAXCLIENTS'
  | 'UNREACHABLE';

/** The target could not be reached, authenticated to, or spoken to. Exit 3. */
export class TargetError extends RedsecError {
  readonly category = 'target' as const;
  constructor(
    readonly code: TargetErrorCode,
    message: string,
    readonly target?: string,
  ) {
    super(`${code}: ${target ? `${target}: ` : ''}${message}`);
  }
}

/** The RESP layer refused to send a command that is not on the connection's allowlist (read-only, or a rotation's write allowlist). */
export class ForbiddenCommandError extends RedsecError {
  readonly category = 'usage' as const;
  constructor(
    readonly command: string,
    /** Which allowlist refused it: the audit's read-only one or a rotation's write allowlist. */
    readonly allowlist: 'read-only' | 'password-rotation' | 'tls-rotation' = 'read-only',
  ) {
    super(`refusing to send '${command}': not on redsec's ${allowlist} allowlist`);
  }
}

export function isRedsecError(err: unknown): err is RedsecError {
  return err instanceof RedsecError;
}
