import type { Rule } from '../types.js';
import { fail, pass } from '../result.js';
import { withConfig } from '../config.js';

export const defaultPort: Rule = {
  id: 'NET-DEFAULT-PORT',
  title: 'Default port 6379 in use',
  severity: 'info',
  rationale: 'Mass scanners probe 6379 first. A different port is not a control, but it removes the server from the cheapest sweeps.',
  remediation: { text: 'Optionally move to a non-default port (and keep the firewall tight).', config: 'port 0\ntls-port 16380' },
  compliance: [],
  level: 3,
  modes: ['live', 'lint'],
  check(facts) {
    return withConfig(facts, ['port', 'tls-port'], ({ port, 'tls-port': tlsPort }) => {
      const infoPort = facts.info.known ? facts.info.value.server?.tcp_port : undefined;
      const ports = [infoPort ?? port?.value, tlsPort?.value].filter((p): p is string => !!p && p !== '0');
      if (ports.includes('6379')) return fail(`listening on the default port 6379`, { location: port?.value === '6379' ? port.location : tlsPort?.location });
      return pass(`ports in use: ${ports.join(', ') || 'none (unix socket only)'}`);
    });
  },
};
