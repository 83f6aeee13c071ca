import type { Rule } from '../types.js';
import { fail, pass, unknownResult } from '../result.js';
import { effectiveUsers, userFlags } from '../users.js';
import { pci } from '../compliance.js';
import { sha256Hex } from './passwords.js';

export const sharedPassword: Rule = {
  id: 'AUTH-SHARED-PASSWORD',
  title: 'Several users share one password',
  severity: 'low',
  rationale: 'Users with the same secret are one account in practice: rotating or revoking one does not lock out the others, and logs cannot tell them apart.',
  remediation: { text: 'Generate a distinct secret per user.', command: 'redis-cli ACL SETUSER <name> resetpass #<sha256-of-new-secret>' },
  compliance: [pci('8.2.2'), 'STIG'],
  level: 3,
  modes: ['live', 'lint'],
  check(facts) {
    const users = effectiveUsers(facts);
    if (!users.known) return unknownResult(`cannot read users: ${users.why}`);
    const owners = new Map<string, string[]>();
    for (const u of users.value) {
      const f = userFlags(facts, u);
      const hashes = new Set([...f.hashes, ...f.cleartext.map(sha256Hex)]);
      for (const h of hashes) owners.set(h, [...(owners.get(h) ?? []), u.name]);
    }
    const groups = [...owners.values()].filter((names) => names.length > 1);
    if (groups.length === 0) return pass('every password belongs to one user');
    return groups.map((names) => fail(`users ${names.join(', ')} share a password`));
  },
};
