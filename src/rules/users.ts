/**
 * Users as the rules see them: the effective list (lint adds the implicit default user Redis would
 * create), a left-to-right scan of the user-level flags (on/off, passwords, allkeys...) and the
 * admin-vs-app heuristic. Command permissions are not decided here: see access.ts.
 */
import type { Known, ServerFacts, UserFacts } from '../facts/types.js';
import { configValue } from './config.js';
import { aclOptions, hasAllChannels, hasUnrestrictedKeyAccess, parsedUser } from './acl-engine.js';

export interface EffectiveUser extends UserFacts {
  /** Not written anywhere: the default user Redis creates when no `user default` line exists. */
  implicit?: boolean;
}

/**
 * Live: ACL LIST as is. Lint: the declared users plus the default user Redis would build: with an
 * aclfile and no `user default` line it is `on nopass ~* &* +@all` (requirepass is ignored, spec
 * §4.3); otherwise requirepass sets its password.
 */
export function effectiveUsers(facts: ServerFacts): Known<EffectiveUser[]> {
  if (!facts.users.known) return facts.users;
  const users: EffectiveUser[] = [...facts.users.value];
  if (facts.source === 'live' || users.some((u) => u.name === 'default')) return { known: true, value: users };
  const aclfile = configValue(facts, 'aclfile');
  const requirepass = configValue(facts, 'requirepass');
  const hasAclfile = aclfile.known && aclfile.value !== undefined && aclfile.value.value !== '';
  let pw = '';
  if (!hasAclfile) {
    if (!requirepass.known) return { known: false, why: `the default user's password is unknown: ${requirepass.why}` };
    pw = requirepass.value?.value ?? '';
  }
  const rules = `on ${pw === '' ? 'nopass' : `>${pw}`} ~* &* +@all`;
  const implicit: EffectiveUser = { name: 'default', rules, implicit: true };
  // `requirepass ""` is a line too: the finding names it (the default user stays nopass because of it).
  const loc = !hasAclfile && requirepass.known ? requirepass.value?.location : undefined;
  if (loc) implicit.location = loc;
  users.unshift(implicit);
  return { known: true, value: users };
}

export interface UserFlags {
  enabled: boolean;
  nopass: boolean;
  /** Cleartext passwords written as `>pw` (lint only; ACL LIST shows hashes). */
  cleartext: string[];
  /** `#hash` entries (lowercase hex). */
  hashes: string[];
  allKeys: boolean;
  /** Some selector (root or parenthesised) reaches every key. */
  anySelectorAllKeys: boolean;
  allChannels: boolean;
  allCommands: boolean;
  skipSanitize: boolean;
}

/** Splits a rules line into tokens, keeping `( ... )` selectors together. */
export function ruleTokens(rules: string): string[] {
  const out: string[] = [];
  let selector: string[] | null = null;
  for (const t of rules.split(/\s+/).filter((x) => x !== '')) {
    if (selector) {
      selector.push(t);
      if (t.endsWith(')')) {
        out.push(selector.join(' '));
        selector = null;
      }
    } else if (t.startsWith('(') && !t.endsWith(')')) selector = [t];
    else out.push(t);
  }
  if (selector) out.push(selector.join(' '));
  return out;
}

/**
 * The user-level flags after applying the rules left to right, as Redis does. `pubsubAllChannels`
 * is acl-pubsub-default=allchannels, which new users (and `reset`) start with.
 */
