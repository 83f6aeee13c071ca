/**
 * The target allowlist: the only servers the MCP tools can reach, named by the operator at start.
 * A tool call carries a NAME, never a URL, so a model cannot point redsec at another host; the
 * credentials come from the environment or files named at start, never from the model.
 */
import { accessSync, constants } from 'node:fs';
import { InputError, UsageError } from '../errors.js';
import { parseTarget, type Target } from '../resp/index.js';

export interface TargetTls {
  ca?: string;
  cert?: string;
  key?: string;
  servername?: string;
  insecure?: boolean;
}

/** Where a password is read from each time the target is used (so rotation needs no restart). */
export type SecretSource = { env: string } | { file: string };

export interface AllowedTarget {
  name: string;
  target: Target;
  password?: SecretSource;
  adminUser?: string;
  adminPassword?: SecretSource;
  tls?: TargetTls;
  /** CONFIG's name where rename-command renamed it (the operator's --config-command NAME=CMD). */
  configCommand?: string;
}

/** What the operator gave on the command line, per target name. */
export interface TargetSpec {
  url: string;
  passwordEnv?: string;
  passwordFile?: string;
  adminUser?: string;
  adminPasswordEnv?: string;
  adminPasswordFile?: string;
  tls?: TargetTls;
  configCommand?: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

function secretSource(name: string, kind: string, env: string | undefined, file: string | undefined, environment: NodeJS.ProcessEnv): SecretSource | undefined {
  if (env !== undefined && file !== undefined) throw new UsageError(`target '${name}': give the ${kind} from an environment variable or a file, not both`);
  if (env !== undefined) {
    if (!environment[env]) throw new UsageError(`target '${name}': environment variable ${env} is not set`);
    return { env };
  }
  if (file !== undefined) {
    try {
      accessSync(file, constants.R_OK);
    } catch {
      throw new UsageError(`target '${name}': cannot read ${kind} file ${file}`);
    }
    return { file };
  }
  return undefined;
}

/** One command name, as audit's --config-command takes it. */
function configCommandOf(name: string, value: string): string {
  if (!/^[\x21-\x7e]{1,64}$/.test(value)) throw new UsageError(`target '${name}': --config-command must be one command name (1 to 64 printable characters, no spaces)`);
  return value;
}

/** Validates the operator's targets once, at start: names, URLs, credential sources. */
export function buildTargets(specs: ReadonlyMap<string, TargetSpec>, environment: NodeJS.ProcessEnv = process.env): Map<string, AllowedTarget> {
  const out = new Map<string, AllowedTarget>();
  for (const [name, spec] of specs) {
    if (!NAME.test(name)) throw new UsageError(`target name '${name}': use letters, digits, _ . - (at most 64)`);
    let target: Target;
    try {
      target = parseTarget(spec.url);
    } catch (e) {
      throw new UsageError(`target '${name}': ${(e as Error).message}`);
    }
    // A password on the command line is visible to every local user in the process list.
    if (target.password !== undefined) throw new UsageError(`target '${name}': do not put the password in the URL; use --password-env or --password-file`);
    const password = secretSource(name, 'password', spec.passwordEnv, spec.passwordFile, environment);
    const adminPassword = secretSource(name, 'admin password', spec.adminPasswordEnv, spec.adminPasswordFile, environment);
    if (adminPassword && spec.adminUser === undefined) throw new UsageError(`target '${name}': an admin password needs --admin-user`);
    out.set(name, {
      name,
      target,
      ...(password ? { password } : {}),
      ...(spec.adminUser !== undefined ? { adminUser: spec.adminUser } : {}),
      ...(adminPassword ? { adminPassword } : {}),
      ...(spec.tls ? { tls: spec.tls } : {}),
      ...(spec.configCommand !== undefined ? { configCommand: configCommandOf(name, spec.configCommand) } : {}),
    });
  }
  return out;
}

/** The allowlisted target called `name`, or an error that lists the names that exist. */
export function lookupTarget(targets: ReadonlyMap<string, AllowedTarget>, name: string): AllowedTarget {
  const t = targets.get(name);
  if (t) return t;
  const names = [...targets.keys()];
  throw new InputError(
    names.length === 0
      ? 'no targets are allowlisted on this server (the operator starts it with --target NAME=URL)'
      : `'${name}' is not an allowlisted target; choose one of: ${names.join(', ')}`,
    'target',
  );
}

/**
 * The environment the library reads credentials from, holding only this target's secrets: an
 * empty one otherwise, so no target ever authenticates with another's (or the process's) password.
 */
export function credentialEnv(t: AllowedTarget, environment: NodeJS.ProcessEnv = process.env): { env: NodeJS.ProcessEnv; passwordFile?: string; adminPasswordFile?: string } {
  const env: NodeJS.ProcessEnv = {};
  const fromEnv = (s: SecretSource | undefined, into: string): void => {
    if (s && 'env' in s) {
      const value = environment[s.env];
      if (!value) throw new InputError(`the password variable for target '${t.name}' is no longer set`, 'target');
      env[into] = value;
    }
  };
  fromEnv(t.password, 'REDSEC_PASSWORD');
  fromEnv(t.adminPassword, 'REDSEC_ADMIN_PASSWORD');
  return {
    env,
    ...(t.password && 'file' in t.password ? { passwordFile: t.password.file } : {}),
    ...(t.adminPassword && 'file' in t.adminPassword ? { adminPasswordFile: t.adminPassword.file } : {}),
  };
}

/** What list/describe output may show about a target: name and masked URL, never a secret. */
export function describeTarget(t: AllowedTarget): { name: string; url: string; tls: boolean } {
  return { name: t.name, url: t.target.display, tls: t.target.tls };
}
