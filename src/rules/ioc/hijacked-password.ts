import type { Rule, RuleResult } from '../types.js';
import { fail, notApplicable, pass, unknownResult } from '../result.js';
import { effectiveUsers, userFlags } from '../users.js';

export const iocHijackedPassword: Rule = {
  id: 'IOC-HIJACKED-PASSWORD',
  title: 'A password the owner did not set',
  severity: 'high',
  rationale: 'Attackers who find an open server set their own password to lock others out (redis#2928), or add a user of their own. Detecting it needs the expected credentials (a baseline such as the users.acl of redsec generate), compared hash to hash.',
  remediation: {
    text: 'Compare ACL LIST hashes with the approved users file; reset unknown passwords, remove unknown users and investigate.',
    command: 'redis-cli ACL SETUSER <name> resetpass #<sha256-of-approved-secret>',
  },
  compliance: [],
  level: 1,
  modes: ['live'],
  check(facts, ctx) {
    const baseline = ctx.baseline;
    if (ctx.mode === 'lint') return notApplicable('needs a live server');
    if (!baseline) return notApplicable('needs a baseline of the expected users and password hashes (audit --baseline users.acl)');
    const users = effectiveUsers(facts);
    if (!users.known) return unknownResult(`cannot read users: ${users.why}`);
    const approved = new Map(baseline.users.map((u) => [u.name, u]));
    const results: RuleResult[] = [];
    let compared = 0;
    for (const user of users.value) {
      const flags = userFlags(facts, user);
      // A disabled user cannot log in: what its password is does not open the server.
      if (!flags.enabled) continue;
      compared++;
      const expected = approved.get(user.name);
      // Hashes are never printed: they identify the password as well as it does.
      if (!expected) {
        results.push(fail(`enabled user ${user.name} is not in the baseline ${baseline.file}`, { subject: `user ${user.name}` }));
        continue;
      }
      if (!expected.enabled) results.push(fail(`user ${user.name} is enabled; the baseline ${baseline.file} has it off`, { subject: `user ${user.name} enabled` }));
      if (flags.nopass && !expected.nopass) results.push(fail(`user ${user.name} accepts any password (nopass); the baseline does not`, { subject: `user ${user.name} nopass` }));
      const known = new Set(expected.hashes);
      const foreign = flags.hashes.filter((h) => !known.has(h));
      if (foreign.length > 0) results.push(fail(`user ${user.name} has ${foreign.length} password(s) that are not in the baseline ${baseline.file}`, { subject: `user ${user.name} passwords` }));
    }
    return results.length > 0 ? results : pass(`${compared} enabled user(s) match the baseline ${baseline.file}: no unknown user or password`);
  },
};
