import type { Rule } from '../types.js';
import { fail, notApplicable } from '../result.js';
import { hasCompliance } from '../exposure.js';
import { hipaa, pci, sox } from '../compliance.js';

export const logAuditGap: Rule = {
  id: 'LOG-AUDIT-GAP',
  title: 'No per-command audit trail',
  severity: 'info',
  rationale: 'Open-source Redis and Valkey record only denials (ACL LOG), not who read or changed what (redis#10957). PCI 10.2.1.1/.2/.5, HIPAA (b) and SOX need that from a proxy, an audit module, or Redis Enterprise.',
  remediation: { text: 'Add an auditing proxy or module, ship ACL LOG and syslog to a SIEM, and document the compensating control.' },
  compliance: [pci('10.2.1'), hipaa('(b)'), sox('logging')],
  level: 4,
  modes: ['live', 'lint'],
  check(facts, ctx) {
    if (!hasCompliance(ctx)) return notApplicable('no compliance profile');
    const hasAuditModule = facts.modules.known && facts.modules.value.some((m) => /audit/i.test(m.name));
    if (hasAuditModule) return notApplicable('an audit module is loaded; verify its coverage manually');
    return fail('the server has no per-command audit trail; a compliance profile needs one outside Redis');
  },
};
