import type { Rule, RuleResult } from '../types.js';
import { fail, pass, unknownResult } from '../result.js';
import { configValue } from '../config.js';
import { pci } from '../compliance.js';

export const aclFileConflict: Rule = {
  id: 'ACL-FILE-CONFLICT',
  title: 'ACL sources in conflict',
  severity: 'medium',
  rationale:
    'Inline `user` lines together with `aclfile` make the server refuse to start; with an aclfile, requirepass is silently ignored and the default user comes from the file (or is on nopass when the file has no `user default` line).',
  remediation: { text: 'Keep users in one place (the aclfile) and remove requirepass.', config: 'aclfile /etc/redis/users.acl' },
  compliance: [pci('2.2.1')],
  level: 2,
  modes: ['live', 'lint'],
  check(facts) {
    const results: RuleResult[] = [];
    if (facts.aclSourceConflict) results.push(fail('`user` lines are mixed with `aclfile`: the server refuses to start'));
    const aclfile = configValue(facts, 'aclfile');
    const rp = configValue(facts, 'requirepass');
    if (!aclfile.known) return unknownResult(`cannot read aclfile: ${aclfile.why}`);
    if (!rp.known) return unknownResult(`cannot read requirepass: ${rp.why}`);
    if (aclfile.value && aclfile.value.value !== '' && rp.value && !rp.value.isDefault && rp.value.value !== '')
      results.push(fail('requirepass is set but ignored because aclfile is used', { location: rp.value.location }));
    return results.length > 0 ? results : pass('one ACL source');
  },
};
