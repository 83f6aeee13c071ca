/** TLS helpers: is TLS on at all, and which ciphers count as weak (not Mozilla intermediate/modern). */
import type { ServerFacts } from '../../facts/types.js';
import { MOZILLA_PROFILES } from '../../tls/mozilla.js';
import { configValue } from '../config.js';
import { notApplicable, unknownResult } from '../result.js';
import type { RuleResult } from '../types.js';

export type TlsOn = { known: true; on: boolean; port?: string } | { known: false; why: string };

export function tlsEnabled(facts: ServerFacts): TlsOn {
  const p = configValue(facts, 'tls-port');
  if (!p.known) {
    if (facts.tls.known) return { known: true, on: true };
    return { known: false, why: p.why };
  }
  const port = p.value?.value ?? '0';
  return port !== '0' && port !== '' ? { known: true, on: true, port } : { known: true, on: false };
}

/** What a TLS setting rule says when TLS is off or its port cannot be read; undefined when TLS is on. */
export function tlsOffResult(facts: ServerFacts): RuleResult | undefined {
  const t = tlsEnabled(facts);
  if (!t.known) return unknownResult(`cannot read tls-port: ${t.why}`);
  if (!t.on) return notApplicable('TLS is not enabled');
  return undefined;
}

const STRONG = new Set<string>([...MOZILLA_PROFILES.intermediate.ciphers, ...MOZILLA_PROFILES.intermediate.ciphersuites]);

/** Weak by name: NULL, export, RC4, DES/3DES, MD5, anonymous, or any non-AEAD suite. */
export function isWeakCipher(name: string): boolean {
  if (STRONG.has(name)) return false;
  if (/NULL|EXP|RC4|DES|MD5|ADH|AECDH|aNULL|eNULL|PSK|SRP/i.test(name)) return true;
  return !/GCM|CHACHA20|CCM/i.test(name);
}
