import type { Command } from 'commander';
// The exporter, the audit and the HTTP server are imported when the action runs.
import { configCommandName } from '../config-command.js';
import { action, err } from '../action.js';
import { warnPasswordInUrls } from '../url-password.js';
import { addClientTlsOptions, checkClientCert, type ClientTlsFlags } from '../client-tls.js';
import { addCredentialOptions, connectionSettings, loadTargets, type CredentialFlags } from '../target-flags.js';
import { durationMs, positiveInt } from '../flag-values.js';

interface ExporterFlags extends ClientTlsFlags, CredentialFlags {
  targets?: string;
  listen: string;
  listenAny?: boolean;
  timeout: string;
  concurrency: string;
  auditEvery: string;
  labelUsers?: string | boolean;
  baseline?: string;
  baselinePlan?: string;
  profile?: string;
  configCommand?: string;
}

/** Users labelled by default with a bare --label-users (attackers choose the names failed AUTHs carry). */
const DEFAULT_LABEL_USERS = 20;

function labelUsers(value: string | boolean | undefined): number {
  if (value === undefined || value === false) return 0;
  if (value === true) return DEFAULT_LABEL_USERS;
  return positiveInt('--label-users', value, 1000);
}

function auditEvery(value: string): number {
  return durationMs('--audit-every', value, 1000);
}

export function registerExporter(program: Command): void {
  const cmd = program
    .command('exporter')
    .description('Serve Prometheus metrics with security meaning (failed AUTHs, drift, new users, dangerous commands, findings, level) for a list of servers, read-only')
    .argument('[urls...]', 'redis://[user@]host:port or rediss://... to export');
  addClientTlsOptions(cmd, 'use TLS for redis:// URLs too (rediss:// always uses it)')
    .option('--targets <file>', 'file with one URL per line (# comments)')
    .option('--listen <host:port>', 'address to serve /metrics and /scrape?target= on', '127.0.0.1:10121')
    .option('--listen-any', 'allow --listen on a non-loopback address (the exporter has no authentication of its own)');
  addCredentialOptions(cmd)
    .option('--timeout <ms>', 'connect and reply deadline per target', '5000')
    .option('--concurrency <n>', 'targets polled at once by /metrics', '16')
    .option('--audit-every <duration>', 'rerun the audit rules (findings, level) this often; scrapes in between serve the last result', '1h')
    .option('--label-users [max]', `label redsec_acl_auth_failures_total by user (from ACL LOG), at most max users (default ${DEFAULT_LABEL_USERS}), the rest as "(other)"`)
    .option('--baseline <aclfile>', 'the approved users, e.g. generate\'s users.acl (redsec_acl_user_changes; else the first poll)')
    .option('--baseline-plan <plan.json>', 'generate\'s plan.json: config drift is measured against its values (else the first poll)')
    .option('--profile <level|file>', 'target profile for the audit\'s gap; without --baseline-plan, config drift is measured against the plan generate builds for it')
    .option('--config-command <name>', 'CONFIG\'s name where rename-command renamed it (the audit\'s CONFIG GET goes out as NAME GET)')
    .action(
      action(async (urls: string[], flags: ExporterFlags) => {
        warnPasswordInUrls(urls);
        checkClientCert(flags);
        const timeout = positiveInt('--timeout', flags.timeout, 600_000);
        const concurrency = positiveInt('--concurrency', flags.concurrency, 1024);
        const everyMs = auditEvery(flags.auditEvery);
        const maxUsers = labelUsers(flags.labelUsers);
        const { parseListen } = await import('../../exporter/listen.js');
        const listen = parseListen(flags.listen, flags.listenAny === true);
        const [targets, { targetCredentials }, exporter] = await Promise.all([
          loadTargets(urls, flags.targets),
          import('../../audit/collect-target.js'),
          import('../../exporter/start.js'),
        ]);
        const settings = { ...connectionSettings(flags, timeout), configCommand: configCommandName(flags.configCommand) };
        // Bad credentials input (an unreadable password file) stops here, before anything listens.
        for (const t of targets) targetCredentials(t, settings);
        const running = await exporter.startExporter({
          targets,
          settings,
          listen,
          concurrency,
          auditEveryMs: everyMs,
          labelUsers: maxUsers,
          baselineFile: flags.baseline,
          baselinePlan: flags.baselinePlan,
          profile: flags.profile,
        });
        err(`redsec exporter: ${targets.length} target${targets.length === 1 ? '' : 's'}, serving ${running.url}/metrics and ${running.url}/scrape?target=NAME`);
        await new Promise<void>((resolve) => {
          const stop = (): void => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            void running.close().then(resolve);
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
      }),
    );
}
