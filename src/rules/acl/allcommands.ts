import { aclSetuserCommand } from '../shell.js';
import type { Rule } from '../types.js';
import { fail } from '../result.js';
import { redactRules } from '../users.js';
import { pci, sox } from '../compliance.js';
import { ADMIN_HEURISTIC, appUsersFlagged } from './common.js';

export const aclAllcommands: Rule = {
  id: 'ACL-ALLCOMMANDS',
  title: 'Application user has +@all',
  severity: 'high',
  rationale: `An application user with +@all (allcommands) can reconfigure, flush and replicate the server, and gets every command added in future versions or by modules. ${ADMIN_HEURISTIC}`,
  remediation: {
    text: 'Start from -@all and grant only what the application uses.',
    config: 'user <app> on #<sha256> resetkeys ~app:* resetchannels -@all +@read +@write -@dangerous',
    command: 'redis-cli ACL SETUSER <app> nocommands +@read +@write -@dangerous',
  },
  compliance: [pci('7.2.1'), pci('7.2.2'), sox('segregation of duties')],
  level: 2,
  modes: ['live', 'lint'],
  check(facts) {
    return appUsersFlagged(
      facts,
      (f) => f.allCommands,
      (u) =>
        fail(`user ${u.name} has all commands: ${redactRules(u.rules).slice(0, 120)}`, {
          location: u.location,
          subject: `user ${u.name}`,
          remediation: { text: `Restrict ${u.name}.`, command: aclSetuserCommand(u.name, 'nocommands', '+@read', '+@write', '-@dangerous') },
        }),
      (checked) => `no application user has +@all (${checked} checked)`,
    );
  },
};
