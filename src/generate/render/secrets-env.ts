import type { Plan } from '../types.js';

/** secrets.env (mode 0600): the plaintext passwords for the operator, one variable per user. */
export function renderSecretsEnv(plan: Plan, passwords: ReadonlyMap<string, string>): string {
  const lines = ['# Plaintext secrets for the users in users.acl. Mode 0600: move them to a vault and delete this file.'];
  for (const u of plan.users) {
    const pw = passwords.get(u.name);
    if (!u.password || !u.secretEnv || pw === undefined) continue;
    lines.push(`# ACL user "${u.name}": ${u.purpose}`, `${u.secretEnv}=${pw}`);
  }
  return `${lines.join('\n')}\n`;
}
