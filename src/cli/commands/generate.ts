import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { InputError, UsageError } from '../../errors.js';
// The implementation is imported when the action runs: start-up stays small for every other command.
import type { BundleSummary } from '../../generate/index.js';
import type { Profile } from '../../profile/index.js';
import { requestVersion, tableName, VERSION_LIST } from '../../versions/lines.js';
import type { VersionId } from '../../versions/types.js';
import { action, out } from '../action.js';

export interface GenerateFlags {
  level?: string;
  exposure?: string;
  compliance?: string;
  redisVersion?: string;
  profile?: string;
  out?: string;
  format: 'json' | 'text';
  force?: boolean;
  port?: string;
  bind?: string;
  hostname?: string;
  ip?: string;
  app?: string[];
  appCidr?: string;
  peerCidr?: string;
  replication?: boolean;
  sentinel?: boolean;
  cluster?: boolean;
  tlsKeyAlgorithm?: string;
  configDir?: string;
}

const list = (s: string): string[] => s.split(',').map((x) => x.trim()).filter(Boolean);

/** `--app orders=orders:,cart:` → a read-write application on those key prefixes. */
function parseAppFlag(spec: string, i: number): Record<string, unknown> {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new InputError(`expected NAME=PREFIX[,PREFIX...], got ${JSON.stringify(spec)}`, `--app[${i}]`);
  return { name: spec.slice(0, eq), key_prefixes: list(spec.slice(eq + 1)) };
}

/**
 * --redis-version: a table id, or a newer line (8.2, valkey-9.0) built from the nearest tables with
 * a warning that says so; versions older than 6.2 are refused.
 */
function targetVersion(given: string): { id: VersionId; note?: string | undefined } {
  const r = requestVersion(given);
  if (!r.ok) throw new InputError(r.reason, '--redis-version');
  if (r.choice.relation !== 'newer') return { id: r.choice.id };
  const name = r.flavor === 'valkey' ? 'Valkey' : 'Redis';
  return {
    id: r.choice.id,
    note: `${name} ${r.version} is newer than redsec's tables: generated for the ${r.choice.id} tables (from ${tableName(r.choice.id)}), so only directives and commands ${r.choice.id} has are used; check the release notes of ${r.version} for anything new it would need`,
  };
}

/** The profile from --profile FILE (JSON) with the flags laid over it; validated by the profile schema. */
export async function profileFromFlags(flags: GenerateFlags): Promise<Profile> {
  let base: Record<string, unknown> = {};
  if (flags.profile !== undefined) {
    let text: string;
    try {
      text = await readFile(flags.profile, 'utf8');
    } catch (e) {
      throw new InputError(`cannot read profile (${(e as NodeJS.ErrnoException).code ?? 'error'})`, flags.profile);
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new InputError(`not valid JSON (${(e as Error).message.split('\n')[0]})`, flags.profile);
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new InputError('a profile must be a JSON object', flags.profile);
    base = data as Record<string, unknown>;
  }
  const set = (key: string, value: unknown): void => {
    if (value !== undefined) base[key] = value;
  };
  set('security_level', flags.level);
  set('network_exposure', flags.exposure);
  set('compliance_requirements', flags.compliance === undefined ? undefined : list(flags.compliance));
  set('redis_version', flags.redisVersion === undefined ? undefined : targetVersion(flags.redisVersion).id);
  // A non-numeric port stays a string so the schema reports it against the `port` field.
  set('port', flags.port === undefined ? undefined : /^\d+$/.test(flags.port) ? Number(flags.port) : flags.port);
  set('bind', flags.bind === undefined ? undefined : list(flags.bind));
  set('hostnames', flags.hostname === undefined ? undefined : list(flags.hostname));
  set('ips', flags.ip === undefined ? undefined : list(flags.ip));
  set('applications', flags.app === undefined ? undefined : flags.app.map(parseAppFlag));
  set('app_cidrs', flags.appCidr === undefined ? undefined : list(flags.appCidr));
  set('peer_cidrs', flags.peerCidr === undefined ? undefined : list(flags.peerCidr));
  set('replication', flags.replication);
  set('sentinel', flags.sentinel);
  set('cluster', flags.cluster);
  set('tls_key_algorithm', flags.tlsKeyAlgorithm);
  set('config_dir', flags.configDir);
  const { parseProfile } = await import('../../profile/index.js');
  return parseProfile(base);
}

/** The command's work, apart from commander: returns what to print. */
export async function runGenerate(flags: GenerateFlags): Promise<string> {
  if (flags.force && flags.out === undefined) throw new UsageError('--force needs --out DIR');
  const profile = await profileFromFlags(flags);
  const newerThanTables = flags.redisVersion === undefined ? undefined : targetVersion(flags.redisVersion).note;
  const { buildPlan, generateBundle, renderOutput, renderText, validatePlan, writeBundle } = await import('../../generate/index.js');
  if (flags.out === undefined) {
    const plan = buildPlan(profile, { newerThanTables });
    validatePlan(plan);
    return flags.format === 'json' ? JSON.stringify(renderOutput(plan), null, 2) : renderText(plan);
  }
  const generated = await generateBundle(profile, { newerThanTables });
  const dir = await writeBundle(flags.out, generated.files, { force: flags.force ?? false });
  const bundle: BundleSummary = { dir, files: generated.files.map((f) => ({ path: f.path, mode: f.mode.toString(8).padStart(4, '0') })) };
  return flags.format === 'json'
    ? JSON.stringify(renderOutput(generated.plan, { certificates: generated.certificates, bundle }), null, 2)
    : renderText(generated.plan, { bundle });
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('Generate a hardened, version-correct bundle (redis.conf, users.acl, TLS, firewall, checklist) from a security profile')
    .option('--level <level>', 'security_level: basic, standard, hardened, compliance')
    .option('--exposure <exposure>', 'network_exposure: localhost, private_network, public')
    .option('--compliance <list>', 'compliance_requirements, comma-separated: pci_dss,hipaa,sox,gdpr')
    .option('--redis-version <version>', `target: ${VERSION_LIST}, or a newer line such as 8.2 (the nearest tables, with a note) (default 7.2)`)
    .option('--profile <file>', 'profile JSON (schema/profile.schema.json); flags override its fields')
    .option('--out <dir>', 'write the bundle to this directory (atomically)')
    .option('--force', 'replace a non-empty --out directory')
    .addOption(new Option('--format <format>', 'stdout format').choices(['text', 'json']).default('text'))
    .option('--port <port>', 'client port (default 6379)')
    .option('--bind <addresses>', 'listen addresses, comma-separated')
    .option('--hostname <names>', 'server DNS names for the certificate, comma-separated')
    .option('--ip <addresses>', 'server IP addresses for the certificate and bind, comma-separated')
    .option('--app <name=prefixes>', 'a read-write application user on key prefixes, e.g. orders=orders:,cart: (repeatable)', collect)
    .option('--app-cidr <cidrs>', 'application sources for the firewall, comma-separated')
    .option('--peer-cidr <cidrs>', 'Redis/Sentinel peer sources for the firewall, comma-separated')
    .option('--replication', 'replication is used')
    .option('--sentinel', 'Sentinel is used')
    .option('--cluster', 'cluster mode is used')
    .option('--tls-key-algorithm <alg>', 'certificate keys: ecdsa-p256 (default), ecdsa-p384, rsa-2048, rsa-3072, rsa-4096')
    .option('--config-dir <dir>', 'where the bundle will be installed (default /etc/redis)')
    .action(
      action(async (flags: GenerateFlags) => {
        out(await runGenerate(flags));
        return 0;
      }),
    );
}
