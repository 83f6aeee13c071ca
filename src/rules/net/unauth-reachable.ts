import type { Rule } from '../types.js';
import { fail, notApplicable, pass, unknownResult } from '../result.js';
import { hipaa, pci } from '../compliance.js';
import { defaultOffRemediation, HANDOVER_COMMAND, HANDOVER_TEXT } from '../handover.js';

export const unauthReachable: Rule = {
  id: 'NET-UNAUTH-REACHABLE',
  title: 'Server answers commands without authentication',
  severity: 'critical',
  rationale:
    'A server that answers PING without AUTH from the audit vantage point lets anyone who can reach it read, write and reconfigure it: the entry point of miner and ransom campaigns against exposed Redis.',
  remediation: {
    text: `Require authentication: give the default user a strong password or disable it and use named ACL users; keep protected-mode on and bind to private addresses. ${HANDOVER_TEXT}`,
    config: 'user admin on #<sha256-of-a-generated-password> ~* &* +@all\nuser default off\nprotected-mode yes',
    command: HANDOVER_COMMAND,
  },
  compliance: [pci('8.3.1'), pci('1.4.4'), hipaa('(d)')],
  level: 1,
  modes: ['live'],
  check(facts, ctx) {
    if (ctx.mode === 'lint') return notApplicable('needs a live connection (lint sees files only)');
    const u = facts.unauthenticated;
    if (!u.known) return unknownResult(`the unauthenticated probe did not run: ${u.why}`);
    if (!u.value.reachable) return pass(`an unauthenticated connection was refused or closed (${u.value.reply || 'no reply'})`);
    if (/^\+?PONG/i.test(u.value.reply)) return fail('PING without AUTH was answered with PONG', { remediation: defaultOffRemediation(facts) });
    if (/^-?(NOAUTH|DENIED)/i.test(u.value.reply)) return pass(`PING without AUTH was refused: ${u.value.reply.split(' ')[0]}`);
    return unknownResult(`unexpected reply to an unauthenticated PING: ${u.value.reply.slice(0, 60)}`);
  },
};
