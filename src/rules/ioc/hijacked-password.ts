import type { Rule } from '../types.js';
import { notApplicable } from '../result.js';

export const iocHijackedPassword: Rule = {
  id: 'IOC-HIJACKED-PASSWORD',
  title: 'A password the owner did not set',
  severity: 'high',
  rationale: 'Attackers who find an open server set their own password to lock others out (redis#2928). Detecting it needs the expected credentials (a baseline from redsec generate), compared hash to hash.',
  remediation: { text: 'Compare ACL LIST hashes with the approved users file; reset unknown passwords and investigate.' },
  compliance: [],
  level: 1,
  modes: ['live'],
  check() {
    return notApplicable('needs a baseline of the expected password hashes, which this run does not have');
  },
};
