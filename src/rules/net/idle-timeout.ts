import type { Rule } from '../types.js';
import { fail, pass } from '../result.js';
import { defaultMark, withConfig } from '../config.js';
import { hasCompliance } from '../exposure.js';
import { hipaa, pci } from '../compliance.js';

export const idleTimeout: Rule = {
  id: 'NET-IDLE-TIMEOUT',
  title: 'Idle client connections never time out',
  severity: 'low',
  rationale:
    'timeout 0 keeps idle authenticated connections open forever; compliance profiles need re-authentication after 15 minutes idle (PCI 8.2.8). Replicas, blocked and Pub/Sub clients are exempt by design.',
  remediation: { text: 'Close idle connections.', config: 'timeout 900', command: 'redis-cli CONFIG SET timeout 900' },
  compliance: [pci('8.2.8'), hipaa('(a)(2)(iii)')],
  level: 3,
  modes: ['live', 'lint'],
  check(facts, ctx) {
    return withConfig(facts, ['timeout'], ({ timeout }) => {
      const t = Number(timeout?.value ?? '0');
      const location = timeout?.location;
      if (t === 0) return fail(`timeout 0${defaultMark(timeout)}: idle connections are never closed`, { location });
      if (hasCompliance(ctx) && t > 900) return fail(`timeout ${t} exceeds the 900 s a compliance profile requires`, { location });
      return pass(`timeout ${t}${defaultMark(timeout)}`, { location });
    });
  },
};
