import type { Profile } from '../profile/index.js';
import type { VersionId } from '../versions/index.js';
import type { KeyAlgorithm } from '../certs/index.js';
import type { MozillaProfileName } from '../tls/index.js';

/**
 * The plan: the desired state a profile asks for, before any secret or certificate exists.
 * Pure data, deterministic for a given profile; the audit compares a server with it.
 */

export interface PlannedDirective {
  name: string;
  args: string[];
  /** One line: why the line is in the file (becomes the comment above it). */
  reason: string;
  /** Section heading in redis.conf. */
  section: 'network' | 'tls' | 'authentication' | 'commands' | 'limits' | 'logging' | 'replication' | 'data';
}

export type UserRole = 'default' | 'admin' | 'readonly' | 'monitor' | 'app' | 'replication' | 'sentinel';

export interface PlannedUser {
  name: string;
  role: UserRole;
  /** What the user is for, in one line. */
  purpose: string;
  enabled: boolean;
  /** True when the user gets a generated password (stored as #sha256 in users.acl). */
  password: boolean;
  /** The env variable in secrets.env holding the plaintext, when `password`. */
  secretEnv?: string;
  /** ACL rules after the flags and password, in order; valid for the target version. */
  rules: string[];
}

export interface PlannedCertificate {
  role: 'ca' | 'server' | 'client';
  commonName: string;
  dnsNames: string[];
  ips: string[];
  validityDays: number;
  /** Paths inside the bundle. */
  certFile: string;
  keyFile: string;
}

export interface TlsPlan {
  mozillaProfile: MozillaProfileName;
  guideline: '6.0';
  keyAlgorithm: KeyAlgorithm;
  port: number;
  /** The plaintext port is closed (`port 0`). */
  plaintextDisabled: boolean;
  authClients: 'yes' | 'optional' | 'no';
  /** tls-replication: always on with TLS, so a replica added later cannot fall back to cleartext. */
  replication: boolean;
  /** tls-cluster: on when the profile uses cluster mode. */
  cluster: boolean;
  caValidityDays: number;
  leafValidityDays: number;
  serverDnsNames: string[];
  serverIps: string[];
  clientNames: string[];
  certificates: PlannedCertificate[];
  protocols: string[];
  ciphersuites: string[];
  ciphers: string[];
}

export interface FirewallPort {
  port: number;
  purpose: 'data' | 'cluster-bus' | 'sentinel';
  /** Who may connect: application sources and/or the Redis/Sentinel peers. */
  from: ('apps' | 'peers')[];
}

export interface FirewallPlan {
  exposure: Profile['network_exposure'];
  ports: FirewallPort[];
  appSources: string[];
  peerSources: string[];
  /** Rate-limit new connections per source (the compensating control for no lockout, PCI 8.3.4). */
  rateLimit: boolean;
  /** True when the sources are the RFC 1918/ULA defaults, not the profile's own. */
  defaultSources: boolean;
}

export type ChecklistStatus = 'enforced' | 'verifiable' | 'manual';

export interface ChecklistItem {
  id: string;
  section: 'Network Layer' | 'Authentication' | 'Encryption' | 'Command Security' | 'Monitoring' | 'Compliance';
  text: string;
  /** enforced = this bundle does it; verifiable = `redsec audit` can check it; manual = a human must. */
  status: ChecklistStatus;
  /** Check IDs (shared/spec checks.md) `redsec audit` reports for this item. */
  checks: string[];
  /** Compliance references for the selected frameworks (all frameworks when none is selected). */
  compliance: string[];
  note?: string;
}

export interface Warning {
  id: string;
  severity: 'info' | 'warning' | 'critical';
  message: string;
}

export interface Plan {
  schema_version: 1;
  profile: Profile;
  version: VersionId;
  bind: string[];
  /** The port clients use: tls-port when TLS is on, else port. */
  clientPort: number;
  aclFile: string;
  directives: PlannedDirective[];
  users: PlannedUser[];
  tls: TlsPlan | null;
  firewall: FirewallPlan;
  checklist: ChecklistItem[];
  warnings: Warning[];
}
