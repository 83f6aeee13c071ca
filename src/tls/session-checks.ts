import type { TlsSessionFacts } from '../facts/types.js';
import type { MozillaProfile } from './mozilla.js';
import { redisTlsDirectives } from './mozilla.js';
import { check, type TlsCheck } from './checks.js';
import { isAnonymousSuite, isNullSuite } from './suites.js';

const LEGACY_PROTOCOLS = /^(SSLv2|SSLv3|TLSv1|TLSv1\.1)$/;
/** Suites no profile would ever allow: no encryption, broken ciphers or hashes, no authentication. */
const BROKEN_CIPHER = /NULL|RC4|DES|EXP|MD5|anon|ADH|AECDH|PSK|SRP/;

function directive(profile: MozillaProfile, name: string): string {
  const line = redisTlsDirectives(profile).find((d) => d.name === name);
  return line ? `${line.name} "${line.value}"` : `${name} (unset)`;
}

const minus = (accepted: readonly string[], allowed: readonly string[]): string[] => accepted.filter((a) => !allowed.includes(a));

function protocolCheck(session: TlsSessionFacts, profile: MozillaProfile): TlsCheck {
  const allowed = [...profile.tlsVersions];
  if (session.protocols.length === 0) return check('protocols', 'unknown', 'medium', 'no protocol version completed a handshake', [], allowed);
  const extra = minus(session.protocols, allowed);
  if (extra.length === 0) return check('protocols', 'pass', 'info', `accepts ${session.protocols.join(', ')}`, [], allowed);
  const legacy = extra.some((p) => LEGACY_PROTOCOLS.test(p));
  return check('protocols', 'fail', legacy ? 'high' : 'medium', `accepts ${extra.join(', ')} beyond the ${profile.name} profile`, extra, allowed, directive(profile, 'tls-protocols'));
}

function cipherChecks(session: TlsSessionFacts, profile: MozillaProfile): TlsCheck[] {
  const checks: TlsCheck[] = [];
  const accepted = (protocols: string[]): { ciphers: string[]; missing: string[] } => {
    const ciphers = new Set<string>();
    const missing: string[] = [];
    for (const p of protocols) {
      const list = session.ciphers[p];
      if (list === undefined) missing.push(p);
      else for (const c of list) ciphers.add(c);
    }
    return { ciphers: [...ciphers], missing };
  };
  const suiteCheck = (key: 'tls13-ciphersuites' | 'ciphers', protocols: string[], allowed: readonly string[], conf: string): void => {
    if (protocols.length === 0) return;
    const { ciphers, missing } = accepted(protocols);
    const extra = minus(ciphers, allowed);
    if (extra.length > 0) {
      const broken = extra.some((c) => BROKEN_CIPHER.test(c));
      checks.push(check(key, 'fail', broken ? 'high' : 'medium', `accepts ${extra.join(', ')} beyond the ${profile.name} profile`, extra, [...allowed], directive(profile, conf)));
    } else if (missing.length > 0) {
      checks.push(check(key, 'unknown', 'medium', `cipher suites were not enumerated for ${missing.join(', ')}`, [], [...allowed]));
    } else {
      checks.push(check(key, 'pass', 'info', `accepts only allowed suites (${ciphers.join(', ') || 'none enumerated'})`, [], [...allowed]));
    }
  };
  suiteCheck('tls13-ciphersuites', session.protocols.filter((p) => p === 'TLSv1.3'), profile.ciphersuites, 'tls-ciphersuites');
  // A profile without TLS <= 1.2 allows no such suite at all; the protocol check already says so.
  suiteCheck('ciphers', session.protocols.filter((p) => p !== 'TLSv1.3'), profile.ciphers, 'tls-ciphers');
  return checks;
}

function clientAuthCheck(session: TlsSessionFacts, requireClientAuth: boolean | undefined): TlsCheck {
  const observed = [session.clientAuth];
  if (session.clientAuth === 'unknown') return check('client-auth', 'unknown', 'medium', 'could not tell whether a client certificate is required', observed, []);
  if (requireClientAuth && session.clientAuth !== 'required') {
    const how = session.clientAuth === 'optional' ? 'optional' : 'not asked for';
    return check('client-auth', 'fail', 'medium', `client certificates are ${how}, but this profile requires mutual TLS`, observed, ['required'], 'tls-auth-clients yes');
  }
  const text = { required: 'client certificate required (mutual TLS)', optional: 'client certificate optional', none: 'no client certificate asked for' }[session.clientAuth];
  return check('client-auth', 'pass', 'info', text, observed, requireClientAuth ? ['required'] : []);
}

/**
 * NULL suites (no encryption) and anonymous suites (no server authentication) are critical on their
 * own, whatever the profile: either one hands the traffic to anyone on the path.
 */
function brokenSuiteChecks(session: TlsSessionFacts): TlsCheck[] {
  const enumerated = Object.keys(session.ciphers).length > 0;
  const all = [...new Set(Object.values(session.ciphers).flat())];
  const one = (key: 'null-ciphers' | 'anonymous-ciphers', test: (s: string) => boolean, what: string, directive: string): TlsCheck => {
    if (!enumerated) return check(key, 'unknown', 'critical', 'cipher suites were not enumerated');
    const hits = all.filter(test);
    if (hits.length === 0) return check(key, 'pass', 'info', `no ${what} suite accepted`);
    return check(key, 'fail', 'critical', `accepts ${hits.length} ${what} suite(s): ${hits.join(', ')}`, hits, [], directive);
  };
  return [
    one('null-ciphers', isNullSuite, 'NULL (no encryption)', 'tls-ciphers without eNULL/NULL (e.g. the profile\'s list); never @SECLEVEL=0'),
    one('anonymous-ciphers', isAnonymousSuite, 'anonymous (no server authentication)', 'tls-ciphers without aNULL/ADH/AECDH (e.g. the profile\'s list); never @SECLEVEL=0'),
  ];
}

/** What the server accepts minus what the profile allows, per key (sslyze's compliance checker shape). */
export function checkSession(session: TlsSessionFacts, profile: MozillaProfile, requireClientAuth?: boolean): TlsCheck[] {
  const protocols = session.protocols.length > 0 ? brokenSuiteChecks(session) : [];
  return [protocolCheck(session, profile), ...cipherChecks(session, profile), ...protocols, clientAuthCheck(session, requireClientAuth)];
}
