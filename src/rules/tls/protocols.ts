import type { Rule, RuleResult } from '../types.js';
import { fail, pass, unknownResult } from '../result.js';
import { configValue } from '../config.js';
import { pci, hipaa } from '../compliance.js';
import { tlsOffResult } from './common.js';

const OLD = /^(SSLv3|TLSv1|TLSv1\.1)$/i;

export const tlsProtocols: Rule = {
  id: 'TLS-PROTOCOLS',
  title: 'TLS 1.0/1.1 allowed or tls-protocols unset',
  severity: 'medium',
  raiseForExposure: true,
  rationale: 'TLS 1.0 and 1.1 are deprecated (RFC 8996) and fail PCI DSS 4.2.1. When tls-protocols is unset the result depends on the OpenSSL build and packaging, so it must be set explicitly (Mozilla intermediate: TLSv1.2 TLSv1.3; modern: TLSv1.3).',
  remediation: { text: 'Pin the protocols.', config: 'tls-protocols "TLSv1.2 TLSv1.3"', command: 'redis-cli CONFIG SET tls-protocols "TLSv1.2 TLSv1.3"' },
  compliance: [pci('4.2.1'), hipaa('(e)(2)(ii)')],
  level: 3,
  modes: ['live', 'lint'],
  check(facts) {
    const off = tlsOffResult(facts);
    if (off) return off;
    const results: RuleResult[] = [];
    if (facts.tls.known) {
      const old = facts.tls.value.protocols.filter((p) => OLD.test(p));
      if (old.length > 0) results.push(fail(`the server accepted ${old.join(', ')} in a handshake probe`));
    }
    const p = configValue(facts, 'tls-protocols');
    if (!p.known) return results.length > 0 ? results : unknownResult(`cannot read tls-protocols: ${p.why}`);
    const value = p.value?.value ?? '';
    const tokens = value.split(/\s+/).filter((x) => x !== '');
    const old = tokens.filter((x) => OLD.test(x));
    if (old.length > 0) results.push(fail(`tls-protocols "${value}" enables ${old.join(', ')}`, { location: p.value?.location }));
    else if (tokens.length === 0) results.push(fail('tls-protocols is unset: the protocols depend on the OpenSSL build', { location: p.value?.location }));
    if (results.length > 0) return results;
    const probed = facts.tls.known ? `; probe saw ${facts.tls.value.protocols.join(', ') || 'none'}` : '';
    return pass(`tls-protocols "${value}"${probed}`, { location: p.value?.location });
  },
};
