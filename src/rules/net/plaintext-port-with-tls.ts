import type { Rule } from '../types.js';
import { fail, notApplicable, pass } from '../result.js';
import { withConfig } from '../config.js';
import { hipaa, pci } from '../compliance.js';

export const plaintextPortWithTls: Rule = {
  id: 'NET-PLAINTEXT-PORT-WITH-TLS',
  title: 'Plaintext port still open next to the TLS port',
  severity: 'high',
  raiseForExposure: true,
  rationale: 'With tls-port set but port not 0, clients (and attackers) can still talk to the server in cleartext, bypassing TLS and client certificates.',
  remediation: { text: 'Close the plaintext port once every client (and your own redis-cli, with --tls) uses the TLS port: CONFIG SET port 0 refuses new plaintext connections at once.', config: 'port 0', command: 'redis-cli CONFIG SET port 0' },
  compliance: [pci('4.2.1'), pci('2.2.7'), hipaa('(e)(1)')],
  level: 3,
  modes: ['live', 'lint'],
  check(facts) {
    return withConfig(facts, ['port', 'tls-port'], ({ port, 'tls-port': tlsPort }) => {
      if (!tlsPort || tlsPort.value === '0') return notApplicable('no tls-port: TLS is not enabled');
      if (port && port.value !== '0') return fail(`tls-port ${tlsPort.value} and port ${port.value} are both open`, { location: port.location });
      return pass(`TLS only: tls-port ${tlsPort.value}, port 0`);
    });
  },
};
