import type { Rule, RuleResult } from '../types.js';
import { fail, pass, unknownResult } from '../result.js';
import { configValue, defaultMark } from '../config.js';
import { effectiveUsers, userFlags } from '../users.js';
import { hipaa, pci } from '../compliance.js';

export const aclSkipSanitize: Rule = {
  id: 'ACL-SKIP-SANITIZE',
  title: 'RESTORE payloads are not deep-sanitised',
  severity: 'medium',
  rationale:
    'RESTORE accepts serialized values; a crafted payload can corrupt memory unless it is sanitised. sanitize-dump-payload no (the default) skips the deep check, and users with skip-sanitize-payload bypass it even when it is on.',
  remediation: { text: 'Sanitise RESTORE payloads and drop skip-sanitize-payload.', config: 'sanitize-dump-payload yes', command: 'redis-cli CONFIG SET sanitize-dump-payload yes' },
  compliance: [pci('2.2.6'), hipaa('(c)(1)')],
  level: 3,
  modes: ['live', 'lint'],
  check(facts) {
    const results: RuleResult[] = [];
    const s = configValue(facts, 'sanitize-dump-payload');
    if (!s.known) return unknownResult(`cannot read sanitize-dump-payload: ${s.why}`);
    if (s.value && s.value.value.toLowerCase() === 'no') results.push(fail(`sanitize-dump-payload no${defaultMark(s.value)}`, { location: s.value.location }));
    const users = effectiveUsers(facts);
    if (!users.known) return [...results, unknownResult(`cannot read users: ${users.why}`)];
    for (const u of users.value) if (userFlags(facts, u).skipSanitize) results.push(fail(`user ${u.name} has skip-sanitize-payload`, { location: u.location, subject: `user ${u.name}` }));
    return results.length > 0 ? results : pass(`sanitize-dump-payload ${s.value?.value ?? '(n/a)'}${defaultMark(s.value)}; no user skips sanitisation`);
  },
};
