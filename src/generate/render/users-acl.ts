import type { Plan, PlannedUser } from '../types.js';

/** The ACL tokens of one user: flags, then `#<sha256>` (never a plaintext), then the rules. */
export function aclUserTokens(user: PlannedUser, hash: string | undefined): string[] {
  const tokens = [user.enabled ? 'on' : 'off'];
  if (user.password) {
    if (hash === undefined || !/^[0-9a-f]{64}$/.test(hash)) throw new Error(`internal: no password hash for user ${user.name}`);
    tokens.push(`#${hash}`);
  }
  return [...tokens, ...user.rules];
}

/**
 * users.acl: one `user` line per planned user. Redis rejects comment lines in ACL files, so the
 * file is nothing but user lines; the why lives in CHECKLIST.md and plan.json.
 */
export function renderUsersAcl(plan: Plan, hashes: ReadonlyMap<string, string>): string {
  return plan.users.map((u) => ['user', u.name, ...aclUserTokens(u, hashes.get(u.name))].join(' ')).join('\n') + '\n';
}

/** What stdout may show of a user's rules: the password as a reference to secrets.env, never its hash. */
export function describeUserRules(user: PlannedUser): string {
  return [user.enabled ? 'on' : 'off', ...(user.password ? [`#<sha256 of $${user.secretEnv ?? ''}>`] : []), ...user.rules].join(' ');
}
