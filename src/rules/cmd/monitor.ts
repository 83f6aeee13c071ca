import { aclSetuserCommand } from '../shell.js';
import type { Rule } from '../types.js';
import { pci, gdpr } from '../compliance.js';
import { ADMIN_HEURISTIC, MONITOR_PROBES, appUsersMayRun } from '../acl/common.js';

export const cmdMonitor: Rule = {
  id: 'CMD-MONITOR',
  title: 'Non-administrators may run MONITOR',
  severity: 'medium',
  rationale: `MONITOR streams every command of every client, including other applications' data, and costs throughput. ${ADMIN_HEURISTIC}`,
  remediation: { text: 'Deny MONITOR to applications.', config: 'user <app> ... -monitor', command: 'redis-cli ACL SETUSER <app> -monitor' },
  compliance: [pci('7.2.2'), gdpr('Art. 32(1)(b)')],
  level: 2,
  modes: ['live', 'lint'],
  check(facts) {
    return appUsersMayRun(facts, MONITOR_PROBES, 'MONITOR', (u) => ({ text: `Deny MONITOR to ${u}.`, command: aclSetuserCommand(u, '-monitor') }));
  },
};
