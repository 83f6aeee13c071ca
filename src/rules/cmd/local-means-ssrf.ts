import type { Rule } from '../types.js';
import { pci } from '../compliance.js';
import { localGateRule } from './common.js';

export const cmdLocalMeansSsrf: Rule = {
  id: 'CMD-LOCAL-MEANS-SSRF',
  title: 'An enable-* option is "local"',
  severity: 'medium',
  rationale: '`local` allows the command from loopback and the unix socket, which is exactly where an SSRF in a co-located web application (gopher://, HTTP smuggling) comes from.',
  remediation: { text: 'Use no; enable temporarily when an operator needs it.', config: 'enable-protected-configs no\nenable-module-command no\nenable-debug-command no' },
  compliance: [pci('2.2.4')],
  level: 3,
  modes: ['live', 'lint'],
  check(facts) {
    return localGateRule(facts);
  },
};
