import type { Rule } from '../types.js';
import { fail, pass } from '../result.js';
import { defaultMark, withConfig } from '../config.js';
import { hasCompliance } from '../exposure.js';
import { pci, hipaa } from '../compliance.js';

const TINY = 16;
const COMPLIANCE_MIN = 256;

export const aclLogCapacity: Rule = {
  id: 'ACL-LOG-CAPACITY',
  title: 'ACL LOG too small to keep evidence',
  severity: 'low',
  rationale: 'ACL LOG is the only record of denied commands and failed logins, and it is in memory; 0 or a tiny acllog-max-len loses it. Compliance profiles keep at least 256 entries and ship them off-box.',
  remediation: { text: 'Keep more entries.', config: 'acllog-max-len 256', command: 'redis-cli CONFIG SET acllog-max-len 256' },
  compliance: [pci('10.2.1'), hipaa('(b)')],
  level: 3,
  modes: ['live', 'lint'],
  check(facts, ctx) {
    return withConfig(facts, ['acllog-max-len'], ({ 'acllog-max-len': v }) => {
      const n = Number(v?.value ?? '128');
      const location = v?.location;
      if (n < TINY) return fail(`acllog-max-len ${n}${defaultMark(v)}`, { location });
      if (hasCompliance(ctx) && n < COMPLIANCE_MIN) return fail(`acllog-max-len ${n}${defaultMark(v)} is below ${COMPLIANCE_MIN} for a compliance profile`, { location });
      return pass(`acllog-max-len ${n}${defaultMark(v)}`, { location });
    });
  },
};
