import type { ComplianceFramework } from '../profile/index.js';
import type { ChecklistItem, ChecklistStatus, Plan } from './types.js';

/**
 * The seed's hardening checklist, each item marked enforced (this bundle does it), verifiable
 * (`redsec audit` checks it) or manual, with the compliance requirements it serves.
 */

type Refs = Partial<Record<ComplianceFramework, string[]>>;

interface ItemSpec {
  id: string;
  section: ChecklistItem['section'];
  text: string;
  checks: string[];
  refs: Refs;
  status: (plan: Omit<Plan, 'checklist'>) => ChecklistStatus | { status: ChecklistStatus; note: string };
}

const PREFIX: Record<ComplianceFramework, string> = {
  pci_dss: 'PCI DSS 4.0',
  hipaa: 'HIPAA',
  sox: 'SOX ITGC',
  gdpr: 'GDPR',
};

const enforced = (): ChecklistStatus => 'enforced';
const verifiable = (): ChecklistStatus => 'verifiable';
const manual = (): ChecklistStatus => 'manual';
const level = (plan: Omit<Plan, 'checklist'>): string => plan.profile.security_level;

const ITEMS: ItemSpec[] = [
  // Network Layer
  { id: 'net-bind', section: 'Network Layer', text: 'Bind to specific IP (not 0.0.0.0)', checks: ['NET-BIND-ALL', 'NET-BIND-PUBLIC'], refs: { pci_dss: ['1.3.1', '1.4.4'], hipaa: ['164.312(a)(1)'], gdpr: ['Art. 32(1)(b)'] },
    status: (p) => (p.bind.some((b) => ['0.0.0.0', '::', '*', '::*', '-::*'].includes(b)) ? 'verifiable' : 'enforced') },
  { id: 'net-protected-mode', section: 'Network Layer', text: 'Enable protected-mode', checks: ['NET-PROTECTED-MODE-OFF', 'NET-PROTECTED-MODE-PRE7-BIND'], refs: { pci_dss: ['2.2.6'] }, status: enforced },
  { id: 'net-firewall', section: 'Network Layer', text: 'Configure firewall rules', checks: [], refs: { pci_dss: ['1.2.1', '1.2.5', '1.3.1'], hipaa: ['164.312(a)(1)'], gdpr: ['Art. 32(1)(b)'] },
    status: () => ({ status: 'manual', note: 'rules for iptables, nftables, ufw, AWS and Kubernetes are in firewall/; apply one set' }) },
  { id: 'net-private', section: 'Network Layer', text: 'Use private network/VPC', checks: ['NET-BIND-PUBLIC'], refs: { pci_dss: ['1.3.1', '1.4.4'], gdpr: ['Art. 25'] },
    status: (p) => (p.profile.network_exposure === 'public' ? { status: 'manual', note: 'profile exposure is public: keep the source allow-list tight' } : 'manual') },
  { id: 'net-public-port', section: 'Network Layer', text: 'Disable Redis port on public interfaces', checks: ['NET-UNAUTH-REACHABLE'], refs: { pci_dss: ['1.4.4'] },
    status: () => ({ status: 'verifiable', note: 'run redsec audit from outside the network as well' }) },
  { id: 'net-timeout', section: 'Network Layer', text: 'Close idle connections (timeout 300)', checks: ['NET-IDLE-TIMEOUT'], refs: { pci_dss: ['8.2.8'], hipaa: ['164.312(a)(2)(iii)'] }, status: enforced },
  // Authentication
  { id: 'auth-strong-password', section: 'Authentication', text: 'Strong password (32+ chars, random)', checks: ['AUTH-WEAK-PASSWORD'], refs: { pci_dss: ['8.3.6'], hipaa: ['164.312(d)'] },
    status: () => ({ status: 'enforced', note: '256-bit random secrets (64 hex characters with letters and digits)' }) },
  { id: 'auth-acl', section: 'Authentication', text: 'Use ACL system (Redis 6.0+)', checks: ['ACL-ALLCOMMANDS', 'ACL-ALLKEYS'], refs: { pci_dss: ['7.2.1', '7.2.2'], hipaa: ['164.312(a)(1)'], sox: ['access to programs and data'], gdpr: ['Art. 25'] }, status: enforced },
  { id: 'auth-per-app', section: 'Authentication', text: 'Separate users per application', checks: ['AUTH-SHARED-PASSWORD', 'ACL-ROLE-TEMPLATES'], refs: { pci_dss: ['8.2.1', '8.2.2'], hipaa: ['164.312(a)(2)(i)'], sox: ['segregation of duties'] }, status: enforced },
  { id: 'auth-no-default', section: 'Authentication', text: 'No default user with full access', checks: ['AUTH-NOPASS-DEFAULT', 'AUTH-DEFAULT-USER-ENABLED'], refs: { pci_dss: ['2.2.2', '8.3.1'], gdpr: ['Art. 25'] },
    status: (p) => (level(p) === 'basic' ? { status: 'enforced', note: 'basic level: default user kept, with a secret and without @dangerous' } : 'enforced') },
  { id: 'auth-hashes-only', section: 'Authentication', text: 'Passwords stored as SHA-256 hashes only', checks: ['AUTH-CLEARTEXT-SECRET', 'AUTH-CONF-PERMS'], refs: { pci_dss: ['8.3.2', '8.6.2'], hipaa: ['164.312(d)'] }, status: enforced },
  { id: 'auth-rotation', section: 'Authentication', text: 'Regular password rotation', checks: ['AUTH-PASSWORD-AGE'], refs: { pci_dss: ['8.3.9', '8.6.3'], sox: ['access to programs and data'] },
    status: () => ({ status: 'manual', note: 'redsec rotate password begin/finish (two passwords per user while clients move); audit with --rotation-state for the age' }) },
  // Encryption
  { id: 'tls-clients', section: 'Encryption', text: 'TLS enabled for client connections', checks: ['TLS-DISABLED', 'NET-PLAINTEXT-PORT-WITH-TLS'], refs: { pci_dss: ['4.2.1', '8.3.2'], hipaa: ['164.312(e)(1)', '164.312(e)(2)(ii)'], gdpr: ['Art. 32(1)(a)'] },
    status: (p) => (p.tls ? 'enforced' : 'verifiable') },
  { id: 'tls-replication', section: 'Encryption', text: 'TLS for replication traffic', checks: ['TLS-INTERNODE'], refs: { pci_dss: ['4.2.1'], hipaa: ['164.312(e)(1)'] },
    status: (p) => (p.tls?.replication ? 'enforced' : { status: 'verifiable', note: 'no TLS at this level' }) },
  { id: 'tls-cluster', section: 'Encryption', text: 'TLS for cluster bus (if applicable)', checks: ['TLS-INTERNODE'], refs: { pci_dss: ['4.2.1'], hipaa: ['164.312(e)(1)'] },
    status: (p) => (p.tls?.cluster ? 'enforced' : { status: 'verifiable', note: p.profile.cluster ? 'no TLS at this level' : 'profile uses no cluster' }) },
  { id: 'tls-ciphers', section: 'Encryption', text: 'Strong cipher suites only', checks: ['TLS-PROTOCOLS', 'TLS-CIPHERS'], refs: { pci_dss: ['4.2.1', '12.3.3'], hipaa: ['164.312(e)(2)(ii)'], gdpr: ['Art. 32(1)(a)'] },
    status: (p) => (p.tls ? { status: 'enforced', note: `Mozilla ${p.tls.mozillaProfile} (guideline ${p.tls.guideline})` } : 'verifiable') },
  { id: 'tls-mtls', section: 'Encryption', text: 'Client certificates required (mutual TLS)', checks: ['TLS-CLIENT-AUTH'], refs: { pci_dss: ['8.4.2'], hipaa: ['164.312(d)'] },
    status: (p) => (p.tls?.authClients === 'yes' ? 'enforced' : 'verifiable') },
  { id: 'tls-rotation', section: 'Encryption', text: 'Regular certificate rotation', checks: ['TLS-CERT'], refs: { pci_dss: ['4.2.1', '4.2.1.1'] },
    status: (p) => (p.tls ? { status: 'manual', note: `leaf certificates expire after ${p.tls.leafValidityDays} days; reissue and CONFIG SET the same paths` } : 'manual') },
  // Command Security
  { id: 'cmd-dangerous', section: 'Command Security', text: 'Dangerous commands disabled/renamed', checks: ['ACL-DANGEROUS', 'CMD-PROTECTED-CONFIGS', 'CMD-MODULE-CMD', 'ACL-REPLICAOF'], refs: { pci_dss: ['2.2.4', '2.2.5'], sox: ['change management'] },
    status: (p) => (p.version === '6.2' ? { status: 'enforced', note: 'ACL -@dangerous for users; DEBUG and MODULE renamed away (6.2 has no enable-* switches)' } : { status: 'enforced', note: 'ACL -@dangerous for users; enable-* switches off' }) },
  { id: 'cmd-keys', section: 'Command Security', text: 'KEYS command disabled', checks: ['CMD-KEYS-FLUSH'], refs: { pci_dss: ['2.2.4'] }, status: () => ({ status: 'enforced', note: 'for application and read-only users' }) },
  { id: 'cmd-debug', section: 'Command Security', text: 'DEBUG commands disabled', checks: ['CMD-DEBUG-CMD'], refs: { pci_dss: ['2.2.4'] }, status: enforced },
  { id: 'cmd-config', section: 'Command Security', text: 'CONFIG restricted to admins', checks: ['ACL-DANGEROUS', 'CMD-PROTECTED-CONFIGS'], refs: { pci_dss: ['7.2.1'], sox: ['change management', 'segregation of duties'] }, status: enforced },
  { id: 'cmd-scripting', section: 'Command Security', text: 'Scripting (EVAL, FCALL) only for applications that need it', checks: ['ACL-SCRIPTING'], refs: { pci_dss: ['2.2.4', '7.2.2'] }, status: enforced },
  // Monitoring
  { id: 'mon-auth-alerts', section: 'Monitoring', text: 'Failed auth attempt alerts', checks: ['AUTH-BRUTEFORCE-SIGNALS'], refs: { pci_dss: ['8.3.4', '10.2.1.4'], hipaa: ['164.312(b)'], sox: ['logging and monitoring'] },
    status: () => ({ status: 'manual', note: 'Redis has no lockout: alert on ACL LOG and acl_access_denied_auth (compensating control): redsec watch, or redsec exporter with monitoring/prometheus-rules.yml (RedsecAuthFailureBurst)' }) },
  { id: 'mon-connections', section: 'Monitoring', text: 'Connection spike detection', checks: ['NET-MAXCLIENTS'], refs: { pci_dss: ['10.4.1'] },
    status: () => ({ status: 'manual', note: 'redsec watch, or monitoring/prometheus-rules.yml (RedsecConnectionRateAnomaly, RedsecRejectedConnections, RedsecMaxclientsHeadroomLow)' }) },
  { id: 'mon-audit-log', section: 'Monitoring', text: 'Command audit logging', checks: ['LOG-AUDIT-GAP'], refs: { pci_dss: ['10.2.1', '10.2.2'], hipaa: ['164.312(b)'], sox: ['logging and monitoring'], gdpr: ['Art. 33(5)'] },
    status: () => ({ status: 'manual', note: 'open-source Redis has no per-command audit log: use a proxy or application logging' }) },
  { id: 'mon-log-sink', section: 'Monitoring', text: 'Logs shipped off the host', checks: ['LOG-NO-SINK'], refs: { pci_dss: ['10.3.3', '10.5.1'], hipaa: ['164.312(b)'] },
    status: (p) => (p.directives.some((d) => d.name === 'syslog-enabled') ? { status: 'enforced', note: 'syslog-enabled yes; forward syslog to the SIEM' } : 'verifiable') },
  { id: 'mon-anomaly', section: 'Monitoring', text: 'Anomaly detection', checks: ['IOC-UNKNOWN-CLIENTS', 'IOC-ROGUE-MASTER'], refs: { pci_dss: ['11.5.1'] },
    status: () => ({ status: 'manual', note: 'redsec watch, or monitoring/prometheus-rules.yml (rate baselines, drift, new users, dangerous commands)' }) },
  // Compliance
  { id: 'comp-at-rest', section: 'Compliance', text: 'Encryption at rest (disk-level)', checks: ['DATA-AT-REST'], refs: { pci_dss: ['3.5.1', '3.5.1.2'], hipaa: ['164.312(a)(2)(iv)'], gdpr: ['Art. 32(1)(a)', 'Art. 34(3)(a)'] },
    status: () => ({ status: 'manual', note: 'Redis writes RDB/AOF in plaintext: encrypt the volume; PCI also wants PAN encrypted in the application' }) },
  { id: 'comp-assessments', section: 'Compliance', text: 'Regular security assessments', checks: ['VER-CVE', 'VER-EOL'], refs: { pci_dss: ['11.3.1', '6.3.3'], gdpr: ['Art. 32(1)(d)'] },
    status: () => ({ status: 'verifiable', note: 'schedule redsec audit and keep the reports' }) },
  { id: 'comp-procedures', section: 'Compliance', text: 'Documented access procedures', checks: [], refs: { pci_dss: ['7.2.4', '8.2.6'], hipaa: ['164.312(a)(2)(ii)'], sox: ['access to programs and data'] }, status: manual },
  { id: 'comp-incident', section: 'Compliance', text: 'Incident response plan', checks: [], refs: { pci_dss: ['12.10.1'], gdpr: ['Art. 33', 'Art. 34'] }, status: manual },
];

function complianceRefs(refs: Refs, selected: readonly ComplianceFramework[]): string[] {
  const frameworks = selected.length > 0 ? selected : (Object.keys(PREFIX) as ComplianceFramework[]);
  return frameworks.flatMap((f) => (refs[f] ?? []).map((r) => `${PREFIX[f]} ${r}`));
}

export function planChecklist(plan: Omit<Plan, 'checklist'>): ChecklistItem[] {
  const p = plan.profile;
  // The compliance section applies at the compliance level or when a framework is named.
  const withCompliance = p.security_level === 'compliance' || p.compliance_requirements.length > 0;
  return ITEMS.filter((i) => i.section !== 'Compliance' || withCompliance).map((spec) => {
    const s = spec.status(plan);
    const { status, note } = typeof s === 'string' ? { status: s, note: undefined } : s;
    const item: ChecklistItem = { id: spec.id, section: spec.section, text: spec.text, status, checks: spec.checks, compliance: complianceRefs(spec.refs, p.compliance_requirements) };
    if (note !== undefined) item.note = note;
    return item;
  });
}
