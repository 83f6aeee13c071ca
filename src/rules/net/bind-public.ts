import type { Rule } from '../types.js';
import { fail, notApplicable, pass } from '../result.js';
import { withConfig } from '../config.js';
import { pci } from '../compliance.js';
import { bindTokens, classifyAddress } from './common.js';

export const bindPublic: Rule = {
  id: 'NET-BIND-PUBLIC',
  title: 'Bound to a public address while the profile says localhost or private network',
  severity: 'high',
  rationale:
    'A non-RFC1918 address in bind puts the server on a routable network although the profile promises localhost-only or private-network exposure. (Wildcards are NET-BIND-ALL.)',
  remediation: {
    text: 'Remove public addresses from bind, keeping the private ones clients use; for a localhost profile bind loopback only (remote clients, and a remote operator, are cut off).',
    config: 'bind 127.0.0.1 -::1',
    command: 'redis-cli CONFIG SET bind "127.0.0.1 -::1"',
  },
  compliance: [pci('1.3.1'), pci('1.4.4')],
  level: 2,
  modes: ['live', 'lint'],
  check(facts, ctx) {
    const exposure = ctx.profile?.network_exposure;
    if (exposure !== 'localhost' && exposure !== 'private_network')
      return notApplicable(exposure ? `the profile allows ${exposure} exposure` : 'no profile: the intended exposure is unknown');
    return withConfig(facts, ['bind'], ({ bind }) => {
      const tokens = bindTokens(bind?.value ?? '');
      const allowed = exposure === 'localhost' ? ['loopback', 'wildcard'] : ['loopback', 'private', 'wildcard'];
      const bad = tokens.filter((t) => !allowed.includes(classifyAddress(t)));
      const location = bind?.location;
      if (bad.length > 0) return fail(`bind includes ${bad.join(', ')}, outside the ${exposure} profile`, { location });
      return pass(`bind ${bind?.value ?? '(none)'} fits the ${exposure} profile`, { location });
    });
  },
};
