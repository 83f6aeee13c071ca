import type { Rule } from '../types.js';
import { fail, notApplicable, pass, unknownResult } from '../result.js';
import { hasCompliance } from '../exposure.js';
import { defaultMark, withConfig } from '../config.js';
import { bindTokens, classifyAddress } from '../net/common.js';
import { hipaa, pci, gdpr } from '../compliance.js';
import { tlsEnabled } from './common.js';

export const tlsDisabled: Rule = {
  id: 'TLS-DISABLED',
  title: 'No TLS listener',
  severity: 'high',
  rationale:
    'Without TLS, passwords (AUTH), data and replication cross the network in cleartext. Required off-host: medium for a private network, high raised to critical for public exposure or compliance profiles; not applicable on localhost only.',
  remediation: {
    text: 'Serve TLS only, with certificates from your CA (redsec generate makes them).',
    config: 'port 0\ntls-port 6379\ntls-cert-file /etc/redis/tls/server.crt\ntls-key-file /etc/redis/tls/server.key\ntls-ca-cert-file /etc/redis/tls/ca.crt',
  },
  compliance: [pci('4.2.1'), pci('2.2.7'), hipaa('(e)(1)'), hipaa('(e)(2)(ii)'), gdpr('Art. 32(1)(a)')],
  level: 3,
  modes: ['live', 'lint'],
  check(facts, ctx) {
    const t = tlsEnabled(facts);
    if (!t.known) return unknownResult(`cannot read tls-port: ${t.why}`);
    if (t.on) return pass(`TLS listener on port ${t.port ?? '(probed)'}`);
    const exposure = ctx.profile?.network_exposure;
    if (exposure === 'localhost' && !hasCompliance(ctx)) return notApplicable('localhost profile: TLS is optional');
    if (exposure === 'public' || hasCompliance(ctx)) return fail(`no TLS listener for a ${hasCompliance(ctx) ? 'compliance' : 'public'} profile`, { severity: 'critical' });
    if (exposure === 'private_network') return fail('no TLS listener for a private-network profile', { severity: 'medium' });
    // No profile: judge by what the server listens on.
    return withConfig(facts, ['bind'], ({ bind }) => {
      const tokens = bindTokens(bind?.value ?? '');
      if (tokens.length > 0 && tokens.every((x) => classifyAddress(x) === 'loopback')) return notApplicable('loopback only: TLS is optional');
      return fail(`no TLS listener while bound to ${bind?.value || 'all interfaces'}${defaultMark(bind)}`, { severity: 'medium' });
    });
  },
};
