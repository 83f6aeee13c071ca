import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
// The MCP server (and the SDK) is imported when the action runs: start-up stays small for every other command.
import type { TargetSpec, TargetTls } from '../../mcp/index.js';
import { action, err } from '../action.js';
import { EXIT } from '../exit.js';
import { collect } from '../repeatable.js';

interface McpFlags {
  target?: string[] | undefined;
  passwordEnv?: string[] | undefined;
  passwordFile?: string[] | undefined;
  adminUser?: string[] | undefined;
  adminPasswordEnv?: string[] | undefined;
  adminPasswordFile?: string[] | undefined;
  cacert?: string[] | undefined;
  cert?: string[] | undefined;
  key?: string[] | undefined;
  sni?: string[] | undefined;
  insecure?: string[] | undefined;
  configCommand?: string[] | undefined;
  allowRead?: string[] | undefined;
  allowWrite?: string;
  timeout: string;
  cveData?: string;
  watch?: string;
}

/** `NAME=VALUE` → [NAME, VALUE]; the flag is named in the error. */
function pair(flag: string, spec: string): [string, string] {
  const eq = spec.indexOf('=');
  if (eq <= 0 || eq === spec.length - 1) throw new UsageError(`${flag} expects NAME=VALUE, got ${JSON.stringify(spec.includes('@') ? '(a URL)' : spec)}`);
  return [spec.slice(0, eq), spec.slice(eq + 1)];
}

/** Per-target settings from the repeated NAME=VALUE flags; each must name a declared --target. */
function targetSpecs(flags: McpFlags): Map<string, TargetSpec> {
  const specs = new Map<string, TargetSpec>();
  for (const t of flags.target ?? []) {
    const [name, url] = pair('--target', t);
    if (specs.has(name)) throw new UsageError(`--target ${name} given twice`);
    specs.set(name, { url });
  }
  const apply = (flag: string, values: string[] | undefined, set: (spec: TargetSpec, value: string) => void): void => {
    for (const v of values ?? []) {
      const [name, value] = pair(flag, v);
      const spec = specs.get(name);
      if (!spec) throw new UsageError(`${flag} names '${name}', which is not a --target`);
      set(spec, value);
    }
  };
  const tls = (spec: TargetSpec): TargetTls => (spec.tls ??= {});
  apply('--password-env', flags.passwordEnv, (s, v) => (s.passwordEnv = v));
  apply('--password-file', flags.passwordFile, (s, v) => (s.passwordFile = v));
  apply('--admin-user', flags.adminUser, (s, v) => (s.adminUser = v));
  apply('--admin-password-env', flags.adminPasswordEnv, (s, v) => (s.adminPasswordEnv = v));
  apply('--admin-password-file', flags.adminPasswordFile, (s, v) => (s.adminPasswordFile = v));
  apply('--cacert', flags.cacert, (s, v) => (tls(s).ca = v));
  apply('--cert', flags.cert, (s, v) => (tls(s).cert = v));
  apply('--key', flags.key, (s, v) => (tls(s).key = v));
  apply('--sni', flags.sni, (s, v) => (tls(s).servername = v));
  apply('--config-command', flags.configCommand, (s, v) => (s.configCommand = v));
  for (const name of flags.insecure ?? []) {
    const spec = specs.get(name);
    if (!spec) throw new UsageError(`--insecure names '${name}', which is not a --target`);
    tls(spec).insecure = true;
  }
  for (const [name, spec] of specs) {
    if ((spec.tls?.cert === undefined) !== (spec.tls?.key === undefined)) throw new UsageError(`target '${name}': --cert and --key go together`);
  }
  return specs;
}

export function registerMcp(program: Command): void {
  program
    .command('mcp')
    .description('Serve redsec as MCP tools over stdio for AI agents (generate, audit, lint, acl, diagnose, list checks; watch events with --watch)')
    .option('--target <name=url>', 'an auditable server, by name: prod=rediss://audit@10.0.0.5:6380 (repeatable; no password in the URL)', collect)
    .option('--password-env <name=VAR>', "read the target's password from this environment variable", collect)
    .option('--password-file <name=file>', "read the target's password from this file (one line)", collect)
    .option('--admin-user <name=user>', 'admin user diagnose and plan_rotation may use for ACL GETUSER/LOG/DRYRUN (read-only)', collect)
    .option('--admin-password-env <name=VAR>', "the admin user's password from this environment variable", collect)
    .option('--admin-password-file <name=file>', "the admin user's password from this file", collect)
    .option('--cacert <name=file>', 'CA certificate(s) to verify the target with', collect)
    .option('--cert <name=file>', 'client certificate for the target (mTLS)', collect)
    .option('--key <name=file>', 'client private key for the target (mTLS)', collect)
    .option('--sni <name=host>', 'TLS server name to send and verify for the target', collect)
    .option('--insecure <name>', 'do not verify the target certificate', collect)
    .option('--config-command <name=cmd>', "CONFIG's name on the target where rename-command renamed it (used for every CONFIG GET once verified)", collect)
    .option('--allow-read <dir>', 'directory whose files lint_config, acl_* and plan_rotation (state_path) may read (repeatable)', collect)
    .option('--allow-write <dir>', 'directory generate_security_config may write bundles under (created if missing)')
    .option('--timeout <ms>', 'connect and reply deadline for live tools', '5000')
    .option('--cve-data <file>', 'CVE and end-of-life data for audit_server and lint_config instead of the bundled file')
    .option('--watch <state-file>', 'serve watch_events: the recent events of a running `redsec watch --state <state-file>` (read-only; no target is polled for it)')
    .action(
      action(async (flags: McpFlags) => {
        if (!/^\d+$/.test(flags.timeout) || Number(flags.timeout) < 1 || Number(flags.timeout) > 600_000) {
          throw new UsageError(`--timeout must be a whole number of milliseconds from 1 to 600000, got ${JSON.stringify(flags.timeout)}`);
        }
        const specs = targetSpecs(flags);
        const { buildTargets, makeRoot, serveStdio } = await import('../../mcp/index.js');
        const targets = buildTargets(specs);
        const readRoots = (flags.allowRead ?? []).map((d) => makeRoot(d, '--allow-read'));
        const writeRoot = flags.allowWrite !== undefined ? makeRoot(flags.allowWrite, '--allow-write', { create: true }) : undefined;
        // Read and validated before serving: a bad file is exit 2 at start, never a tool error later.
        const cveData = flags.cveData !== undefined ? (await import('../../cve/load.js')).loadCveData(flags.cveData) : undefined;
        // A state file that exists must be one redsec wrote; a missing one is fine (the watcher may start later).
        if (flags.watch !== undefined) (await import('../../watch/state-file.js')).readStateFile(flags.watch);
        await serveStdio({
          cveData,
          targets,
          readRoots,
          ...(writeRoot ? { writeRoot } : {}),
          timeoutMs: Number(flags.timeout),
          watchStateFile: flags.watch,
          log: err,
          env: process.env,
        });
        return EXIT.ok;
      }),
    );
}
