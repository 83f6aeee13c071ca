import { levelCertPolicy } from '../certs/index.js';
import { MOZILLA_PROFILES } from '../tls/index.js';
import type { Profile } from '../profile/index.js';
import type { PlannedCertificate, TlsPlan } from './types.js';

/** TLS at standard when clients come from off the host, and always at hardened and compliance. */
export function tlsRequired(p: Profile): boolean {
  if (p.security_level === 'basic') return false;
  if (p.security_level === 'standard') return p.network_exposure !== 'localhost';
  return true;
}

const WILDCARD = new Set(['0.0.0.0', '::', '*', '::*']);

/** The addresses a bind line names, without Redis's optional-address dash and without wildcards. */
export function boundAddresses(bind: readonly string[]): string[] {
  return bind.map((b) => (b.startsWith('-') ? b.slice(1) : b)).filter((b) => !WILDCARD.has(b));
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

export function planTls(p: Profile, bind: readonly string[], tlsDir: string): TlsPlan | null {
  if (!tlsRequired(p)) return null;
  // Public exposure needs the strict profile whatever the level (spec compliance-tls §5): modern, mTLS, 90-day leaves.
  const strict = p.security_level === 'hardened' || p.security_level === 'compliance' || p.network_exposure === 'public';
  const policy = levelCertPolicy(strict ? (p.security_level === 'compliance' ? 'compliance' : 'hardened') : p.security_level);
  const mozilla = MOZILLA_PROFILES[policy.mozillaProfile];
  const bound = boundAddresses(bind);
  const loopback = bound.some((a) => a === '::1' || a.startsWith('127.'));
  let serverDnsNames = unique([...p.hostnames, ...(loopback ? ['localhost'] : [])]);
  let serverIps = unique([...p.ips, ...bound]);
  if (serverDnsNames.length + serverIps.length === 0) {
    // Bound to a wildcard with no names given: still issue a usable certificate for local checks.
    serverDnsNames = ['localhost'];
    serverIps = ['127.0.0.1'];
  }
  const clientNames = unique([...p.applications.map((a) => a.name), 'admin', 'monitor', ...(p.sentinel ? ['sentinel'] : [])]);
  const leaf = (role: PlannedCertificate['role'], commonName: string, file: string): PlannedCertificate => ({
    role,
    commonName,
    dnsNames: role === 'server' ? serverDnsNames : [],
    ips: role === 'server' ? serverIps : [],
    validityDays: role === 'ca' ? policy.caValidityDays : policy.leafValidityDays,
    certFile: `tls/${file}.crt`,
    keyFile: `tls/${file}.key`,
  });
  return {
    mozillaProfile: mozilla.name,
    guideline: mozilla.guideline,
    keyAlgorithm: p.tls_key_algorithm,
    port: p.port,
    plaintextDisabled: true,
    authClients: strict ? 'yes' : 'optional',
    // Always on (as Mozilla's Redis template): harmless on a standalone server, and a replica added
    // later never syncs the dataset in cleartext (TLS-INTERNODE).
    replication: true,
    cluster: p.cluster,
    caValidityDays: policy.caValidityDays,
    leafValidityDays: policy.leafValidityDays,
    serverDnsNames,
    serverIps,
    clientNames,
    certificates: [
      leaf('ca', 'redsec CA', 'ca'),
      leaf('server', serverDnsNames[0] ?? serverIps[0] ?? 'redis', 'redis'),
      ...clientNames.map((n) => leaf('client', n, `clients/${n}`)),
    ],
    protocols: [...mozilla.tlsVersions],
    ciphersuites: [...mozilla.ciphersuites],
    ciphers: [...mozilla.ciphers],
  };
}
