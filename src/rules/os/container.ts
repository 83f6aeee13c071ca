import type { Rule } from '../types.js';
import { fail, notApplicable, pass, unknownResult } from '../result.js';
import { configValue, isYes } from '../config.js';

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
    if (!c) return notApplicable('no container definition at hand');
    if (!c.known) return unknownResult(`cannot read the container definition: ${c.why}`);
    const pm = configValue(facts, 'protected-mode');
    const pmOff = pm.known && pm.value ? !isYes(pm.value.value) : /^(redis|valkey\/valkey|bitnami\/redis)/.test(c.value.image);
    if (c.value.publishedOnAllInterfaces && pmOff) return fail(`${c.value.image} is published on 0.0.0.0 with protected mode off`);
    return pass(`${c.value.image}: ${c.value.publishedOnAllInterfaces ? 'published on all interfaces but protected mode is on' : 'not published on all interfaces'}`);
  },
};
