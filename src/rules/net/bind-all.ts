import type { Rule } from '../types.js';
import { fail, pass } from '../result.js';
import { show, where, withConfig } from '../config.js';
import { pci } from '../compliance.js';
import { bindTokens, classifyAddress, defaultUserOpen } from './common.js';

export const bindAll: Rule = {
  id: 'NET-BIND-ALL',
  title: 'Listening on all interfaces',
  severity: 'high',
  rationale:
    'bind with 0.0.0.0, *, :: or -::* (or no bind directive, whose compiled default is every interface) exposes the server on every network the host is on, including public ones. Critical when the default user needs no password.',
  remediation: {
    text: 'Bind only to loopback and the private address clients use (fill in <private-ip> first: binding loopback alone cuts off every remote client, and you if you administer remotely).',
    config: 'bind 127.0.0.1 -::1 <private-ip>',
    command: 'redis-cli CONFIG SET bind "127.0.0.1 -::1 <private-ip>"',
  },
  compliance: [pci('1.3.1'), pci('1.4.4')],
  level: 1,
  modes: ['live', 'lint'],
  check(facts) {
    return withConfig(facts, ['bind'], ({ bind }) => {
      const value = bind?.value ?? '';
      const tokens = bindTokens(value);
      const wild = tokens.filter((t) => classifyAddress(t) === 'wildcard');
      const open = defaultUserOpen(facts);
      const severity = open === true ? ('critical' as const) : undefined;
      const location = bind?.location;
      if (tokens.length === 0 || (bind?.isDefault && facts.source === 'files'))
        return fail('no bind directive: the server listens on all interfaces', { severity, location });
      if (wild.length > 0)
        return fail(`${show('bind', bind ?? { value })} (${where(facts, 'bind', bind ?? { value })}) listens on all interfaces via ${wild.join(', ')}${open ? '; the default user needs no password' : ''}`, {
          severity,
          location,
        });
      return pass(`bind ${value} lists specific addresses`, { location });
    });
  },
};
