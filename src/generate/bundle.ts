import { X509Certificate } from 'node:crypto';
import { generatePki, type IssuedCert, type Pki } from '../certs/index.js';
import type { Profile } from '../profile/index.js';
import { buildPlan } from './plan.js';
import { renderChecklist } from './render/checklist-md.js';
import { renderAlertmanagerExample } from './render/alertmanager.js';
import { renderAwsSecurityGroup, renderIptables, renderK8sNetworkPolicy, renderNftables, renderUfw } from './render/firewall.js';
import { renderPrometheusRules } from './render/prometheus-rules.js';
import { renderPlanJson, type CertificateInventoryEntry } from './render/output.js';
import { renderRedisConf } from './render/redis-conf.js';
import { renderSecretsEnv } from './render/secrets-env.js';
import { renderUsersAcl } from './render/users-acl.js';
import { generateSecrets, passwordHash, type RandomBytes } from './secrets.js';
import type { Plan, PlannedCertificate } from './types.js';
import { validatePlan } from './validate.js';

/** One file of the bundle: a path inside it, its text and its mode. */
export interface BundleFile {
  path: string;
  content: string;
  mode: number;
}

export interface GeneratedBundle {
  plan: Plan;
  files: BundleFile[];
  certificates: CertificateInventoryEntry[];
}

export interface GenerateOptions {
  /** Random source for passwords (tests inject a deterministic one). */
  random?: RandomBytes;
  /** Issue certificates as if at this time. */
  now?: Date;
  /** See PlanOptions.newerThanTables. */
  newerThanTables?: string | undefined;
}

/** Private keys and plaintext secrets: owner only. */
export const SECRET_MODE = 0o600;
const PUBLIC_MODE = 0o644;
const CONFIG_MODE = 0o640;
const SCRIPT_MODE = 0o750;

function inventory(cert: IssuedCert, planned: PlannedCertificate): CertificateInventoryEntry {
  const x = new X509Certificate(cert.certPem);
  return {
    role: planned.role,
    subject: cert.subject,
    dnsNames: planned.dnsNames,
    ips: planned.ips,
    serial: cert.serialHex,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    sha256Fingerprint: x.fingerprint256,
    file: planned.certFile,
  };
}

function pkiFiles(plan: Plan, pki: Pki): { files: BundleFile[]; certificates: CertificateInventoryEntry[] } {
  const files: BundleFile[] = [];
  const certificates: CertificateInventoryEntry[] = [];
  for (const planned of plan.tls?.certificates ?? []) {
    const cert = planned.role === 'ca' ? pki.ca : planned.role === 'server' ? pki.server : pki.clients.find((c) => c.name === planned.commonName);
    if (!cert) throw new Error(`internal: no certificate issued for ${planned.commonName}`);
    files.push({ path: planned.certFile, content: cert.certPem, mode: PUBLIC_MODE }, { path: planned.keyFile, content: cert.keyPem, mode: SECRET_MODE });
    certificates.push(inventory(cert, planned));
  }
  return { files, certificates };
}

/**
 * Profile → plan → every file of the bundle, in memory. Draws fresh secrets and issues
 * certificates; writes nothing (see writeBundle).
 */
export async function generateBundle(profile: Profile, opts: GenerateOptions = {}): Promise<GeneratedBundle> {
  const plan = buildPlan(profile, { newerThanTables: opts.newerThanTables });
  validatePlan(plan);
  const passwords = generateSecrets(plan, opts.random);
  const hashes = new Map([...passwords].map(([user, pw]) => [user, passwordHash(pw)]));
  let tlsFiles: BundleFile[] = [];
  let certificates: CertificateInventoryEntry[] = [];
  if (plan.tls) {
    const pki = await generatePki({
      keyAlgorithm: plan.tls.keyAlgorithm,
      serverDnsNames: plan.tls.serverDnsNames,
      serverIps: plan.tls.serverIps,
      clientNames: plan.tls.clientNames,
      caValidityDays: plan.tls.caValidityDays,
      leafValidityDays: plan.tls.leafValidityDays,
      ...(opts.now ? { now: opts.now } : {}),
    });
    ({ files: tlsFiles, certificates } = pkiFiles(plan, pki));
  }
  const fw = plan.firewall;
  const files: BundleFile[] = [
    { path: 'redis.conf', content: renderRedisConf(plan), mode: CONFIG_MODE },
    { path: 'users.acl', content: renderUsersAcl(plan, hashes), mode: SECRET_MODE },
    { path: 'secrets.env', content: renderSecretsEnv(plan, passwords), mode: SECRET_MODE },
    ...tlsFiles,
    { path: 'firewall/iptables.sh', content: renderIptables(fw), mode: SCRIPT_MODE },
    { path: 'firewall/nftables.nft', content: renderNftables(fw), mode: CONFIG_MODE },
    { path: 'firewall/ufw.sh', content: renderUfw(fw), mode: SCRIPT_MODE },
    { path: 'firewall/aws-security-group.json', content: renderAwsSecurityGroup(fw), mode: PUBLIC_MODE },
    { path: 'firewall/k8s-networkpolicy.yaml', content: renderK8sNetworkPolicy(fw), mode: PUBLIC_MODE },
    { path: 'monitoring/prometheus-rules.yml', content: renderPrometheusRules(plan.profile.security_level), mode: PUBLIC_MODE },
    { path: 'monitoring/alertmanager-example.yml', content: renderAlertmanagerExample(), mode: PUBLIC_MODE },
    { path: 'CHECKLIST.md', content: renderChecklist(plan), mode: PUBLIC_MODE },
    { path: 'plan.json', content: renderPlanJson(plan, plan.tls ? certificates : undefined), mode: PUBLIC_MODE },
  ];
  return { plan, files, certificates };
}
