import { MOZILLA_PROFILES } from '../../tls/index.js';
import type { Plan } from '../types.js';
import { describeUserRules } from './users-acl.js';

/** A certificate as the inventory shows it (PCI DSS 4.2.1.1): never a key. */
export interface CertificateInventoryEntry {
  role: 'ca' | 'server' | 'client';
  subject: string;
  dnsNames: string[];
  ips: string[];
  serial: string;
  notBefore: string;
  notAfter: string;
  sha256Fingerprint: string;
  file: string;
}

export interface BundleSummary {
  dir: string;
  files: { path: string; mode: string }[];
}

/**
 * The seed's output_schema (security_config, acl_rules, tls_config, audit_checklist, warnings)
 * plus firewall and bundle details. No secrets, not even password hashes.
 */
export function renderOutput(plan: Plan, extra: { certificates?: CertificateInventoryEntry[]; bundle?: BundleSummary } = {}): Record<string, unknown> {
  const tls = plan.tls;
  return {
    schema_version: 1,
    profile: plan.profile,
    security_config: {
      redis_version: plan.version,
      bind: plan.bind,
      port: tls ? 0 : plan.clientPort,
      tls_port: tls ? tls.port : 0,
      aclfile: plan.aclFile,
      directives: plan.directives.map((d) => ({ name: d.name, args: d.args, reason: d.reason })),
    },
    acl_rules: plan.users.map((u) => ({
      user: u.name,
      role: u.role,
      enabled: u.enabled,
      purpose: u.purpose,
      rules: describeUserRules(u),
      ...(u.password ? { secret: `secrets.env:${u.secretEnv ?? ''}` } : {}),
    })),
    tls_config: tls
      ? {
          enabled: true,
          mozilla_profile: tls.mozillaProfile,
          guideline: tls.guideline,
          protocols: tls.protocols,
          ciphersuites: tls.ciphersuites,
          ciphers: tls.ciphers,
          tls_curves: MOZILLA_PROFILES[tls.mozillaProfile].tlsCurves,
          auth_clients: tls.authClients,
          replication: tls.replication,
          cluster: tls.cluster,
          key_algorithm: tls.keyAlgorithm,
          ca_validity_days: tls.caValidityDays,
          leaf_validity_days: tls.leafValidityDays,
          server_dns_names: tls.serverDnsNames,
          server_ips: tls.serverIps,
          client_certificates: tls.clientNames,
          ...(extra.certificates ? { certificates: extra.certificates } : {}),
        }
      : { enabled: false, reason: plan.profile.security_level === 'basic' ? 'basic level: no TLS' : 'standard level on localhost: no TLS needed on-host' },
    audit_checklist: plan.checklist,
    warnings: plan.warnings,
    firewall: plan.firewall,
    ...(extra.bundle ? { bundle: extra.bundle } : {}),
  };
}

/** plan.json: the desired state (for `redsec audit --profile` and change review), with the certificate inventory. */
export function renderPlanJson(plan: Plan, certificates?: CertificateInventoryEntry[]): string {
  return `${JSON.stringify({ ...plan, ...(certificates ? { certificates } : {}) }, null, 2)}\n`;
}

/** The human summary for --format text. */
export function renderText(plan: Plan, extra: { bundle?: BundleSummary } = {}): string {
  const p = plan.profile;
  const tls = plan.tls;
  const lines = [
    `redsec generate: ${p.security_level} / ${p.network_exposure} / Redis ${p.redis_version}${p.compliance_requirements.length ? ` / ${p.compliance_requirements.join(', ')}` : ''}`,
    '',
    `Listen:   bind ${plan.bind.join(' ')}; ${tls ? `TLS only on ${tls.port} (port 0), Mozilla ${tls.mozillaProfile}, client certificates ${tls.authClients === 'yes' ? 'required' : 'optional'}` : `plaintext port ${plan.clientPort}, no TLS`}`,
    `Config:   ${plan.directives.length} directives in redis.conf`,
    `Users:    ${plan.users.map((u) => `${u.name}${u.enabled ? '' : ' (off)'}`).join(', ')}`,
    `Firewall: ${plan.firewall.ports.map((fp) => `${fp.port}/${fp.purpose}`).join(', ')}; sources: ${plan.firewall.appSources.length ? plan.firewall.appSources.join(', ') : plan.firewall.exposure === 'localhost' ? 'none (loopback only)' : 'none yet (add app_cidrs)'}`,
  ];
  const counts = { enforced: 0, verifiable: 0, manual: 0 };
  for (const i of plan.checklist) counts[i.status]++;
  lines.push(`Checklist: ${counts.enforced} enforced, ${counts.verifiable} verifiable with redsec audit, ${counts.manual} manual`);
  if (plan.warnings.length) {
    lines.push('', 'Warnings:');
    for (const w of plan.warnings) lines.push(`  [${w.severity}] ${w.message}`);
  }
  if (extra.bundle) {
    lines.push('', `Bundle written to ${extra.bundle.dir}:`);
    for (const f of extra.bundle.files) lines.push(`  ${f.mode}  ${f.path}`);
    lines.push('', 'Passwords are in secrets.env (mode 0600): move them to a vault, then delete the file.');
  } else {
    lines.push('', 'Nothing written: pass --out DIR to write the bundle (redis.conf, users.acl, secrets.env, tls/, firewall/, monitoring/, CHECKLIST.md, plan.json).');
  }
  return `${lines.join('\n')}\n`;
}
