import { aclSetuserCommand } from '../shell.js';
import type { Rule, RuleResult } from '../types.js';
import { fail, pass, unknownResult } from '../result.js';
import { effectiveUsers, userFlags } from '../users.js';
import { pci } from '../compliance.js';

export const anyNopassUser: Rule = {
  id: 'AUTH-ANY-NOPASS-USER',
  title: 'An enabled user logs in without a password',
  severity: 'high',
  rationale: 'A `nopass` user accepts any password (or none), so its rights belong to whoever knows its name. The default user is AUTH-NOPASS-DEFAULT.',
  remediation: {
    text: 'Give every user a generated secret (stored as #sha256) or disable it.',
    config: 'user <name> on #<sha256-of-secret> ...',
    command: 'redis-cli ACL SETUSER <name> resetpass #<sha256-of-secret>',
  },
  compliance: [pci('8.3.1'), pci('8.2.1')],
  level: 2,
  modes: ['live', 'lint'],
  check(facts) {
    const users = effectiveUsers(facts);
    if (!users.known) return unknownResult(`cannot read users: ${users.why}`);
    const bad: RuleResult[] = [];
    for (const u of users.value) {
      if (u.name === 'default') continue;
      const f = userFlags(facts, u);
      if (f.enabled && f.nopass)
        bad.push(
          fail(`user ${u.name} is on and nopass`, {
            location: u.location,
          subject: `user ${u.name}`,
            remediation: { text: `Give ${u.name} a secret or disable it.`, command: aclSetuserCommand(u.name, 'resetpass', '#<sha256-of-secret>') },
          }),
        );
    }
    return bad.length > 0 ? bad : pass(`no enabled named user is nopass (${users.value.length} users)`);
  },
};
