import type { Rule } from '../types.js';
import { fail, pass } from '../result.js';
import { isYes, withConfig } from '../config.js';
import { sox, gdpr } from '../compliance.js';
import { trimSet } from '../../text/index.js';

export const dataNoPersistence: Rule = {
  id: 'DATA-NO-PERSISTENCE',
  title: 'No persistence (no RDB snapshots, no AOF)',
  severity: 'low',
  rationale: 'With save "" and appendonly no a restart loses everything. Fine for a pure cache; for anything else it defeats availability and restore requirements (SOX operations, GDPR 32(1)(c)).',
  remediation: { text: 'Enable AOF (and/or snapshots) unless this is a cache.', config: 'appendonly yes\nsave 3600 1 300 100 60 10000', command: 'redis-cli CONFIG SET appendonly yes' },
  compliance: [sox('computer operations'), gdpr('Art. 32(1)(c)')],
  level: 4,
  modes: ['live', 'lint'],
  check(facts) {
    return withConfig(facts, ['save', 'appendonly'], ({ save, appendonly }) => {
      const snapshots = trimSet((save?.value ?? '').trim(), '"') !== '';
      const aof = !!appendonly && isYes(appendonly.value);
      if (!snapshots && !aof) return fail('save "" and appendonly no: nothing survives a restart (fine only for a cache)', { location: save?.location ?? appendonly?.location });
      const last = facts.info.known ? facts.info.value.persistence?.rdb_last_bgsave_status : undefined;
      if (last && last !== 'ok') return fail(`persistence configured but the last background save failed (rdb_last_bgsave_status:${last})`);
      return pass(`${snapshots ? `save ${save?.value}` : ''}${snapshots && aof ? '; ' : ''}${aof ? 'appendonly yes' : ''}`);
    });
  },
};
