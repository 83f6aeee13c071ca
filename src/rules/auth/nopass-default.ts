import type { Rule } from '../types.js';
import { fail, pass, unknownResult } from '../result.js';
import { effectiveUsers, userFlags } from '../users.js';
import { configValue } from '../config.js';
import { hipaa, pci, sox } from '../compliance.js';
import { defaultOffRemediation, HANDOVER_COMMAND, HANDOVER_TEXT } from '../handover.js';

export const nopassDefault: Rule = {
  id: 'AUTH-NOPASS-DEFAULT',
  title: 'The default user needs no password',
  severity: 'critical',
  rationale:
    'Every new connection is logged in as `default`; when it is `on nopass` anyone who reaches the port has its full rights. requirepass only sets its password and is ignored when an aclfile is used, so the verdict is read from the user itself.',
  remediation: {
    text: `Disable the default user and use named users, or at least give it a strong hashed password. ${HANDOVER_TEXT}`,
    config: 'user admin on #<sha256-of-a-generated-password> ~* &* +@all\nuser default off',
    command: HANDOVER_COMMAND,
  },
  compliance: [pci('2.2.2'), pci('8.3.1'), hipaa('(d)'), sox('access')],
  level: 1,
  modes: ['live', 'lint'],
  check(facts) {
    const users = effectiveUsers(facts);
    if (!users.known) {
      const u = facts.unauthenticated;
      if (u.known && u.value.reachable && /^\+?PONG/i.test(u.value.reply))
        return fail(`users could not be read (${users.why}), but PING without AUTH was answered`, { remediation: defaultOffRemediation(facts, ['resetpass']) });
      if (u.known && /^-?NOAUTH/i.test(u.value.reply)) return pass(`users could not be read, but PING without AUTH got NOAUTH`);
      return unknownResult(`cannot read users: ${users.why}`);
    }
    const d = users.value.find((x) => x.name === 'default');
    if (!d) return pass('there is no default user');
    const f = userFlags(facts, d);
    const aclfile = configValue(facts, 'aclfile');
    const viaAclfile = aclfile.known && !!aclfile.value && aclfile.value.value !== '';
    const origin = !d.implicit
      ? 'default user'
      : viaAclfile
        ? 'default user (the aclfile has no `user default` line, so Redis creates it; requirepass is ignored)'
        : d.location
          ? 'default user (no `user default` line; requirepass "" sets no password)'
          : 'default user (no `user default` line and no requirepass)';
    if (f.enabled && f.nopass) return fail(`${origin} is on and nopass`, { location: d.location, remediation: defaultOffRemediation(facts, ['resetpass']) });
    if (!f.enabled) return pass('default user is off', { location: d.location });
    return pass('default user requires a password', { location: d.location });
  },
};
