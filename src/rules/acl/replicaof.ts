import { aclSetuserCommand } from '../shell.js';
import type { Rule } from '../types.js';
import { pci } from '../compliance.js';
import { ADMIN_HEURISTIC, REPLICAOF_PROBES, appUsersMayRun } from './common.js';

export const aclReplicaof: Rule = {
  id: 'ACL-REPLICAOF',
  title: 'Application user may run REPLICAOF / SLAVEOF',
  severity: 'high',
  rationale: `REPLICAOF to an attacker's server replaces the dataset and, with MODULE LOAD, gives code execution (the rogue-master attack). ${ADMIN_HEURISTIC}`,
  remediation: { text: 'Deny replication commands to applications.', config: 'user <app> ... -replicaof -slaveof', command: 'redis-cli ACL SETUSER <app> -replicaof -slaveof' },
  compliance: [pci('2.2.4'), pci('7.2.2')],
  level: 2,
  modes: ['live', 'lint'],
  check(facts) {
    return appUsersMayRun(facts, REPLICAOF_PROBES, 'REPLICAOF/SLAVEOF', (u) => ({ text: `Deny REPLICAOF to ${u}.`, command: aclSetuserCommand(u, '-replicaof', '-slaveof') }));
  },
};
