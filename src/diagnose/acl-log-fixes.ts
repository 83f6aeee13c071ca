/**
 * Recent ACL LOG denials, grouped by user, reason and object, each with the smallest rule that
 * would allow it; verified with the ACL engine when the user's rules are readable and the
 * command the client ran (client-info cmd=) gives a command line to evaluate.
 */
import { isRespError, type RespConnection } from '../resp/index.js';
import { versionTable, type VersionId } from '../versions/index.js';
import { aclChecker } from './acl-checker.js';
import { exactPattern, proposeAclFix } from './acl-fix.js';
import { groupAclLog, parseAclLog, type AclLogGroupRaw } from './acl-log.js';
import type { AclLogGroup } from './schema.js';
import { userRules } from './session.js';

export interface AclLogInput {
  conn: RespConnection;
  admin: () => Promise<RespConnection | null>;
  versionId: VersionId;
  count: number;
  /** Denials diagnose itself caused as `user` (its own probing), to leave out of the report. */
  self: { user: string; denials: ReadonlyMap<string, number> };
}

function withoutOwnDenials(groups: AclLogGroupRaw[], self: AclLogInput['self']): AclLogGroupRaw[] {
  const left = new Map(self.denials);
  return groups.filter((g) => {
    if (g.user !== self.user || g.reason !== 'command') return true;
    const mine = left.get(g.object) ?? 0;
    if (mine === 0) return true;
    const kept = Math.min(mine, g.count);
    left.set(g.object, mine - kept);
    g.count -= kept;
    return g.count > 0;
  });
}

export async function readAclLog({ conn, admin, versionId, count, self }: AclLogInput): Promise<AclLogGroup[] | null> {
  // Admin first when configured: the user reading ACL LOG without the right would add a denial.
  const adminConn = await admin();
  let source: RespConnection | null = adminConn ?? conn;
  let reply = await safeLog(source, count);
  if (reply === undefined && adminConn) {
    source = conn;
    reply = await safeLog(conn, count);
  }
  if (reply === undefined || !source) return null;
  const groups = withoutOwnDenials(groupAclLog(parseAclLog(reply)), self);
  const rulesCache = new Map<string, string | null>();
  const out: AclLogGroup[] = [];
  for (const g of groups) {
    if (!rulesCache.has(g.user)) rulesCache.set(g.user, g.reason === 'auth' ? null : await userRules(source, g.user));
    const rules = rulesCache.get(g.user) ?? null;
    const { fix, verified } = fixFor(g, rules, versionId);
    out.push({ user: g.user, reason: g.reason, object: g.object, context: g.context, count: g.count, lastSeenSeconds: g.lastSeenSeconds, fix, verified });
  }
  return out;
}

async function safeLog(conn: RespConnection, count: number): Promise<unknown> {
  try {
    const r = await conn.call(['ACL', 'LOG', String(count)]);
    return isRespError(r) ? undefined : r;
  } catch {
    return undefined;
  }
}

function fixFor(g: AclLogGroupRaw, rules: string | null, versionId: VersionId): { fix: string | null; verified: boolean } {
  const setuser = (add: string[]) => `ACL SETUSER ${g.user} ${add.join(' ')}`;
  if (g.reason === 'auth') return { fix: null, verified: false };
  const naive = g.reason === 'command' ? `+${g.object}` : g.reason === 'key' ? `~${exactPattern(g.object)}` : `&${exactPattern(g.object)}`;
  if (rules === null) return { fix: setuser([naive]), verified: false };
  const checker = aclChecker(g.user, versionId);
  try {
    if (g.reason === 'command') {
      const gained = checker.allowedCommands(`${rules} ${naive}`).includes(g.object);
      return { fix: setuser([naive]), verified: gained };
    }
    const argv = sampleArgv(g, versionId);
    if (!argv) return { fix: setuser([naive]), verified: false };
    const p = proposeAclFix(checker, rules, argv);
    // Only the object's own rules: the command may be denied for other reasons in this sample.
    const objectRules = p.add.filter((r) => !r.startsWith('+'));
    return p.allowed && objectRules.length ? { fix: setuser(objectRules), verified: p.minimal } : { fix: setuser([naive]), verified: false };
  } catch {
    return { fix: setuser([naive]), verified: false };
  }
}

/** A command line for the logged command with the denied key or channel at its first key/channel position. */
function sampleArgv(g: AclLogGroupRaw, versionId: VersionId): string[] | null {
  const name = g.clientCommand?.toLowerCase();
  if (!name || name.includes('|')) return null;
  const cmd = versionTable(versionId).commands.find((c) => c.name === name);
  if (!cmd) return null;
  const n = Math.max(Math.abs(cmd.arity), 2);
  const argv = [name, ...Array.from({ length: n - 1 }, () => 'x')];
  // Pub/Sub commands take the channel first; keyed commands at firstKey.
  const at = g.reason === 'channel' ? 1 : cmd.firstKey;
  if (at < 1 || at >= argv.length) return null;
  argv[at] = g.object;
  return argv;
}
