import type { Rule, RuleResult } from '../types.js';
import { fail, pass, unknownResult } from '../result.js';
import { effectiveUsers, userFlags } from '../users.js';
import { hasCompliance } from '../exposure.js';
import { configValue } from '../config.js';
import { pci } from '../compliance.js';
import { isWellKnownHash, sha256Hex, weakness } from './passwords.js';

export const weakPassword: Rule = {
  id: 'AUTH-WEAK-PASSWORD',
  title: 'Weak, short or well-known password',
  severity: 'high',
  rationale:
    'Redis has no lockout and checks about a million passwords per second, so only long random secrets hold. Files are checked in cleartext; live, the ACL hashes are compared with the hashes of well-known defaults (nothing is tried against the server unless the opt-in probe ran).',
  remediation: {
    text: 'Use generated 256-bit secrets (ACL GENPASS) stored as #sha256 hashes.',
    config: 'user <name> on #<sha256-of-generated-secret> ...',
    command: 'redis-cli ACL SETUSER <name> resetpass #<sha256-of-generated-secret>',
  },
  compliance: [pci('8.3.6'), pci('8.6.3')],
  level: 2,
  modes: ['live', 'lint'],
  check(facts, ctx) {
    const strict = hasCompliance(ctx);
    const results: RuleResult[] = [];
    const users = effectiveUsers(facts);
    if (!users.known) return unknownResult(`cannot read users: ${users.why}`);
    let checked = 0;
    for (const u of users.value) {
      const f = userFlags(facts, u);
      for (const pw of f.cleartext) {
        checked++;
        const why = weakness(pw, strict);
        if (why) results.push(fail(`a password of user ${u.name}${u.implicit ? ' (requirepass)' : ''} is ${why}`, { location: u.location, subject: `user ${u.name}` }));
      }
      const fromCleartext = new Set(f.cleartext.map(sha256Hex));
      for (const h of f.hashes.filter((x) => !fromCleartext.has(x))) {
        checked++;
        if (isWellKnownHash(h)) results.push(fail(`a password hash of user ${u.name} matches a well-known default password`, { location: u.location, subject: `user ${u.name}` }));
      }
    }
    const masterauth = configValue(facts, 'masterauth');
    if (facts.source === 'files' && masterauth.known && masterauth.value && masterauth.value.value !== '') {
      checked++;
      const why = weakness(masterauth.value.value, strict);
      if (why) results.push(fail(`masterauth is ${why}`, { location: masterauth.value.location }));
    }
    const probe = facts.weakPasswordProbe;
    if (probe?.known) {
      for (const name of probe.value.acceptedBy) results.push(fail(`user ${name} accepted one of ${probe.value.tried} well-known default passwords (opt-in probe)`, { subject: `user ${name}` }));
    }
    if (results.length > 0) return results;
    if (checked === 0 && !probe?.known) return pass('no passwords to check (no password-protected users)');
    return pass(`${checked} password(s) checked${probe?.known ? `, ${probe.value.tried} defaults tried` : ''}: none weak`);
  },
};
