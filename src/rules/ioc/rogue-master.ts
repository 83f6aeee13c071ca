import type { Rule } from '../types.js';
import { fail, pass, unknownResult } from '../result.js';
import { configValue } from '../config.js';
import { pci } from '../compliance.js';

export const iocRogueMaster: Rule = {
  id: 'IOC-ROGUE-MASTER',
  title: 'Replicating from an unexpected master (possible compromise)',
  severity: 'critical',
  rationale: 'REPLICAOF to an attacker-controlled server (redis-rogue-server) replaces the data and delivers a malicious module. A replica whose master is not on the allowlist needs an explanation.',
  remediation: {
    text: 'If the master is unknown: REPLICAOF NO ONE, investigate, deny REPLICAOF/MODULE to applications. Pass the expected masters as an allowlist.',
    command: 'redis-cli REPLICAOF NO ONE',
  },
  compliance: [pci('11.5.2')],
  level: 1,
  modes: ['live', 'lint'],
  check(facts, ctx) {
    let master: string | undefined;
    let location;
    if (facts.info.known && facts.info.value.replication) {
      const r = facts.info.value.replication;
      if (r.role !== 'slave' && r.role !== 'replica') return pass(`role ${r.role ?? 'master'}: not replicating from anyone`);
      master = `${r.master_host ?? '?'}:${r.master_port ?? '?'}`;
    } else {
      const rep = configValue(facts, 'replicaof');
      if (!rep.known) return unknownResult(`replication role unknown: ${rep.why}`);
      if (!rep.value || rep.value.value === '') return pass('no replicaof: not a replica');
      master = rep.value.value.trim().replace(/\s+/, ':');
      location = rep.value.location;
    }
    const allow = ctx.allowlists?.masters;
    if (!allow || allow.length === 0) return unknownResult(`replica of ${master}; no master allowlist was given to judge it`, { location });
    const host = master.split(':')[0] ?? '';
    if (allow.includes(master) || allow.includes(host)) return pass(`replica of ${master} (allowlisted)`, { location });
    return fail(`replica of ${master}, which is not on the allowlist`, { location });
  },
};
