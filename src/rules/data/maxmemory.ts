import type { Rule, RuleResult } from '../types.js';
import { fail, pass } from '../result.js';
import { defaultMark, parseMemory, withConfig } from '../config.js';
import { sox } from '../compliance.js';

export const dataMaxmemory: Rule = {
  id: 'DATA-MAXMEMORY',
  title: 'Memory unbounded',
  severity: 'low',
  rationale: 'maxmemory 0 lets the dataset grow until the OOM killer ends the process; unbounded pubsub/replica output buffers let one slow client do the same.',
  remediation: { text: 'Bound memory and output buffers.', config: 'maxmemory 2gb\nmaxmemory-policy noeviction', command: 'redis-cli CONFIG SET maxmemory 2gb' },
  compliance: [sox('computer operations')],
  level: 3,
  modes: ['live', 'lint'],
  check(facts) {
    return withConfig(facts, ['maxmemory', 'client-output-buffer-limit'], ({ maxmemory, 'client-output-buffer-limit': cobl }) => {
      const results: RuleResult[] = [];
      if (parseMemory(maxmemory?.value ?? '0') === 0) results.push(fail(`maxmemory 0${defaultMark(maxmemory)}: memory is unbounded`, { location: maxmemory?.location }));
      const classes = (cobl?.value ?? '').split(/\s+/);
      for (let i = 0; i + 3 < classes.length; i += 4) {
        const cls = classes[i] ?? '';
        if (cls !== 'normal' && classes[i + 1] === '0' && classes[i + 2] === '0') results.push(fail(`client-output-buffer-limit ${cls} 0 0${defaultMark(cobl)}: unbounded`, { location: cobl?.location }));
      }
      return results.length > 0 ? results : pass(`maxmemory ${maxmemory?.value}`);
    });
  },
};
