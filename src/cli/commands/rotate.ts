import { Option, type Command } from 'commander';
import { UsageError } from '../../errors.js';
// The implementation is imported when the action runs: start-up stays small for every other command.
import type { RotateOptions, RotateResult } from '../../rotate/index.js';
import { action, err, out } from '../action.js';
import { EXIT } from '../exit.js';
import { warnPasswordInUrls } from '../url-password.js';
import { addClientTlsOptions, checkClientCert, type ClientTlsFlags } from '../client-tls.js';

interface RotateFlags extends ClientTlsFlags {
  user: string;
  adminUser?: string;
  adminPasswordFile?: string;
  state: string;
  secretOut?: string;
  printSecret?: boolean;
  secretFile?: string;
  apply?: boolean;
  persist: boolean;
  timeout: string;
  format: 'text' | 'json';
}

type Phase = 'begin' | 'status' | 'finish';

const ABOUT: Record<Phase, string> = {
  begin: 'add a new 256-bit password next to the old one(s), verify both, persist (dry run unless --apply)',
  status: "list the user's connections, flagging those older than begin (read-only)",
  finish: 'remove every password but the new one by hash, verify, persist (dry run unless --apply)',
};

function phaseCommand(parent: Command, phase: Phase): void {
  const cmd = parent
    .command(phase)
    .description(ABOUT[phase])
    .argument('<url>', 'redis://host:port or rediss://... of the server')
    .requiredOption('--user <name>', 'the ACL user whose password rotates')
    .option('--admin-user <name>', 'user redsec connects as (needs ACL SETUSER/GETUSER/SAVE, CONFIG GET/REWRITE, CLIENT LIST)')
    .option('--admin-password-file <file>', 'its password (else REDSEC_ADMIN_PASSWORD, else the URL)')
    .requiredOption('--state <file>', 'rotation state file (hashes and times only, 0600)');
  if (phase === 'begin') {
    cmd.option('--secret-out <file>', 'write the new password to this new file (0600; never overwrites)');
    cmd.option('--print-secret', 'print the new password alone on stdout (the report goes to stderr)');
  }
  if (phase === 'finish') cmd.option('--secret-file <file>', "the new password (begin's --secret-out), to verify AUTH with it");
  if (phase !== 'status') {
    cmd.option('--apply', 'change the server (default: print the commands and checks only)');
    cmd.option('--no-persist', 'do not send ACL SAVE / CONFIG REWRITE (the change is lost on restart)');
  }
  addClientTlsOptions(cmd, 'use TLS (implied by rediss://)')
    .option('--timeout <ms>', 'connect and reply deadline', '5000')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(
      action(async (url: string, flags: RotateFlags) => {
        warnPasswordInUrls([url]);
        if (!/^\d+$/.test(flags.timeout) || Number(flags.timeout) < 1) throw new UsageError(`--timeout must be a positive number of milliseconds, got ${JSON.stringify(flags.timeout)}`);
        checkClientCert(flags);
        const tlsGiven = flags.tls || flags.cacert || flags.cert || flags.insecure || flags.sni;
        const rotate = await import('../../rotate/index.js');
        const opts: RotateOptions = {
          url,
          user: flags.user,
          adminUser: flags.adminUser,
          adminPasswordFile: flags.adminPasswordFile,
          statePath: flags.state,
          secretOut: flags.secretOut,
          printSecret: flags.printSecret,
          secretFile: flags.secretFile,
          apply: flags.apply,
          persist: flags.persist !== false,
          timeoutMs: Number(flags.timeout),
          tls: tlsGiven
            ? {
                ...(flags.cacert !== undefined ? { ca: flags.cacert } : {}),
                ...(flags.cert !== undefined ? { cert: flags.cert } : {}),
                ...(flags.key !== undefined ? { key: flags.key } : {}),
                ...(flags.sni !== undefined ? { servername: flags.sni } : {}),
                ...(flags.insecure ? { insecure: true } : {}),
              }
            : undefined,
        };
        const run = phase === 'begin' ? rotate.beginRotation : phase === 'status' ? rotate.rotationStatus : rotate.finishRotation;
        const result: RotateResult = await run(opts);
        const report = flags.format === 'json' ? rotate.renderRotateJson(result) : rotate.renderRotateText(result);
        if (result.secret !== undefined) {
          // stdout carries the secret alone, so `NEW=$(redsec rotate ... --print-secret)` works.
          out(result.secret);
          err(report);
        } else out(report);
        return result.ok ? EXIT.ok : EXIT.findings;
      }),
    );
}

export function registerRotate(program: Command): void {
  const rotate = program.command('rotate').description('Rotate secrets on a live server, verified at every step (passwords today)');
  const password = rotate
    .command('password')
    .description("rotate an ACL user's password in two phases with zero failed clients: begin, (move clients), status, finish");
  phaseCommand(password, 'begin');
  phaseCommand(password, 'status');
  phaseCommand(password, 'finish');
}
