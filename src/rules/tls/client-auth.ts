import type { Rule, RuleResult } from '../types.js';
import { fail, notApplicable, pass, unknownResult } from '../result.js';
import { configValue, defaultMark } from '../config.js';
import { hasCompliance, profileLevel } from '../exposure.js';
import { hipaa, pci } from '../compliance.js';
import { tlsOffResult } from './common.js';

export const tlsClientAuth: Rule = {
  id: 'TLS-CLIENT-AUTH',
  title: 'Client certificates not required where mTLS is required',
  severity: 'medium',
  raiseForExposure: true,
  rationale: 'Hardened and compliance profiles authenticate clients by certificate as well as password (a possession factor, HIPAA (d)); tls-auth-clients no or optional accepts any client.',
  remediation: { text: 'Require client certificates once every client (and your own redis-cli, with --cert/--key) has one from the CA in tls-ca-cert-file: new connections without one are refused at once.', config: 'tls-auth-clients yes', command: 'redis-cli CONFIG SET tls-auth-clients yes' },
  compliance: [hipaa('(d)'), pci('8.4.2')],
  level: 3,
  modes: ['live', 'lint'],
  check(facts, ctx) {
    const off = tlsOffResult(facts);
    if (off) return off;
    const required = profileLevel(ctx) >= 3 || hasCompliance(ctx) || ctx.profile?.network_exposure === 'public';
    const v = configValue(facts, 'tls-auth-clients');
    const probe = facts.tls.known ? facts.tls.value.clientAuth : 'unknown';
    if (!v.known && probe === 'unknown') return unknownResult(`cannot read tls-auth-clients: ${v.why}`);
    const value = v.known ? (v.value?.value ?? 'yes').toLowerCase() : probe === 'required' ? 'yes' : 'no/optional';
    const location = v.known ? v.value?.location : undefined;
    if (value === 'yes') return pass('tls-auth-clients yes: client certificates required', { location });
    if (!required) return notApplicable(`tls-auth-clients ${value}; the profile does not require mTLS`);
    const r: RuleResult = fail(`tls-auth-clients ${value}${v.known ? defaultMark(v.value) : ''} but the profile requires client certificates`, { location });
    return r;
  },
};
