import { Option, type Command } from 'commander';
import { KEY_ALGORITHMS, type KeyAlgorithm } from '../../certs/types.js';
// The implementation is imported when the action runs: start-up stays small for every other command.
import type { CaRotateOptions, CaRotateResult } from '../../rotate/index.js';
import { action, out } from '../action.js';
import { warnPasswordInUrls } from '../url-password.js';
import { checkClientCert, clientTlsOptions, timeoutMs, type ClientTlsFlags } from '../client-tls.js';
import { wholeDays } from '../flag-values.js';
import { connectionOptions, exitOf } from './rotate-options.js';

interface CaFlags extends ClientTlsFlags {
  bundle?: string;
  caCert?: string;
  caKey?: string;
  state: string;
  adminUser?: string;
  adminPasswordFile?: string;
  apply?: boolean;
  persist: boolean;
  keyAlgorithm?: KeyAlgorithm;
  caDays?: string;
  certDays?: string;
  timeout: string;
  format: 'text' | 'json';
}

type Phase = 'begin' | 'switch' | 'finish' | 'status';

const ABOUT: Record<Phase, string> = {
  begin: 'make a new CA and trust it next to the old one (CA file old+new via CONFIG SET tls-ca-cert-file), verify with real clients (dry run unless --apply)',
  switch: 'serve a certificate from the new CA (same names and key type), verify with real clients (dry run unless --apply)',
  finish: 'stop trusting the old CA (CA file without it), verify with real clients (dry run unless --apply)',
  status: 'what the server trusts and serves, and how clients trusting the old CA, the new CA and both fare (read-only)',
};

function days(value: string | undefined, flag: string): number | undefined {
  return value === undefined ? undefined : wholeDays(flag, value, 36_500);
}

function phaseCommand(parent: Command, phase: Phase): void {
  const cmd = parent
    .command(phase)
    .description(ABOUT[phase])
    .argument('<url>', "rediss://host:port of the server's TLS port")
    .option('--bundle <dir>', 'bundle written by redsec generate: its tls/ca.crt (and tls/ca.key) is the CA being retired')
    .option('--ca-cert <file>', 'the CA certificate being retired (instead of --bundle)')
    .option('--ca-key <file>', "its key: only to issue throw-away client certificates from it for the checks (bundle: tls/ca.key when present)")
    .requiredOption('--state <file>', 'CA rotation state file (paths and fingerprints only, 0600)')
    .option('--admin-user <name>', 'user redsec connects as (needs CONFIG GET/SET/REWRITE)')
    .option('--admin-password-file <file>', 'its password (else REDSEC_ADMIN_PASSWORD, else the URL)');
  if (phase !== 'status') {
    cmd.option('--apply', 'change the server (default: print the files, commands and checks only)');
    cmd.option('--no-persist', 'do not send CONFIG REWRITE (the change is lost on restart)');
  }
  if (phase === 'begin') {
    cmd.addOption(new Option('--key-algorithm <alg>', "the new CA's key type (default: the old CA's)").choices([...KEY_ALGORITHMS]));
    cmd.option('--ca-days <n>', "the new CA's validity in days (default: the old CA's lifetime)");
  }
  if (phase === 'switch') {
    cmd.addOption(new Option('--key-algorithm <alg>', "the new server key's type (default: the served certificate's)").choices([...KEY_ALGORITHMS]));
    cmd.option('--cert-days <n>', "the new server certificate's validity in days (default: the served certificate's lifetime, within the new CA's)");
  }
  connectionOptions(cmd, 'use TLS (implied by rediss://)')
    .action(
      action(async (url: string, flags: CaFlags) => {
        warnPasswordInUrls([url]);
        const timeout = timeoutMs(flags.timeout);
        checkClientCert(flags);
        const rotate = await import('../../rotate/index.js');
        const opts: CaRotateOptions = {
          url,
          bundle: flags.bundle,
          caCert: flags.caCert,
          caKey: flags.caKey,
          statePath: flags.state,
          apply: flags.apply,
          persist: flags.persist !== false,
          keyAlgorithm: flags.keyAlgorithm,
          caDays: days(flags.caDays, '--ca-days'),
          certDays: days(flags.certDays, '--cert-days'),
          adminUser: flags.adminUser,
          adminPasswordFile: flags.adminPasswordFile,
          timeoutMs: timeout,
          tls: clientTlsOptions(flags),
        };
        const run = { begin: rotate.beginCaRotation, switch: rotate.switchCaRotation, finish: rotate.finishCaRotation, status: rotate.caRotationStatus }[phase];
        const result: CaRotateResult = await run(opts);
        out(flags.format === 'json' ? rotate.renderCaRotateJson(result) : rotate.renderCaRotateText(result));
        return exitOf(result);
      }),
    );
}

export function registerRotateCa(rotate: Command): void {
  const ca = rotate
    .command('ca')
    .description('rotate the CA with an overlap period: begin (trust old+new), switch (serve from the new CA), finish (drop the old CA); status between');
  for (const phase of ['begin', 'status', 'switch', 'finish'] as const) phaseCommand(ca, phase);
}
