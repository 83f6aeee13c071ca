import { MOZILLA_PROFILES, redisTlsDirectives } from '../tls/index.js';
import type { Profile } from '../profile/index.js';
import { hasDirective } from './version-support.js';
import type { PlannedDirective, TlsPlan } from './types.js';

/**
 * The redis.conf hardening lines for a profile, each with the reason it is there. Only
 * directives the target version knows are produced (checked against the facts tables).
 */

const atLeast = (p: Profile, level: 'standard' | 'hardened'): boolean =>
  level === 'standard' ? p.security_level !== 'basic' : p.security_level === 'hardened' || p.security_level === 'compliance';

const TLS_REASONS: Record<string, string> = {
  'tls-protocols': 'only these protocol versions, always explicit because builds differ in their defaults',
  'tls-ciphersuites': 'TLS 1.3 suites, all AEAD',
  'tls-ciphers': 'TLS 1.2 suites: forward-secret AEAD only (the defaults accept CBC/SHA-1 suites)',
  'tls-prefer-server-ciphers': 'every listed suite is strong, so the client may choose',
};

export interface DirectiveContext {
  profile: Profile;
  bind: string[];
  tls: TlsPlan | null;
  aclFile: string;
  tlsDir: string;
}

export function planDirectives({ profile: p, bind, tls, aclFile, tlsDir }: DirectiveContext): PlannedDirective[] {
  const v = p.redis_version;
  const out: PlannedDirective[] = [];
  const add = (section: PlannedDirective['section'], name: string, args: string[], reason: string): void => {
    // A version that does not know a directive refuses to start with it: leave it out.
    if (hasDirective(v, name)) out.push({ section, name, args, reason });
  };

  add('network', 'bind', bind, p.network_exposure === 'localhost' ? 'listen on loopback only (exposure: localhost)' : 'listen only on the named interfaces, never on all of them');
  add('network', 'protected-mode', ['yes'], 'refuse non-local clients while the default user has no password (defence in depth)');
  if (tls) {
    add('network', 'port', [tls.plaintextDisabled ? '0' : String(p.port)], tls.plaintextDisabled ? 'no plaintext listener: clients must use TLS' : 'plaintext port kept for local clients');
    add('tls', 'tls-port', [String(tls.port)], 'TLS listener for clients');
    add('tls', 'tls-cert-file', [`${tlsDir}/redis.crt`], 'server certificate (SANs: the names and addresses clients dial)');
    add('tls', 'tls-key-file', [`${tlsDir}/redis.key`], 'server private key, mode 0600, unencrypted so no tls-key-file-pass sits in this file');
    add('tls', 'tls-ca-cert-file', [`${tlsDir}/ca.crt`], 'Redis does not use the system CA store: name the CA that signs client certificates');
    add('tls', 'tls-auth-clients', [tls.authClients], tls.authClients === 'yes' ? 'mutual TLS: a client certificate from this CA is required' : 'a client certificate is checked when presented, not required');
    const mozilla = MOZILLA_PROFILES[tls.mozillaProfile];
    for (const d of redisTlsDirectives(mozilla)) {
      add('tls', d.name, [d.value], `Mozilla ${mozilla.name} (guideline ${mozilla.guideline}): ${TLS_REASONS[d.name] ?? 'as the profile says'}`);
    }
    if (tls.replication) add('tls', 'tls-replication', ['yes'], 'replication links use TLS too (also without replicas today: one added later never syncs in cleartext)');
    if (tls.cluster) add('tls', 'tls-cluster', ['yes'], 'the cluster bus uses TLS too');
  } else {
    add('network', 'port', [String(p.port)], 'client port');
  }

  add('authentication', 'aclfile', [aclFile], 'users and their permissions live in users.acl (password hashes only)');
  add('authentication', 'acl-pubsub-default', ['resetchannels'], 'new users get no Pub/Sub channels unless granted (6.2 defaults to allchannels)');
  if (atLeast(p, 'hardened')) add('authentication', 'acllog-max-len', ['256'], 'keep more denied-access entries in ACL LOG for the log shipper');
  if (p.replication) add('replication', 'masteruser', ['replication'], 'as a replica, authenticate with the least-privileged replication user (its masterauth is a plaintext secret: set it at run time or from a 0600 include)');

  if (hasDirective(v, 'enable-protected-configs')) {
    add('commands', 'enable-protected-configs', ['no'], 'CONFIG SET cannot change dir/dbfilename (blocks the write-a-file-anywhere attack)');
    add('commands', 'enable-debug-command', ['no'], 'DEBUG is refused for every user');
    add('commands', 'enable-module-command', ['no'], 'MODULE LOAD is refused for every user (blocks rogue-module RCE)');
  } else {
    // 6.2 has no enable-* switches and no way to gate DEBUG/MODULE for +@all users: rename is the only tool.
    add('commands', 'rename-command', ['DEBUG', ''], 'this version cannot gate DEBUG by config: disable it (rename-command is deprecated, but the only tool here)');
    add('commands', 'rename-command', ['MODULE', ''], 'this version cannot gate MODULE LOAD by config: disable it');
  }
  if (atLeast(p, 'hardened')) add('commands', 'sanitize-dump-payload', ['yes'], 'deep-check RESTORE payloads so a crafted dump cannot corrupt memory');

  add('limits', 'timeout', ['300'], 'close connections idle for 5 minutes, so they must AUTH again (PCI DSS 8.2.8, HIPAA 164.312(a)(2)(iii))');
  add('limits', 'tcp-keepalive', ['60'], 'detect dead peers within minutes');
  if (atLeast(p, 'hardened')) add('limits', 'maxclients', ['1000'], 'bound the number of connections a flood can open');

  add('logging', 'loglevel', ['notice'], 'log auth and configuration events without user data');
  if (atLeast(p, 'hardened')) {
    add('logging', 'syslog-enabled', ['yes'], 'ship the log to syslog for retention off the box (PCI DSS 10.2.1)');
    add('logging', 'syslog-ident', ['redis'], 'tag the syslog lines');
  }
  add('logging', 'hide-user-data-from-log', ['yes'], 'keep keys and values out of crash and debug logs (GDPR, HIPAA)');
  return out;
}
