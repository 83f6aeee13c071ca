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
    security_level: z.enum(SECURITY_LEVELS),
    compliance_requirements: z.array(z.enum(COMPLIANCE_FRAMEWORKS)).default([]),
    network_exposure: z.enum(NETWORK_EXPOSURES),
    redis_version: z.enum(VERSION_IDS).default('7.2'),
    port: z.number().int().min(1).max(65535).default(6379),
    bind: z.array(ipAddress).min(1).optional(),
    hostnames: z.array(z.string().regex(DNS_NAME, 'expected a DNS name')).default([]),
    ips: z.array(ipAddress).default([]),
    applications: z.array(ApplicationSchema).optional(),
    replication: z.boolean().default(false),
    sentinel: z.boolean().default(false),
    cluster: z.boolean().default(false),
    tls_key_algorithm: z.enum(TLS_KEY_ALGORITHMS).optional(),
    app_cidrs: z.array(cidr).default([]),
    peer_cidrs: z.array(cidr).default([]),
    config_dir: absolutePath.default('/etc/redis'),
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
