import type { Rule } from '../types.js';
import { fail, notApplicable, pass, unknownResult } from '../result.js';
import { pci } from '../compliance.js';

export const iocCronKeys: Rule = {
  id: 'IOC-CRON-KEYS',
  title: 'Keys holding cron or ssh payloads (possible compromise)',
  severity: 'critical',
  rationale: 'Compromised servers carry keys such as backup1..backup4 or crackit whose values are cron lines or ssh keys, written before CONFIG SET dir + SAVE. Found by an opt-in, capped, read-only key probe.',
  remediation: { text: 'Treat the server as compromised; inspect and delete the keys after preserving evidence, check crontabs and authorized_keys.' },
  compliance: [pci('11.5.2')],
  level: 1,
  modes: ['live'],
  check(facts, ctx) {
    if (ctx.mode === 'lint') return notApplicable('needs a live server');
    const k = facts.suspiciousKeys;
    if (!k) return notApplicable('the opt-in key probe was not run (audit --probe-keys)');
    if (!k.known) return unknownResult(`the key probe failed: ${k.why}`);
    return k.value.length > 0 ? fail(`suspicious keys present: ${k.value.slice(0, 10).join(', ')}`) : pass('none of backup1..4, crackit exists in database 0');
  },
};
