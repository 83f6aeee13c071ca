import { z } from 'zod';
import { VERSION_IDS } from '../versions/index.js';

/**
 * The security profile: exactly the seed's input_schema (security_level, compliance_requirements,
 * network_exposure) plus the optional fields a real deployment needs. Strict: an unknown key is an
 * error, never silently ignored. No transforms, so the JSON Schema is a faithful copy.
 */

export const SECURITY_LEVELS = ['basic', 'standard', 'hardened', 'compliance'] as const;
export const COMPLIANCE_FRAMEWORKS = ['pci_dss', 'hipaa', 'sox', 'gdpr'] as const;
export const NETWORK_EXPOSURES = ['localhost', 'private_network', 'public'] as const;
export const TLS_KEY_ALGORITHMS = ['ecdsa-p256', 'ecdsa-p384', 'rsa-2048', 'rsa-3072', 'rsa-4096'] as const;

/** Names that become ACL user names and certificate CNs: no spaces, nothing Redis would split on. */
const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** Key/channel prefixes become `~prefix*` globs: no whitespace and no glob metacharacters. */
const PREFIX = /^[^\s*?[\]\\]{1,128}$/;
const DNS_NAME = /^(?=.{1,253}$)(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

const ipAddress = z.union([z.ipv4(), z.ipv6()], { error: 'expected an IPv4 or IPv6 address' });
const cidr = z.union([z.cidrv4(), z.cidrv6(), z.ipv4(), z.ipv6()], {
  error: 'expected a CIDR block (10.0.1.0/24, fd00::/64) or a single IP address',
});
const prefix = z.string().regex(PREFIX, 'expected 1-128 characters with no whitespace and none of * ? [ ] \\');
const absolutePath = z.string().regex(/^\/[^\s"'\\]*$/, 'expected an absolute path without spaces or quotes');

export const ApplicationSchema = z
  .object({
    name: z.string().regex(USER_NAME, 'expected 1-64 characters: letters, digits, _ . - (it becomes the ACL user name)'),
    key_prefixes: z.array(prefix).min(1, 'at least one key prefix, e.g. "orders:"'),
    channel_prefixes: z.array(prefix).default([]),
    access: z.enum(['read-only', 'read-write']).default('read-write'),
    scripting: z.boolean().default(false),
  })
  .strict();

export const ProfileSchema = z
  .object({
    security_level: z.enum(SECURITY_LEVELS).describe('Seed maturity level: basic (dev), standard (internal production), hardened (external/sensitive), compliance (PCI DSS, HIPAA ...)'),
    compliance_requirements: z.array(z.enum(COMPLIANCE_FRAMEWORKS)).default([]).describe('Frameworks the checklist and warnings map to'),
    network_exposure: z.enum(NETWORK_EXPOSURES).describe('Who can reach the server: the host only, a private network, or the internet'),
    redis_version: z.enum(VERSION_IDS).default('7.2').describe('Target server; nothing it would reject is generated'),
    port: z.number().int().min(1).max(65535).default(6379).describe('Client port (the TLS port when TLS is on)'),
    bind: z.array(ipAddress).min(1).optional().describe('Listen addresses; default loopback, plus `ips` off-host'),
    hostnames: z.array(z.string().regex(DNS_NAME, 'expected a DNS name')).default([]).describe('DNS names clients dial (server certificate SANs)'),
    ips: z.array(ipAddress).default([]).describe('Server addresses clients dial (certificate SANs, and bind when `bind` is not given)'),
    applications: z.array(ApplicationSchema).optional().describe('One least-privilege ACL user each; default one read-write app on app:*'),
    replication: z.boolean().default(false).describe('Replicas are used: a replication user (PSYNC, REPLCONF, PING) and masterauth guidance'),
    sentinel: z.boolean().default(false).describe('Sentinel is used: sentinel user, port 26379 in the firewall'),
    cluster: z.boolean().default(false).describe('Cluster mode: bus port (port + 10000), TLS on the bus, slot-map commands for apps'),
    tls_key_algorithm: z.enum(TLS_KEY_ALGORITHMS).optional().describe('Certificate keys; default ecdsa-p256'),
    app_cidrs: z.array(cidr).default([]).describe('Application sources allowed by the firewall (single addresses only for public exposure)'),
    peer_cidrs: z.array(cidr).default([]).describe('Other Redis nodes and sentinels (cluster bus, 26379)'),
    config_dir: absolutePath.default('/etc/redis').describe('Where the bundle is installed; redis.conf paths point here'),
    password_max_age_days: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .optional()
      .describe("Audit: the longest a password may live (AUTH-PASSWORD-AGE); default 90 for the compliance level or pci_dss (PCI DSS 8.3.9), else 365"),
  })
  .strict();

/** What a user writes (defaults optional). */
export type ProfileInput = z.input<typeof ProfileSchema>;
/** A validated profile with defaults filled in (applications may still be absent: see resolve). */
export type ParsedProfile = z.output<typeof ProfileSchema>;
export type Application = z.output<typeof ApplicationSchema>;
export type SecurityLevel = (typeof SECURITY_LEVELS)[number];
export type ComplianceFramework = (typeof COMPLIANCE_FRAMEWORKS)[number];
export type NetworkExposure = (typeof NETWORK_EXPOSURES)[number];
export type TlsKeyAlgorithm = (typeof TLS_KEY_ALGORITHMS)[number];

/** The profile every later stage works from: everything decided, nothing optional but `bind`. */
export interface Profile extends Omit<ParsedProfile, 'applications' | 'tls_key_algorithm'> {
  applications: Application[];
  tls_key_algorithm: TlsKeyAlgorithm;
}

/** The JSON Schema of the profile as a user writes it (fields with defaults are not required). */
export function profileJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ProfileSchema, { io: 'input' }),
    title: 'redsec security profile',
    description: "Input of 'redsec generate': the seed's input_schema plus deployment details.",
  } as Record<string, unknown>;
}
