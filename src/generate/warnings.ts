import type { Plan, Warning } from './types.js';

/** Everything the operator must know that the bundle cannot fix by itself. */

/** Per Redis line: why the version is a risk (spec compliance-tls §7, checks.md §4). */
const VERSION_NOTES: Partial<Record<Plan['version'], Warning>> = {
  '6.2': { id: 'VERSION-OLD', severity: 'warning', message: 'Redis 6.2 is past Mozilla\'s eolBefore 7.4.0 and lacks ACL DRYRUN, selectors and the enable-* switches; run at least 6.2.20 (Lua CVE-2025-49844 family) and plan an upgrade' },
  '7.0': { id: 'VERSION-EOL', severity: 'critical', message: 'Redis 7.0 is end-of-life (last release 7.0.15, Jan 2024) and misses the 2024-2025 security fixes (Lua RCEs, ACL selector DoS); upgrade to 7.4 or Valkey 8, or use a distribution build with backports' },
  '7.2': { id: 'VERSION-OLD', severity: 'warning', message: 'Redis 7.2 is past Mozilla\'s eolBefore 7.4.0; run at least 7.2.11 (Lua CVE-2025-49844 family)' },
  '7.4': { id: 'VERSION-PATCH', severity: 'info', message: 'run at least Redis 7.4.6 (Lua CVE-2025-49844 family); 7.4 is licensed RSALv2/SSPLv1' },
  'valkey-7.2': { id: 'VERSION-PATCH', severity: 'warning', message: 'Valkey 7.2: apply the latest patch release (2025 Lua and ACL fixes); plan a move to Valkey 8' },
  '8.0': { id: 'VERSION-PATCH', severity: 'info', message: 'Redis 8.0: apply the latest patch release (2025 Lua and HyperLogLog fixes); Redis 8 is licensed RSALv2/SSPLv1/AGPLv3' },
  'valkey-8.0': { id: 'VERSION-PATCH', severity: 'info', message: 'Valkey 8.0: apply the latest patch release (2025 Lua fixes)' },
  'valkey-8.1': { id: 'VERSION-PATCH', severity: 'info', message: 'Valkey 8.1: apply the latest patch release (2025 Lua fixes)' },
};

export function planWarnings(plan: Omit<Plan, 'checklist' | 'warnings'>, bindDefaulted: boolean): Warning[] {
  const p = plan.profile;
  const w: Warning[] = [];
  const add = (id: string, severity: Warning['severity'], message: string): void => void w.push({ id, severity, message });

  if (p.network_exposure === 'public') {
    add('EXPOSURE-PUBLIC', 'critical', 'public exposure is strongly discouraged: allow only named /32 or /128 sources, TLS-only with client certificates, and rate limits (no lockout exists in Redis)');
    if (p.app_cidrs.length === 0) add('FIREWALL-NO-SOURCES', 'warning', 'public exposure with no app_cidrs: the firewall rules allow no client at all until you add sources');
  }
  if (bindDefaulted) add('BIND-LOOPBACK', 'warning', `no bind or ips in the profile: the server listens on loopback only; add the private address to "bind" for ${p.network_exposure} exposure`);
  if (plan.firewall.defaultSources) add('FIREWALL-DEFAULT-SOURCES', 'warning', 'no app_cidrs given: the firewall allows all private ranges (10/8, 172.16/12, 192.168/16, fc00::/7); narrow them to the application subnets');
  if (!plan.tls && p.network_exposure !== 'localhost') add('NO-TLS', 'critical', 'basic level without TLS off the host: passwords and data cross the network in plaintext');
  if (plan.tls) {
    add('CA-KEY', 'warning', 'tls/ca.key is the CA private key: move it off this host (offline or to a vault) after deployment');
    if (plan.tls.mozillaProfile === 'modern' && p.tls_key_algorithm.startsWith('rsa')) {
      add('TLS-RSA-MODERN', 'warning', 'Mozilla modern lists ECDSA certificates only: RSA works with TLS 1.3 but fails a modern-profile scan');
    }
    if (p.security_level === 'compliance' && p.tls_key_algorithm === 'rsa-2048') add('TLS-RSA-2048', 'info', 'RSA 2048 is 112-bit strength; prefer rsa-3072 or ECDSA at the compliance level');
  }
  const v = VERSION_NOTES[plan.version];
  if (v) w.push(v);
  if (plan.version === '6.2' && p.network_exposure !== 'localhost') {
    add('PROTECTED-MODE-6.2', 'info', 'on 6.2 protected mode is inactive once bind names an address: authentication and the firewall are the protection');
  }
  add('TIMEOUT-EXEMPT', 'info', 'timeout does not close Pub/Sub, blocked, replica or master connections, and client pools that PING stay open: re-authentication is not guaranteed for them');
  if (p.replication) add('PLAINTEXT-MASTERAUTH', 'warning', 'replicas need masterauth in plaintext (REDIS_REPLICATION_PASSWORD in secrets.env): put it in a 0600 include file or set it at run time with CONFIG SET');
  if (p.sentinel) add('PLAINTEXT-SENTINEL', 'warning', 'sentinel.conf needs sentinel auth-user sentinel and auth-pass in plaintext (REDIS_SENTINEL_PASSWORD): keep the file 0600; Sentinel also needs its own TLS and ACL setup');
  if (plan.tls) add('KEY-UNENCRYPTED', 'info', 'private keys are unencrypted (mode 0600) so no tls-key-file-pass plaintext is needed in redis.conf');
  if (p.cluster || p.replication) add('ACL-PER-NODE', 'info', 'ACLs do not replicate: install users.acl on every node');
  if (p.applications.length === 0) add('READONLY-NO-KEYS', 'info', 'no applications in the profile: the readonly user reaches no key; add its key patterns (%R~prefix* on 7.0+) when data exists');
  if (p.applications.some((a) => a.scripting)) add('SCRIPTING', 'warning', `scripting is granted to ${p.applications.filter((a) => a.scripting).map((a) => a.name).join(', ')}: Lua bugs have allowed RCE (CVE-2025-49844 and others), keep the server patched`);

  const c = p.compliance_requirements;
  const strict = c.length > 0 || p.security_level === 'compliance';
  if (strict) {
    add('COMPLIANCE-AUDIT-LOG', 'warning', 'open-source Redis has no audit log of data access or admin actions (PCI DSS 10.2.1, HIPAA 164.312(b), SOX): log in the application or a proxy, ship ACL LOG and syslog');
    add('COMPLIANCE-LOCKOUT', 'warning', 'Redis has no account lockout (PCI DSS 8.3.4): rely on 256-bit secrets, allow-lists, rate limits and alerts on failed AUTH');
    add('COMPLIANCE-AT-REST', 'warning', 'RDB/AOF files are plaintext: encrypt the volume and backups (PCI DSS 3.5.1, HIPAA 164.312(a)(2)(iv), GDPR Art. 32)');
    if (c.includes('pci_dss')) add('COMPLIANCE-MFA', 'info', 'PCI DSS 8.4.2 MFA is not native: admins should come through an MFA bastion (client certificate plus password may be argued as two factors)');
  }
  add('DOCKER-FIREWALL', 'info', 'Docker-published ports bypass INPUT and ufw: use the DOCKER-USER chain or publish on 127.0.0.1 only');
  return w;
}
