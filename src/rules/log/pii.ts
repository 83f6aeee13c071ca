import type { Rule } from '../types.js';
import { fail, notApplicable, pass, unknownResult } from '../result.js';
import { configValue, isYes } from '../config.js';
import { describeVersion } from '../version.js';
import { hipaa, gdpr } from '../compliance.js';

export const logPii: Rule = {
  id: 'LOG-PII',
  title: 'User data may be written to logs',
  severity: 'low',
  raiseForExposure: true,
  rationale: 'hide-user-data-from-log (Redis 7.4+, Valkey 8 where it defaults to yes) keeps command arguments, i.e. personal data, out of crash reports and other logs; Redis 7.4 defaults to no. Older versions lack the option.',
  remediation: { text: 'Hide user data from logs.', config: 'hide-user-data-from-log yes', command: 'redis-cli CONFIG SET hide-user-data-from-log yes' },
  compliance: [gdpr('Art. 32(1)(b)'), gdpr('Art. 25'), hipaa('(a)(1)')],
  level: 4,
  modes: ['live', 'lint'],
  check(facts) {
    const v = configValue(facts, 'hide-user-data-from-log');
    if (!v.known) return unknownResult(`cannot read hide-user-data-from-log: ${v.why}`);
    if (!v.value) return notApplicable(`${describeVersion(facts)} has no hide-user-data-from-log (7.4+ / Valkey 8)`);
    if (isYes(v.value.value)) return pass('hide-user-data-from-log yes', { location: v.value.location });
    return fail(`hide-user-data-from-log ${v.value.value}${v.value.isDefault ? ' (the default)' : ''}`, { location: v.value.location });
  },
};