export function scanFlags(rules: string, pubsubAllChannels: boolean): UserFlags {
  const f: UserFlags = {
    enabled: false,
    nopass: false,
    cleartext: [],
    hashes: [],
    allKeys: false,
    anySelectorAllKeys: false,
    allChannels: pubsubAllChannels,
    allCommands: false,
    skipSanitize: false,
  };
  let selectorAllKeys = false;
  for (const raw of ruleTokens(rules)) {
    const t = raw.toLowerCase();
    if (raw.startsWith('(')) {
      if (/(^|[\s(])(~\*|allkeys|%r?w?r?~\*)(?=[\s)])/i.test(raw)) selectorAllKeys = true;
      continue;
    }
    if (t === 'on') f.enabled = true;
    else if (t === 'off') f.enabled = false;
    else if (t === 'nopass') {
      f.nopass = true;
      f.cleartext = [];
      f.hashes = [];
    } else if (t === 'resetpass') {
      f.nopass = false;
      f.cleartext = [];
      f.hashes = [];
    } else if (t === 'reset') {
      Object.assign(f, { enabled: false, nopass: false, cleartext: [], hashes: [], allKeys: false });
      f.allChannels = pubsubAllChannels;
      f.allCommands = false;
      f.skipSanitize = false;
      selectorAllKeys = false;
    } else if (raw.startsWith('>')) {
      f.nopass = false;
      if (!f.cleartext.includes(raw.slice(1))) f.cleartext.push(raw.slice(1));
    } else if (raw.startsWith('<')) f.cleartext = f.cleartext.filter((p) => p !== raw.slice(1));
    else if (raw.startsWith('#')) {
      f.nopass = false;
      if (!f.hashes.includes(t.slice(1))) f.hashes.push(t.slice(1));
    } else if (raw.startsWith('!')) f.hashes = f.hashes.filter((h) => h !== t.slice(1));
    else if (t === 'allkeys' || t === '~*' || /^%(rw|wr)~\*$/.test(t)) f.allKeys = true;
    else if (t === 'resetkeys') f.allKeys = false;
    else if (t === 'allchannels' || t === '&*') f.allChannels = true;
    else if (t === 'resetchannels') f.allChannels = false;
    else if (t === 'allcommands' || t === '+@all') f.allCommands = true;
    else if (t === 'nocommands' || t.startsWith('-')) f.allCommands = false;
    else if (t === 'skip-sanitize-payload') f.skipSanitize = true;
    else if (t === 'sanitize-payload') f.skipSanitize = false;
    else if (t === 'clearselectors') selectorAllKeys = false;
  }
  f.anySelectorAllKeys = f.allKeys || selectorAllKeys;
  return f;
}

/** The rules with every secret replaced, safe for evidence text. */
export function redactRules(rules: string): string {
  return ruleTokens(rules)
    .map((t) => (/^[><]/.test(t) ? `${t[0]}***` : /^[#!]/.test(t) ? `${t[0]}<hash>` : t))
    .join(' ');
}

const ADMIN_NAMES = /^(default|admin|administrator|root|superuser)$|[-_.]?admin[-_.]?/i;

/**
 * Heuristic (stated in the ACL rules' rationale): a user is an administrator when its name says so
 * (default, admin, root, superuser, or containing "admin") or when it is the account the audit
 * itself runs as; every other user is an application or role account and is held to least privilege.
 */
export function isAdminUser(name: string, facts: ServerFacts): boolean {
  return ADMIN_NAMES.test(name) || (facts.auditUser !== null && facts.auditUser === name);
}

/** Role accounts recognised by name, for ACL-ROLE-TEMPLATES. */
export function roleOf(name: string): 'replica' | 'sentinel' | 'monitor' | null {
  const n = name.toLowerCase();
  if (/repl|replica|slave/.test(n)) return 'replica';
  if (/sentinel/.test(n)) return 'sentinel';
  if (/monitor|exporter|metrics|prometheus|datadog|healthcheck/.test(n)) return 'monitor';
  return null;
}

/** acl-pubsub-default=allchannels (the 6.2 default) gives new users every channel. */
export function pubsubAllChannels(facts: ServerFacts): boolean {
  const v = configValue(facts, 'acl-pubsub-default');
  if (v.known && v.value) return v.value.value.toLowerCase() === 'allchannels';
  return facts.versionId === '6.2';
}

/**
 * A user's flags as the ACL engine computes them for the target version (exact, selectors
 * included); cleartext passwords still come from the lexical scan, because the engine keeps hashes
 * only. Without a version, or when the engine rejects the rules, the lexical scan alone answers.
 */
export function userFlags(facts: ServerFacts, user: EffectiveUser): UserFlags {
  const all = pubsubAllChannels(facts);
  const lexical = scanFlags(user.rules, all);
  if (!facts.versionId) return lexical;
  const parsed = parsedUser(user, aclOptions(facts, facts.versionId, all));
  if (parsed instanceof Error) return lexical;
  const root = parsed.selectors[0];
  return {
    enabled: parsed.enabled,
    nopass: parsed.nopass,
    cleartext: lexical.cleartext,
    hashes: [...parsed.passwords],
    allKeys: root ? root.allKeys || root.keys.some((k) => k.pattern === '*') : false,
    anySelectorAllKeys: hasUnrestrictedKeyAccess(parsed, 'read') || hasUnrestrictedKeyAccess(parsed, 'write'),
    allChannels: hasAllChannels(parsed),
    allCommands: root?.allCommands ?? false,
    skipSanitize: parsed.skipSanitize,
  };
}
