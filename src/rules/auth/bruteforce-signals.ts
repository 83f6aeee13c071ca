import type { Rule } from '../types.js';
import { fail, notApplicable, pass, unknownResult } from '../result.js';
import { pci, hipaa } from '../compliance.js';

/** Failed authentications above this count make the finding medium instead of info. */
const MANY = 10;

export const bruteforceSignals: Rule = {
  id: 'AUTH-BRUTEFORCE-SIGNALS',
  title: 'Failed authentication attempts recorded',
  severity: 'info',
  rationale:
    'Redis has no lockout, so failed AUTH is the only brute-force signal: INFO stats acl_access_denied_auth (7.2+), INFO errorstats WRONGPASS (6.2+) and ACL LOG auth entries. NOAUTH is not counted: it only means a command arrived before AUTH (every audit\'s own unauthenticated PING causes one), not that a credential was tried.',
  remediation: { text: 'Find the source in ACL LOG (client-info addr), block it, and alert on acl_access_denied_auth.', command: 'redis-cli ACL LOG 20' },
  compliance: [pci('10.2.1.4'), pci('8.3.4'), hipaa('(b)')],
  level: 3,
  modes: ['live'],
  check(facts, ctx) {
    if (ctx.mode === 'lint') return notApplicable('needs a live server');
    const counts: string[] = [];
    let total = 0;
    if (facts.info.known) {
      const denied = Number(facts.info.value.stats?.acl_access_denied_auth ?? 0);
      if (denied > 0) counts.push(`acl_access_denied_auth:${denied}`);
      total = Math.max(total, denied);
      const line = facts.info.value.errorstats?.errorstat_WRONGPASS;
      const wrongpass = Number(/count=(\d+)/.exec(line ?? '')?.[1] ?? 0);
      if (wrongpass > 0) counts.push(`errorstat_WRONGPASS count=${wrongpass}`);
      total = Math.max(total, wrongpass);
    }
    if (facts.aclLog.known) {
      const auth = facts.aclLog.value.filter((e) => e.reason === 'auth');
      const n = auth.reduce((s, e) => s + e.count, 0);
      if (n > 0) counts.push(`ACL LOG: ${n} auth failure(s) for ${[...new Set(auth.map((e) => e.username))].slice(0, 5).join(', ')}`);
      total = Math.max(total, n);
    }
    if (!facts.info.known && !facts.aclLog.known) return unknownResult('neither INFO nor ACL LOG could be read');
    if (counts.length === 0) return pass('no failed authentications recorded');
    return fail(counts.join('; '), { severity: total >= MANY ? 'medium' : 'info' });
  },
};
