import type { Rule } from '../types.js';
import { pci, sox } from '../compliance.js';
import { gateRule } from './common.js';

export const cmdProtectedConfigs: Rule = {
  id: 'CMD-PROTECTED-CONFIGS',
  title: 'CONFIG SET can change dir/dbfilename',
  severity: 'high',
  rationale:
    'CONFIG SET dir + dbfilename + SAVE writes attacker-chosen bytes anywhere the server can write (authorized_keys, cron, web roots). 7.0 blocks it with enable-protected-configs no (the default); before 7.0 only ACLs stop it. Critical when unauthenticated clients can connect.',
  remediation: {
    text: 'Keep protected configs locked and deny CONFIG to applications.',
    config: 'enable-protected-configs no',
    command: 'redis-cli ACL SETUSER <app> -config',
  },
  compliance: [pci('2.2.4'), sox('change management')],
  level: 1,
  modes: ['live', 'lint'],
  check(facts) {
    return gateRule(facts, 'enable-protected-configs', [['CONFIG', 'SET', 'dir', 'x']], true);
  },
};
