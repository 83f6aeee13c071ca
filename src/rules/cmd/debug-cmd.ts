import type { Rule } from '../types.js';
import { pci } from '../compliance.js';
import { gateRule } from './common.js';

export const cmdDebugCmd: Rule = {
  id: 'CMD-DEBUG-CMD',
  title: 'DEBUG is enabled',
  severity: 'medium',
  rationale: 'DEBUG can crash the server (DEBUG SEGFAULT), reload or corrupt data and leak internals. 7.0 gates it with enable-debug-command no (the default); before 7.0 only ACLs stop it.',
  remediation: { text: 'Disable DEBUG.', config: 'enable-debug-command no', command: 'redis-cli ACL SETUSER <app> -debug' },
  compliance: [pci('2.2.4')],
  level: 2,
  modes: ['live', 'lint'],
  check(facts) {
    return gateRule(facts, 'enable-debug-command', [['DEBUG', 'OBJECT', 'x']], false);
  },
};
