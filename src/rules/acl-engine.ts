/** The one place the rules call the ACL engine (src/acl/), so its API is bound here only. */
import { evaluate, hasAllChannels, hasUnrestrictedKeyAccess, parseAclUser, unknownCategoryNote, type AclOptions, type AclUser } from '../acl/index.js';
import { AclRuleError } from '../errors.js';
import type { ServerFacts } from '../facts/types.js';
import type { VersionId } from '../versions/index.js';
import type { Access } from './access.js';
import type { EffectiveUser } from './users.js';

const cache = new WeakMap<EffectiveUser, Map<string, AclUser | Error>>();

export function aclOptions(facts: ServerFacts, version: VersionId, pubsubAll: boolean): AclOptions {
  const opts: AclOptions = { version, pubsubDefault: pubsubAll ? 'allchannels' : 'resetchannels' };
  // Categories the live server has and the table lacks (module categories): rules may name them.
  const extra = facts.extraAclCategories?.known ? facts.extraAclCategories.value : undefined;
  if (extra && Object.keys(extra).length > 0) opts.extraCategories = extra;
  // Debian's 7.0.15 deb12u2+ parses `%` rules like 7.2.7+ (acl-semantics §0).
  const rev = facts.distro?.known ? /deb12u(\d+)/.exec(facts.distro.value.packageVersion)?.[1] : undefined;
  if (version === '7.0' && rev !== undefined && Number(rev) >= 2) opts.debianBackports = true;
  return opts;
}

/** The engine's view of a user, or the engine's one-line error (rules the version rejects). */
export function parsedUser(user: EffectiveUser, opts: AclOptions): AclUser | Error {
  const key = `${opts.version}|${opts.pubsubDefault ?? ''}|${opts.debianBackports ? 1 : 0}|${opts.extraCategories ? Object.keys(opts.extraCategories).join(',') : ''}`;
  let byOpts = cache.get(user);
  if (!byOpts) cache.set(user, (byOpts = new Map()));
  let parsed = byOpts.get(key);
  if (!parsed) {
    try {
      parsed = parseAclUser(user.name, user.rules, opts);
    } catch (e) {
      parsed = e instanceof Error ? e : new Error(String(e));
    }
    byOpts.set(key, parsed);
  }
  return parsed;
}

export function evaluateWithEngine(user: EffectiveUser, argv: readonly string[], opts: AclOptions): Access {
  const parsed = parsedUser(user, opts);
  if (parsed instanceof Error) {
    const note = parsed instanceof AclRuleError ? unknownCategoryNote(parsed.rule, opts.version, opts.extraCategories) : undefined;
    if (note !== undefined) return { known: false, why: `the rules of ${user.name} name a category the tables lack: ${note}` };
    return { known: false, why: `the ACL engine rejects the rules of ${user.name}: ${parsed.message.split('\n')[0]}` };
  }
  try {
    const v = evaluate(parsed, argv, opts);
    return { known: true, allowed: v.allowed, via: 'ACL engine', decidedBy: v.decidedBy };
  } catch (e) {
    return { known: false, why: `the ACL engine cannot evaluate ${argv[0] ?? ''} for ${opts.version}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` };
  }
}

export { hasAllChannels, hasUnrestrictedKeyAccess };
