/**
 * What a connection hides from everything a server says. A server may echo a command's arguments
 * in an error ("ERR unknown command 'AUTH', with args beginning with: 'user' 'password' " when
 * AUTH is renamed), and it cuts each echo at 128 characters, so an exact match is not enough: any
 * prefix of a secret that is long enough to matter is hidden too. The secrets are the ones the
 * connection was given (URL, auth options) plus every argument it sends in a secret-bearing
 * position (AUTH, HELLO ... AUTH), registered before the first byte of that command is written,
 * so no caller can forget to register one.
 */

/** A fragment shorter than this (or than the whole secret) is not hidden: it says too little. */
export const MIN_SECRET_PREFIX = 4;

const MASK = '***';

/** Where Redis starts echoing arguments in an error (server.c, processCommand). */
const ARGS_ECHO = /with args beginning with:.*$/s;

/**
 * The secrets inside one command: the password of AUTH, of HELLO's AUTH option, and every
 * `>password` rule of ACL SETUSER (a password rotation sends one), and the value of CONFIG SET
 * masterauth / SENTINEL SET <name> auth-pass (a rotation of the replication user sends them).
 */
export function secretsOf(args: readonly string[]): string[] {
  const name = (args[0] ?? '').toUpperCase();
  const sub = (args[1] ?? '').toUpperCase();
  if (name === 'CONFIG' && sub === 'SET' && /^(masterauth|requirepass)$/i.test(args[2] ?? '') && args[3] !== undefined) return [args[3]];
  if (name === 'SENTINEL' && sub === 'SET' && (args[3] ?? '').toLowerCase() === 'auth-pass' && args[4] !== undefined) return [args[4]];
  if (name === 'ACL' && (args[1] ?? '').toUpperCase() === 'SETUSER') {
    return args.slice(3).filter((a) => a.startsWith('>') && a.length > 1).map((a) => a.slice(1));
  }
  if (name === 'AUTH') return args.length >= 2 ? [args[args.length - 1] as string] : [];
  if (name === 'HELLO') {
    const out: string[] = [];
    for (let i = 1; i < args.length; i++) {
      if (args[i]?.toUpperCase() === 'AUTH' && args[i + 2] !== undefined) out.push(args[i + 2] as string);
    }
    return out;
  }
  return [];
}

/** Whether every argument of this command is hidden from its reply (the user name as well). */
export function isSecretBearing(args: readonly string[]): boolean {
  return secretsOf(args).length > 0;
}

/**
 * Replaces every occurrence of each secret, and of each of its prefixes of at least `minPrefix`
 * (default MIN_SECRET_PREFIX) characters, with ***. Linear in the text for each secret: an occurrence of the
 * secret's first characters is extended as far as it agrees with the secret.
 */
export function redactSecrets(text: string, secrets: Iterable<string>, minPrefix = MIN_SECRET_PREFIX): string {
  let out = text;
  for (const secret of secrets) {
    if (secret === '') continue;
    const head = secret.slice(0, Math.min(secret.length, minPrefix));
    let at = out.indexOf(head);
    if (at < 0) continue;
    const parts: string[] = [];
    let from = 0;
    while (at >= 0) {
      let end = at + head.length;
      while (end - at < secret.length && end < out.length && out[end] === secret[end - at]) end++;
      parts.push(out.slice(from, at), MASK);
      from = end;
      at = out.indexOf(head, end);
    }
    parts.push(out.slice(from));
    out = parts.join('');
  }
  return out;
}

/** The arguments echo of an error replaced by ***: for replies to secret-bearing commands. */
export function hideArgsEcho(text: string): string {
  return text.replace(ARGS_ECHO, `with args beginning with: ${MASK}`);
}

/** One connection's secrets; `add` before writing, `clean` every text the server sends. */
export class Redactor {
  private readonly secrets = new Set<string>();

  constructor(initial: Iterable<string | undefined> = []) {
    for (const s of initial) this.add(s);
  }

  add(secret: string | undefined): void {
    if (secret !== undefined && secret !== '') this.secrets.add(secret);
  }

  /** Registers the secrets a command carries; true when the command bears one. */
  register(args: readonly string[]): boolean {
    const found = secretsOf(args);
    for (const s of found) this.add(s);
    return found.length > 0;
  }

  get size(): number {
    return this.secrets.size;
  }

  clean(text: string, secretBearingReply = false): string {
    const echoed = secretBearingReply ? hideArgsEcho(text) : text;
    return this.secrets.size === 0 ? echoed : redactSecrets(echoed, this.secrets);
  }
}
