/**
 * Read-only questions diagnose asks a server, over the user's connection or an optional admin
 * connection: ACL GETUSER, ACL LIST, ACL LOG, INFO. Every answer is "unknown" (null) when the
 * server refuses, never a guess.
 */
import { isRespError, type RespConnection, type RespReply } from '../resp/index.js';
import { sha256Hex } from '../acl/index.js';
import type { UserState } from './auth.js';

/** One call that yields null instead of throwing on an error reply or a dead connection. */
export async function tryCall(conn: RespConnection | null, args: string[]): Promise<RespReply | null> {
  if (!conn || conn.closed) return null;
  try {
    const reply = await conn.call(args);
    return isRespError(reply) ? null : reply;
  } catch {
    return null;
  }
}

/** ACL GETUSER as a UserState; `password` is only hashed here, to compare with the stored hashes. */
export async function userState(conn: RespConnection | null, user: string, password?: string): Promise<UserState | null> {
  if (!conn || conn.closed) return null;
  let reply: RespReply;
  try {
    reply = await conn.call(['ACL', 'GETUSER', user]);
  } catch {
    return null;
  }
  if (isRespError(reply)) return null;
  if (reply === null) return { exists: false, enabled: false, nopass: false, passwordCount: 0, passwordMatches: null };
  const fields = toFields(reply);
  const flags = asStrings(fields.get('flags'));
  const passwords = asStrings(fields.get('passwords'));
  return {
    exists: true,
    enabled: flags.includes('on'),
    nopass: flags.includes('nopass'),
    passwordCount: passwords.length,
    passwordMatches: password === undefined || flags.includes('nopass') ? null : passwords.includes(sha256Hex(password)),
  };
}

/** The user's rules as ACL LIST prints them (without "user <name>"), or null. */
export async function userRules(conn: RespConnection | null, user: string): Promise<string | null> {
  const reply = await tryCall(conn, ['ACL', 'LIST']);
  if (!Array.isArray(reply)) return null;
  const prefix = `user ${user} `;
  for (const line of reply) if (typeof line === 'string' && line.startsWith(prefix)) return line.slice(prefix.length);
  return null;
}

/** Rules safe to show: password hashes and cleartext password rules are replaced. */
export function redactRules(rules: string): string {
  return rules
    .split(' ')
    .map((t) => (/^[#<>!]/.test(t) ? `${t[0]}***` : t))
    .join(' ');
}

/** INFO sections as one field map (later sections win on duplicate names). */
export async function info(conn: RespConnection | null, sections: string[]): Promise<Map<string, string> | null> {
  if (!conn || conn.closed) return null;
  let replies: RespReply[];
  try {
    replies = await conn.pipeline(sections.map((s) => ['INFO', s]));
  } catch {
    return null;
  }
  const out = new Map<string, string>();
  let any = false;
  for (const r of replies) {
    if (typeof r !== 'string') continue;
    any = true;
    for (const line of r.split(/\r?\n/)) {
      const i = line.indexOf(':');
      if (i > 0 && !line.startsWith('#')) out.set(line.slice(0, i), line.slice(i + 1));
    }
  }
  return any ? out : null;
}

function toFields(reply: RespReply): Map<string, RespReply> {
  const out = new Map<string, RespReply>();
  if (reply instanceof Map) for (const [k, v] of reply) out.set(String(k), v);
  else if (Array.isArray(reply)) for (let i = 0; i + 1 < reply.length; i += 2) out.set(String(reply[i]), reply[i + 1] ?? null);
  return out;
}

function asStrings(v: RespReply | undefined): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

const CONTAINERS = new Set(['acl', 'config', 'client', 'command', 'cluster', 'sentinel', 'memory', 'latency', 'slowlog', 'module']);

/** The full command name ACL LOG records for argv ("acl|dryrun", "ping"). */
export function fullCommandName(argv: readonly string[]): string {
  const name = (argv[0] ?? '').toLowerCase();
  return CONTAINERS.has(name) && argv[1] !== undefined ? `${name}|${argv[1].toLowerCase()}` : name;
}

/**
 * Wraps the user's connection and counts the NOPERM replies diagnose itself caused (its ACL
 * introspection, its probes), so they can be told apart from the application's denials in ACL LOG.
 */
export function trackSelfDenials(conn: RespConnection): { conn: RespConnection; denials: Map<string, number> } {
  const denials = new Map<string, number>();
  const note = (args: string[], reply: RespReply) => {
    if (isRespError(reply) && reply.code === 'NOPERM') {
      const name = fullCommandName(args);
      denials.set(name, (denials.get(name) ?? 0) + 1);
    }
  };
  const call = async (args: string[]) => {
    const reply = await conn.call(args);
    note(args, reply);
    return reply;
  };
  const pipeline = async (commands: string[][]) => {
    const replies = await conn.pipeline(commands);
    replies.forEach((r, i) => note(commands[i] ?? [], r));
    return replies;
  };
  // MULTI's queue-time check leaves an ACL LOG entry for a denied MULTI or command: ours too.
  const queueCheck = async (argv: readonly string[]) => {
    const r = await conn.queueCheck(argv);
    note(['MULTI'], r.multi);
    if (r.queued !== undefined) note([...argv], r.queued);
    return r;
  };
  // Everything else (closed, tlsInfo, close ...) is the real connection's.
  const tracked = new Proxy(conn, {
    get(target, prop) {
      if (prop === 'call') return call;
      if (prop === 'pipeline') return pipeline;
      if (prop === 'queueCheck') return queueCheck;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { conn: tracked, denials };
}
