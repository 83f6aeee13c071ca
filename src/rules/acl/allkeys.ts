import { aclSetuserCommand } from '../shell.js';
import type { Rule } from '../types.js';
import { fail } from '../result.js';
import { pci, hipaa, gdpr } from '../compliance.js';
import { ADMIN_HEURISTIC, appUsersFlagged } from './common.js';

export const aclAllkeys: Rule = {
  id: 'ACL-ALLKEYS',
  title: 'Application user can reach every key',
  severity: 'medium',
  rationale: `~* (allkeys), in the root rules or any selector, lets one compromised application read and overwrite every other application's data; a key prefix per application contains it. ${ADMIN_HEURISTIC}`,
  remediation: {
    text: 'Replace ~* with the application\'s key prefix.',
    config: 'user <app> ... resetkeys ~app:*',
    command: 'redis-cli ACL SETUSER <app> resetkeys ~app:*',
  },
  compliance: [pci('7.2.2'), hipaa('(a)(1)'), gdpr('Art. 25')],
  level: 2,
  modes: ['live', 'lint'],
  check(facts) {
    return appUsersFlagged(
      facts,
      (f) => f.anySelectorAllKeys,
      (u) =>
        fail(`user ${u.name} can access all keys`, {
          location: u.location,
          subject: `user ${u.name}`,
          remediation: { text: `Give ${u.name} a key prefix.`, command: aclSetuserCommand(u.name, 'resetkeys', `~${u.name}:*`) },
        }),
      (checked) => `every application user is limited to key patterns (${checked} checked)`,
    );
  },
};
