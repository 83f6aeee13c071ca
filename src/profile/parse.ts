import { isIP } from 'node:net';
import type { z } from 'zod';
import { InputError } from '../errors.js';
import { ProfileSchema, type Application, type Profile } from './schema.js';
import { secretEnvName } from './names.js';

/** ACL users the generator creates itself; an application may not take these names. */
export const RESERVED_USER_NAMES = ['default', 'admin', 'readonly', 'monitor', 'replication', 'sentinel'] as const;

/** The application a profile gets when it names none: one read-write user on `app:`. */
export const DEFAULT_APPLICATION: Application = {
  name: 'app',
  key_prefixes: ['app:'],
  channel_prefixes: ['app:'],
  access: 'read-write',
  scripting: false,
};

/** `applications[0].name`: the path a user sees in the error, JSON-style. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `${out ? '.' : ''}${String(part)}`;
  return out || 'profile';
}

/** True when `path` names a key its parent object does not have (zod reports that as a bad value). */
function isMissing(input: unknown, path: readonly PropertyKey[]): boolean {
  let node: unknown = input;
  for (const part of path.slice(0, -1)) {
    if (typeof node !== 'object' || node === null) return false;
    node = (node as Record<PropertyKey, unknown>)[part];
  }
  const last = path[path.length - 1];
  return last !== undefined && typeof node === 'object' && node !== null && !Array.isArray(node) && !Object.hasOwn(node, last);
}

function issueToError(issue: z.core.$ZodIssue, input: unknown): InputError {
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    return new InputError('unknown field', fieldPath([...issue.path, key]));
  }
  if (isMissing(input, issue.path)) return new InputError('required field is missing', fieldPath(issue.path));
  return new InputError(issue.message, fieldPath(issue.path));
}


function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.');
}

/** A CIDR (or single address) and its prefix length; a bare address counts as a host route. */
function prefixLength(cidr: string): { ip: string; bits: number; max: number } {
  const [ip = '', bits] = cidr.split('/');
  const max = isIP(ip) === 6 ? 128 : 32;
  return { ip, bits: bits === undefined ? max : Number(bits), max };
}

/** Checks that need more than one field (zod checks one field at a time). */
function crossCheck(p: Profile): void {
  if (p.network_exposure === 'public' && p.compliance_requirements.includes('pci_dss')) {
    throw new InputError('public exposure is not allowed with pci_dss (PCI DSS 1.3.1, 1.4.4: cardholder data must not be reachable from untrusted networks)', 'network_exposure');
  }
  if (p.cluster && p.port + 10000 > 65535) throw new InputError(`the cluster bus needs port + 10000 <= 65535, so port must be at most 55535`, 'port');
  const names = new Set<string>();
  const envs = new Set<string>();
  p.applications.forEach((app, i) => {
    const where = `applications[${i}].name`;
    if ((RESERVED_USER_NAMES as readonly string[]).includes(app.name.toLowerCase())) {
      throw new InputError(`"${app.name}" is reserved for a generated user (${RESERVED_USER_NAMES.join(', ')})`, where);
    }
    if (names.has(app.name)) throw new InputError(`duplicate application name "${app.name}"`, where);
    const env = secretEnvName(app.name);
    if (envs.has(env)) throw new InputError(`"${app.name}" clashes with another application in secrets.env (${env})`, where);
    names.add(app.name);
    envs.add(env);
  });
  if (p.network_exposure === 'localhost') {
    p.bind?.forEach((ip, i) => {
      if (!isLoopback(ip)) throw new InputError(`${ip} is not a loopback address, but network_exposure is localhost`, `bind[${i}]`);
    });
  }
  for (const field of ['app_cidrs', 'peer_cidrs'] as const) {
    p[field].forEach((cidr, i) => {
      const { bits, max } = prefixLength(cidr);
      if (bits === 0) throw new InputError(`${cidr} allows every address; name the sources`, `${field}[${i}]`);
      if (p.network_exposure === 'public' && bits !== max) {
        throw new InputError(`public exposure allows only single addresses (/32 or /128), got ${cidr}`, `${field}[${i}]`);
      }
    });
  }
}

/**
 * Validates a profile (a parsed JSON object or the CLI flags) and fills in the defaults.
 * Throws InputError naming the field: `security_level: Invalid option: expected one of ...`.
 */
export function parseProfile(input: unknown): Profile {
  const result = ProfileSchema.safeParse(input);
  if (!result.success) {
    const first = result.error.issues[0];
    throw first ? issueToError(first, input) : new InputError('invalid profile', 'profile');
  }
  const { applications, tls_key_algorithm, ...rest } = result.data;
  const profile: Profile = {
    ...rest,
    applications: applications ?? [DEFAULT_APPLICATION],
    tls_key_algorithm: tls_key_algorithm ?? 'ecdsa-p256',
  };
  crossCheck(profile);
  return profile;
}

/** Reads a profile file's text (JSON) and validates it; `file` names it in errors. */
export function parseProfileJson(text: string, file: string): Profile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError(`not valid JSON (${(e as Error).message.split('\n')[0]})`, file);
  }
  return parseProfile(data);
}
