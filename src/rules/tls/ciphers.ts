import type { Rule, RuleResult } from '../types.js';
import { fail, pass, unknownResult } from '../result.js';
import { configValue, isYes } from '../config.js';
import { pci } from '../compliance.js';
import { isAnonymousSuite, isNullSuite } from '../../tls/suites.js';
import { isWeakCipher, tlsOffResult } from './common.js';

/** tls-ciphers elements that switch NULL or anonymous suites on (not removed with ! or -). */
const BROKEN_ELEMENT = /^(eNULL|NULL|aNULL|ADH|AECDH|COMPLEMENTOFALL|COMPLEMENTOFDEFAULT)$/;

export const tlsCiphers: Rule = {
  id: 'TLS-CIPHERS',
  title: 'Weak TLS ciphers accepted',
  severity: 'medium',
  rationale:
    'Non-AEAD (CBC/SHA-1), NULL, RC4 or 3DES suites weaken TLS 1.2. With tls-ciphers unset Redis 7.0/OpenSSL 3.0 accepted CBC/SHA-1 suites, so TLS 1.2 needs the Mozilla intermediate list. When weak suites remain, tls-prefer-server-ciphers no lets the client pick them.',
  remediation: {
    text: 'Use the Mozilla intermediate cipher list (or TLS 1.3 only).',
    config:
      'tls-ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305\ntls-ciphersuites TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256',
  },
  compliance: [pci('4.2.1'), pci('12.3.3')],
  level: 3,
  modes: ['live', 'lint'],
  check(facts) {
    const off = tlsOffResult(facts);
    if (off) return off;
    const results: RuleResult[] = [];
    let weakSeen = false;
    if (facts.tls.known) {
      const accepted = [...new Set(Object.values(facts.tls.value.ciphers).flat())];
      // No encryption or no authentication: anyone on the path reads or impersonates, whatever else is set.
      const none = accepted.filter(isNullSuite);
      const anon = accepted.filter(isAnonymousSuite);
      if (none.length > 0) results.push(fail(`the server accepted NULL suites (no encryption): ${none.join(', ')}`, { severity: 'critical' }));
      if (anon.length > 0) results.push(fail(`the server accepted anonymous suites (no server authentication): ${anon.join(', ')}`, { severity: 'critical' }));
      const weak = accepted.filter((x) => isWeakCipher(x) && !isNullSuite(x) && !isAnonymousSuite(x));
      if (weak.length > 0) {
        weakSeen = true;
        results.push(fail(`the server accepted weak suites: ${weak.slice(0, 8).join(', ')}${weak.length > 8 ? ' ...' : ''}`));
      }
    }
    const c = configValue(facts, 'tls-ciphers');
    const protos = configValue(facts, 'tls-protocols');
    const prefer = configValue(facts, 'tls-prefer-server-ciphers');
    if (!c.known) return results.length > 0 ? results : unknownResult(`cannot read tls-ciphers: ${c.why}`);
    const tls13Only = protos.known && /^\s*"?TLSv1\.3"?\s*$/i.test(protos.value?.value ?? '');
    const list = (c.value?.value ?? '').split(':').filter((x) => x !== '');
    if (!tls13Only) {
      const brokenConf = list.filter((x) => BROKEN_ELEMENT.test(x) || isNullSuite(x) || isAnonymousSuite(x));
      if (brokenConf.length > 0 && !facts.tls.known) {
        weakSeen = true;
        results.push(fail(`tls-ciphers enables NULL (no encryption) or anonymous (no authentication) suites: ${brokenConf.join(', ')}`, { location: c.value?.location, severity: 'critical' }));
      }
      const weakConf = list.filter((x) => !x.startsWith('!') && !x.startsWith('-') && isWeakCipher(x) && /^[A-Z0-9-]+$/.test(x));
      if (weakConf.length > 0) {
        weakSeen = true;
        results.push(fail(`tls-ciphers lists weak suites: ${weakConf.slice(0, 6).join(', ')}`, { location: c.value?.location }));
      } else if (list.length === 0 && !facts.tls.known) {
        weakSeen = true;
        results.push(fail('tls-ciphers is unset: the OpenSSL default accepts CBC/SHA-1 suites for TLS 1.2', { location: c.value?.location }));
      }
      if (weakSeen && prefer.known && prefer.value && !isYes(prefer.value.value))
        results.push(fail('tls-prefer-server-ciphers no while weak suites are enabled: clients choose the suite', { location: prefer.value.location }));
    }
    if (results.length > 0) return results;
    return pass(tls13Only ? 'TLS 1.3 only: all suites are AEAD' : `tls-ciphers ${list.length} suite(s), all AEAD`);
  },
};
