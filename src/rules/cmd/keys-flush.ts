import { aclSetuserCommand } from '../shell.js';
import type { Rule, RuleResult } from '../types.js';
import { fail } from '../result.js';
import { pci } from '../compliance.js';
import { ADMIN_HEURISTIC, KEYS_FLUSH_PROBES, appUsersMayRun } from '../acl/common.js';

export const cmdKeysFlush: Rule = {
  id: 'CMD-KEYS-FLUSH',
  title: 'Applications may run KEYS / FLUSHALL / FLUSHDB',
  severity: 'medium',
  rationale: `KEYS blocks the server on a large keyspace (and is a glob DoS, CVE-2024-31228); FLUSHALL/FLUSHDB destroy data in one call. Applications should use SCAN and never flush. Also reports KEYS actually being called (INFO commandstats). ${ADMIN_HEURISTIC}`,
  remediation: { text: 'Deny them to applications.', config: 'user <app> ... -keys -flushall -flushdb', command: 'redis-cli ACL SETUSER <app> -keys -flushall -flushdb' },
  compliance: [pci('2.2.4'), pci('7.2.2')],
  level: 2,
  modes: ['live', 'lint'],
  check(facts) {
    const out = appUsersMayRun(facts, KEYS_FLUSH_PROBES, 'KEYS/FLUSHALL/FLUSHDB', (u) => ({ text: `Deny KEYS and flushes to ${u}.`, command: aclSetuserCommand(u, '-keys', '-flushall', '-flushdb') }));
    const list: RuleResult[] = Array.isArray(out) ? out : [out];
    const calls = facts.info.known ? facts.info.value.commandstats?.cmdstat_keys : undefined;
    const n = Number(/calls=(\d+)/.exec(calls ?? '')?.[1] ?? 0);
    if (n > 0) {
      const used = fail(`KEYS has been called ${n} time(s) since start (INFO commandstats)`);
      return [...list.filter((r) => r.status !== 'pass'), used];
    }
    return list;
  },
};
