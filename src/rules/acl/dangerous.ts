import { aclSetuserCommand } from '../shell.js';
import type { Rule } from '../types.js';
import { pci, sox } from '../compliance.js';
import { ADMIN_HEURISTIC, DANGEROUS_PROBES, appUsersMayRun } from './common.js';

export const aclDangerous: Rule = {
  id: 'ACL-DANGEROUS',
  title: 'Application user may run @dangerous / @admin commands',
  severity: 'high',
  rationale: `CONFIG SET dir/dbfilename writes files (ssh keys, cron), MODULE LOAD runs code, FLUSHALL destroys data, DEBUG and SHUTDOWN stop the service, ACL SETUSER escalates. Checked with ACL DRYRUN live (nothing is executed) or the ACL engine on the rules. ${ADMIN_HEURISTIC}`,
  remediation: {
    text: 'Remove the dangerous and admin categories from application users.',
    config: 'user <app> ... -@dangerous -@admin',
    command: 'redis-cli ACL SETUSER <app> -@dangerous -@admin',
  },
  compliance: [pci('2.2.4'), pci('7.2.2'), sox('segregation of duties')],
  level: 2,
  modes: ['live', 'lint'],
  check(facts) {
    return appUsersMayRun(facts, DANGEROUS_PROBES, '@dangerous/@admin commands', (u) => ({
      text: `Remove dangerous commands from ${u}.`,
      command: aclSetuserCommand(u, '-@dangerous', '-@admin'),
    }));
  },
};
