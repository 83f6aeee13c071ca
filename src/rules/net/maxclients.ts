import type { Rule } from '../types.js';
import { fail, notApplicable, pass } from '../result.js';
import { withConfig } from '../config.js';
import { profileLevel } from '../exposure.js';

export const maxclients: Rule = {
  id: 'NET-MAXCLIENTS',
  title: 'No deliberate client connection limit',
  severity: 'low',
  rationale: 'maxclients left at 10000 means a connection flood exhausts file descriptors before anything else reacts; hardened and compliance profiles set a deliberate limit.',
  remediation: { text: 'Set maxclients to what the applications need.', config: 'maxclients 1000', command: 'redis-cli CONFIG SET maxclients 1000' },
  compliance: ['STIG V-251183'],
  level: 3,
  modes: ['live', 'lint'],
  check(facts, ctx) {
    if (profileLevel(ctx) < 3) return notApplicable('only hardened and compliance profiles require a connection limit');
    return withConfig(facts, ['maxclients'], ({ maxclients: mc }) => {
      const n = Number(mc?.value ?? '10000');
      const connected = facts.info.known ? facts.info.value.clients?.connected_clients : undefined;
      const seen = connected !== undefined ? ` (${connected} connected)` : '';
      if (n >= 10000) return fail(`maxclients ${n}${mc?.isDefault ? ' (the default)' : ', the default'}${seen}`, { location: mc?.location });
      return pass(`maxclients ${n}${seen}`, { location: mc?.location });
    });
  },
};
