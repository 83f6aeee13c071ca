import type { Rule } from '../types.js';
import { fail, notApplicable, pass } from '../result.js';
import { isYes, where, withConfig } from '../config.js';
import { pci } from '../compliance.js';
import { defaultUserOpen } from './common.js';

export const protectedModeOff: Rule = {
  id: 'NET-PROTECTED-MODE-OFF',
  title: 'protected-mode is off',
  severity: 'high',
  rationale:
    'protected-mode refuses non-loopback clients while the default user has no password; turning it off removes that last guard (critical when the default user is passwordless).',
  remediation: {
    text: 'Turn protected mode back on (it costs nothing once users authenticate).',
    config: 'protected-mode yes',
    command: 'redis-cli CONFIG SET protected-mode yes',
  },
  compliance: [pci('2.2.6')],
  level: 1,
  modes: ['live', 'lint'],
  check(facts) {
    return withConfig(facts, ['protected-mode'], ({ 'protected-mode': pm }) => {
      if (!pm) return notApplicable('this server has no protected-mode option');
      if (isYes(pm.value)) return pass(`protected-mode yes (${where(facts, 'protected-mode', pm)})`, { location: pm.location });
      const open = defaultUserOpen(facts);
      return fail(`protected-mode ${pm.value} (${where(facts, 'protected-mode', pm)})${open ? ' and the default user needs no password' : ''}`, {
        location: pm.location,
        severity: open === true ? 'critical' : undefined,
      });
    });
  },
};
