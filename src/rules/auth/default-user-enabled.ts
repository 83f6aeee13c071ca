import type { Rule } from '../types.js';
import { fail, pass, unknownResult } from '../result.js';
import { effectiveUsers, userFlags } from '../users.js';
import { pci, hipaa } from '../compliance.js';
import { defaultOffRemediation, HANDOVER_COMMAND, HANDOVER_TEXT } from '../handover.js';

export const defaultUserEnabled: Rule = {
  id: 'AUTH-DEFAULT-USER-ENABLED',
  title: 'The default user is on with all commands',
  severity: 'medium',
  raiseForExposure: true,
  rationale:
    'Even with a password, an enabled `default` user with +@all is a shared, unaccountable superuser that every client library logs into implicitly. Hardened setups use named users and `user default off`.',
  remediation: {
    text: `Create named users for applications and administrators, then disable the default user. ${HANDOVER_TEXT}`,
    config: 'user admin on #<sha256-of-a-generated-password> ~* &* +@all\nuser default off',
    command: HANDOVER_COMMAND,
  },
  compliance: [pci('2.2.2'), pci('8.2.2'), hipaa('(a)(2)(i)')],
  level: 2,
  modes: ['live', 'lint'],
  check(facts) {
    const users = effectiveUsers(facts);
    if (!users.known) return unknownResult(`cannot read users: ${users.why}`);
    const d = users.value.find((x) => x.name === 'default');
    if (!d) return pass('there is no default user');
    const f = userFlags(facts, d);
    if (f.enabled && f.allCommands) return fail('default user is on with +@all', { location: d.location, remediation: defaultOffRemediation(facts) });
    return pass(f.enabled ? 'default user is on but restricted' : 'default user is off', { location: d.location });
  },
};
