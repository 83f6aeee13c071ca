import type { Rule } from '../types.js';
import { fail, notApplicable, pass, unknownResult } from '../result.js';
import { configValue } from '../config.js';
import { pci } from '../compliance.js';

export const replCreds: Rule = {
  id: 'AUTH-REPL-CREDS',
  title: 'Replica without its own replication credentials',
  severity: 'medium',
  rationale:
    'A replica with no masterauth either connects to an open master or fails; without masteruser it logs in as the master\'s default user with all its rights. A dedicated user with +psync +replconf +ping keeps the link least-privileged. (Valkey 8 spells them primaryauth/primaryuser.)',
  remediation: {
    text: 'Create a replication user on the master and point the replica at it.',
    config: 'masteruser replica\nmasterauth <secret>',
    command: 'redis-cli ACL SETUSER replica on #<sha256> -@all +psync +replconf +ping',
  },
  compliance: [pci('7.2.5'), pci('8.6.1')],
  level: 3,
  modes: ['live', 'lint'],
  check(facts) {
    const replicaof = configValue(facts, 'replicaof');
    let role: string | undefined;
    if (facts.info.known) role = facts.info.value.replication?.role;
    const isReplica =
      role !== undefined ? role === 'slave' || role === 'replica' : replicaof.known && !!replicaof.value && replicaof.value.value !== '';
    if (role === undefined && !replicaof.known) return unknownResult(`replication role unknown: ${replicaof.why}`);
    if (!isReplica) return notApplicable('not a replica');
    const auth = configValue(facts, 'masterauth');
    const user = configValue(facts, 'masteruser');
    if (!auth.known || !user.known) return unknownResult('cannot read masterauth/masteruser');
    const link = facts.info.known ? facts.info.value.replication?.master_link_status : undefined;
    const linkNote = link ? ` (master_link_status:${link})` : '';
    if (!auth.value || auth.value.value === '') return fail(`replica has no masterauth${linkNote}`, { location: replicaof.known ? replicaof.value?.location : undefined });
    if (!user.value || user.value.value === '') return fail(`replica authenticates as the master's default user (no masteruser)${linkNote}`);
    return pass(`replica authenticates as ${user.value.value}${linkNote}`);
  },
};
