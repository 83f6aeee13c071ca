import type { Rule } from '../types.js';
import { pci } from '../compliance.js';
import { gateRule } from './common.js';

export const cmdModuleCmd: Rule = {
  id: 'CMD-MODULE-CMD',
  title: 'MODULE LOAD is enabled',
  severity: 'high',
  rationale:
    'MODULE LOAD runs arbitrary native code; with REPLICAOF to a rogue master it is the classic remote code execution chain. 7.0 gates it with enable-module-command no (the default); before 7.0 only ACLs stop it. Critical when unauthenticated clients can connect.',
  remediation: { text: 'Disable the MODULE command; load modules with loadmodule in the config.', config: 'enable-module-command no', command: 'redis-cli ACL SETUSER <app> -module' },
  compliance: [pci('2.2.4'), pci('2.2.5')],
  level: 1,
  modes: ['live', 'lint'],
  check(facts) {
    return gateRule(facts, 'enable-module-command', [['MODULE', 'LOAD', 'x']], true);
  },
};
