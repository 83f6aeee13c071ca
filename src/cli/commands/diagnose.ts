import { Option, type Command } from 'commander';
import { UsageError } from '../../errors.js';
// The implementation is imported when the action runs: start-up stays small for every other command.
import type { DiagnoseOptions } from '../../diagnose/index.js';
import { action, out } from '../action.js';
import { configCommandName } from '../config-command.js';
import { EXIT } from '../exit.js';
import { warnPasswordInUrls } from '../url-password.js';
import { addClientTlsOptions, checkClientCert, type ClientTlsFlags } from '../client-tls.js';

interface DiagnoseFlags extends ClientTlsFlags {
  user?: string;
  passwordFile?: string;
  tlsMin?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  tlsMax?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  command?: string;
  adminUser?: string;
  adminPasswordFile?: string;
  redisVersion?: string;
  configCommand?: string;
  timeout: string;
  format: 'text' | 'json';
}

const TLS_VERSIONS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

export function registerDiagnose(program: Command): void {
  const cmd = program
    .command('diagnose')
    .description('Connect as the application would and name what fails (E601-E605, network, server state), its cause and the fix')
    .argument('<url>', 'redis://[user@]host:port or rediss://... (a password in the URL works but is better in a file)')
    .option('--user <name>', 'ACL user to authenticate as')
    .option('--password-file <file>', 'file holding the password (else REDSEC_PASSWORD, then REDISCLI_AUTH)');
  addClientTlsOptions(cmd, 'use TLS (implied by rediss://)')
    .addOption(new Option('--tls-min <version>', 'lowest TLS version the client allows').choices(TLS_VERSIONS))
    .addOption(new Option('--tls-max <version>', 'highest TLS version the client allows').choices(TLS_VERSIONS))
    .option('--command <command>', 'the command the application runs, e.g. "SET foo bar" (checked with ACL DRYRUN or queued in MULTI and discarded, never executed unless read-only; AUTH, HELLO, SELECT, CLIENT ... are refused)')
    .option('--admin-user <name>', 'admin user for ACL GETUSER/LIST/LOG/DRYRUN (read-only)')
    .option('--admin-password-file <file>', 'admin password file (else REDSEC_ADMIN_PASSWORD)')
    .option('--redis-version <version>', 'server version, for servers that refuse before saying it')
    .option('--config-command <name>', "CONFIG's name where rename-command renamed it (used for CONFIG GET once COMMAND INFO NAME confirms it)")
    .option('--timeout <ms>', 'connect and reply deadline', '5000')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(
      action(async (url: string, flags: DiagnoseFlags) => {
        warnPasswordInUrls([url]);
        if (!/^\d+$/.test(flags.timeout) || Number(flags.timeout) < 1) throw new UsageError(`--timeout must be a positive number of milliseconds, got ${JSON.stringify(flags.timeout)}`);
        checkClientCert(flags);
        const timeout = Number(flags.timeout);
        const tlsGiven = flags.tls || flags.cacert || flags.cert || flags.insecure || flags.sni || flags.tlsMin || flags.tlsMax;
        const opts: DiagnoseOptions = {
          url,
          ...(flags.user !== undefined ? { user: flags.user } : {}),
          ...(flags.passwordFile !== undefined ? { passwordFile: flags.passwordFile } : {}),
          ...(tlsGiven
            ? {
                tls: {
                  enabled: flags.tls === true,
                  ...(flags.cacert !== undefined ? { ca: flags.cacert } : {}),
                  ...(flags.cert !== undefined ? { cert: flags.cert } : {}),
                  ...(flags.key !== undefined ? { key: flags.key } : {}),
                  ...(flags.sni !== undefined ? { servername: flags.sni } : {}),
                  ...(flags.insecure ? { insecure: true } : {}),
                  ...(flags.tlsMin !== undefined ? { minVersion: flags.tlsMin } : {}),
                  ...(flags.tlsMax !== undefined ? { maxVersion: flags.tlsMax } : {}),
                },
              }
            : {}),
          ...(flags.command !== undefined ? { command: flags.command } : {}),
          ...(flags.adminUser !== undefined ? { adminUser: flags.adminUser } : {}),
          ...(flags.adminPasswordFile !== undefined ? { adminPasswordFile: flags.adminPasswordFile } : {}),
          ...(flags.redisVersion !== undefined ? { redisVersion: flags.redisVersion } : {}),
          configCommand: configCommandName(flags.configCommand),
          connectTimeoutMs: timeout,
          replyTimeoutMs: timeout,
        };
        const { diagnose, renderDiagnosisJson, renderDiagnosisText } = await import('../../diagnose/index.js');
        const d = await diagnose(opts);
        out(flags.format === 'json' ? renderDiagnosisJson(d) : renderDiagnosisText(d));
        return d.ok ? EXIT.ok : EXIT.target;
      }),
    );
}
