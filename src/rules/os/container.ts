import type { Rule } from '../types.js';
import { fail, notApplicable, pass, unknownResult } from '../result.js';

export const osContainer: Rule = {
  id: 'OS-CONTAINER',
  title: 'Container published on all interfaces with protected mode off',
  severity: 'high',
  rationale: 'The official images run with protected-mode off and without a password; publishing the port on 0.0.0.0 (Docker bypasses INPUT/UFW rules) exposes it to the internet. Many compromised containers (miners, rogue replicas) started this way.',
  remediation: { text: 'Publish on 127.0.0.1 or a private address only, and give the container a config with users and protected mode.', config: 'ports: ["127.0.0.1:6379:6379"]' },
  compliance: [],
  level: 2,
  modes: ['live', 'lint'],
  check(facts) {
    const c = facts.container;
    if (!c) return notApplicable('no container definition at hand (lint --compose FILE)');
    if (!c.known) return unknownResult(`cannot read the container definition: ${c.why}`);
    const { source, ports, publishedOnAllInterfaces, protectedMode, protectedModeWhy } = c.value;
    if (!publishedOnAllInterfaces) return pass(`${source}: the server's port is not published on all interfaces${ports.length ? ` (${ports.join(', ')})` : ''}`);
    const published = `${source} publishes ${ports.join(', ')} on all interfaces`;
    if (protectedMode === 'off') return fail(`${published}, and protected mode is off (${protectedModeWhy})`);
    if (protectedMode === 'unknown') return unknownResult(`${published}; protected mode cannot be told (${protectedModeWhy})`);
    return pass(`${published}, but protected mode is on (${protectedModeWhy})`);
  },
};
