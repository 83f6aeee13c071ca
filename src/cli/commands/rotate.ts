import { Option, type Command } from 'commander';
import { UsageError } from '../../errors.js';
import { KEY_ALGORITHMS } from '../../certs/types.js';
// The implementation is imported when the action runs: start-up stays small for every other command.
import type { FleetRotateOptions, RotateOptions, RotateResult, TlsRotateOptions, TlsRotateResult } from '../../rotate/index.js';
import { action, err, out } from '../action.js';
import { collect } from '../repeatable.js';
import { warnPasswordInUrls } from '../url-password.js';
import { checkClientCert, clientTlsOptions, timeoutMs, type ClientTlsFlags } from '../client-tls.js';
import { wholeDays } from '../flag-values.js';
import { connectionOptions, exitOf } from './rotate-options.js';
import { registerRotateCa } from './rotate-ca.js';

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
  targets?: string;
  replica?: string[] | undefined;
  sentinel?: string[] | undefined;
  sentinelMaster?: string;
  sentinelPasswordFile?: string;
  relinkReplicas?: boolean;
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
    .argument('[url]', 'redis://host:port or rediss://... of the server (or --targets FILE)')
    .option('--targets <file>', 'rotate on every node listed (one URL per line, # comments): cluster nodes or servers sharing the user')
    .option('--replica <url>', 'a replica whose masteruser is this user: its masterauth gets the new password (repeatable)', collect)
    .option('--sentinel <url>', 'a sentinel monitoring the master with this user: its auth-pass gets the new password (repeatable)', collect)
    .option('--sentinel-master <name>', 'the name the sentinels monitor the master under')
    .option('--sentinel-password-file <file>', "the sentinels' own password, if they require one")
    .requiredOption('--user <name>', 'the ACL user whose password rotates')
    .option('--admin-user <name>', 'user redsec connects as (needs ACL SETUSER/GETUSER/SAVE, CONFIG GET/REWRITE, CLIENT LIST)')
    .option('--admin-password-file <file>', 'its password (else REDSEC_ADMIN_PASSWORD, else the URL)')
    .requiredOption('--state <file>', 'rotation state file (hashes and times only, 0600)');
  if (phase === 'begin') {
    cmd.option('--secret-out <file>', 'write the new password to this new file (0600; never overwrites)');
    cmd.option('--print-secret', 'print the new password alone on stdout (the report goes to stderr)');
    cmd.option('--relink-replicas', "drop each --replica's master link after its masterauth changed, so it re-links with the new password now (a brief partial resync)");
  }
  if (phase === 'finish') cmd.option('--secret-file <file>', "the new password (begin's --secret-out), to verify AUTH with it");
  if (phase !== 'status') {
    cmd.option('--apply', 'change the server (default: print the commands and checks only)');
    cmd.option('--no-persist', 'do not send ACL SAVE / CONFIG REWRITE (the change is lost on restart)');
  }
  connectionOptions(cmd, 'use TLS (implied by rediss://)')
    .action(
      action(async (url: string | undefined, flags: RotateFlags) => {
        const replicas = flags.replica ?? [];
        const sentinels = flags.sentinel ?? [];
        warnPasswordInUrls([url, ...replicas, ...sentinels]);
        const timeout = timeoutMs(flags.timeout);
        checkClientCert(flags);
        const rotate = await import('../../rotate/index.js');
        const fleet = flags.targets !== undefined || replicas.length > 0 || sentinels.length > 0;
        if (!fleet && url === undefined) throw new UsageError('give a URL or --targets FILE');
        if (flags.sentinelMaster !== undefined && sentinels.length === 0) throw new UsageError('--sentinel-master needs at least one --sentinel URL');
        const opts: RotateOptions = {
          url: url ?? '',
          user: flags.user,
          adminUser: flags.adminUser,
          adminPasswordFile: flags.adminPasswordFile,
          statePath: flags.state,
          secretOut: flags.secretOut,
          printSecret: flags.printSecret,
          secretFile: flags.secretFile,
          apply: flags.apply,
          persist: flags.persist !== false,
          timeoutMs: timeout,
          tls: clientTlsOptions(flags),
        };
        let report: string;
        let result: { ok: boolean; secret?: string | undefined; failure?: 'verify' | 'target' | undefined };
        if (fleet) {
          const { loadTargetsFile } = await import('../../audit/targets-file.js');
          const urls = [...(url !== undefined ? [url] : []), ...(flags.targets !== undefined ? loadTargetsFile(flags.targets) : [])];
          const { url: _url, ...rest } = opts;
          const fleetOpts: FleetRotateOptions = { ...rest, statePath: flags.state, urls, replicas, sentinels, sentinelMaster: flags.sentinelMaster, sentinelPasswordFile: flags.sentinelPasswordFile, relinkReplicas: flags.relinkReplicas };
          const run = phase === 'begin' ? rotate.beginFleetRotation : phase === 'status' ? rotate.fleetStatus : rotate.finishFleetRotation;
          const r = await run(fleetOpts);
          result = r;
          report = flags.format === 'json' ? rotate.renderFleetJson(r) : rotate.renderFleetText(r);
        } else {
          const run = phase === 'begin' ? rotate.beginRotation : phase === 'status' ? rotate.rotationStatus : rotate.finishRotation;
          const r: RotateResult = await run(opts);
          result = r;
          report = flags.format === 'json' ? rotate.renderRotateJson(r) : rotate.renderRotateText(r);
        }
        if (result.secret !== undefined) {
          // stdout carries the secret alone, so `NEW=$(redsec rotate ... --print-secret)` works.
          out(result.secret);
          err(report);
        } else out(report);
        return exitOf(result);
      }),
    );
}

interface TlsFlags extends ClientTlsFlags {
  bundle?: string;
  caCert?: string;
  caKey?: string;
  keyAlgorithm?: string;
  days?: string;
  renewWithin?: string;
  check?: boolean;
  clients?: string;
  apply?: boolean;
  persist: boolean;
  adminUser?: string;
  adminPasswordFile?: string;
  timeout: string;
  format: 'text' | 'json';
}


const parseDays = (flag: string, value: string): number => wholeDays(flag, value, 36_500);

function tlsCommand(parent: Command): void {
  const cmd = parent
    .command('tls')
    .description('renew the server certificate from its CA with the same names and key type, reload it live (one CONFIG SET), verify, persist (dry run unless --apply); --check reports days left')
    .argument('<url>', 'redis://host:port (the TLS port is read from tls-port) or rediss://host:tls-port')
    .option('--bundle <dir>', 'a bundle redsec generate wrote: its tls/ca.crt + tls/ca.key issue, its tls/clients/* can be renewed')
    .option('--ca-cert <file>', 'CA certificate that issues (instead of --bundle)')
    .option('--ca-key <file>', 'its private key (unencrypted PEM)')
    .addOption(new Option('--key-algorithm <alg>', 'key type of the new certificates (default: the current one)').choices(KEY_ALGORITHMS))
    .option('--days <n>', 'lifetime of the new certificates in days (default: that of the current ones)')
    .option('--renew-within <days>', 'rotate only certificates expiring within this window, e.g. 30d (cron-safe); with --check the window counted as due (default 30d)')
    .option('--check', 'only report the days left of the served certificate (and the bundle client certificates); exit 1 when one is due')
    .option('--clients <names>', "renew these bundle client certificates too (comma-separated, or 'all'), with deploy commands")
    .option('--apply', 'write the files and change the server (default: print the commands, files and checks only)')
    .option('--no-persist', 'do not send CONFIG REWRITE (the change is lost on restart)')
    .option('--admin-user <name>', 'user redsec connects as (needs CONFIG GET/SET/REWRITE, INFO, CLUSTER INFO/NODES in cluster mode)')
    .option('--admin-password-file <file>', 'its password (else REDSEC_ADMIN_PASSWORD, else the URL)');
  connectionOptions(cmd, "the URL's port speaks TLS (implied by rediss://); --cacert/--cert/--key apply to every TLS connection, the probes of tls-port included")
    .action(
      action(async (url: string, flags: TlsFlags) => {
        warnPasswordInUrls([url]);
        const timeout = timeoutMs(flags.timeout);
        checkClientCert(flags);
        if (flags.check && (flags.apply || flags.clients !== undefined)) throw new UsageError('--check only reads: it takes neither --apply nor --clients');
        const clients = flags.clients?.split(',').map((c) => c.trim()).filter((c) => c !== '');
        if (clients !== undefined && clients.length === 0) throw new UsageError('--clients needs names (comma-separated) or all');
        // The flags configure every TLS connection (the probes of the TLS port above all); only
        // rediss:// or --tls make the admin connection on the URL's port TLS.
        const rotate = await import('../../rotate/index.js');
        const opts: TlsRotateOptions = {
          urlTls: flags.tls,
          url,
          bundle: flags.bundle,
          caCert: flags.caCert,
          caKey: flags.caKey,
          keyAlgorithm: flags.keyAlgorithm as TlsRotateOptions['keyAlgorithm'],
          days: flags.days !== undefined ? parseDays('--days', flags.days) : undefined,
          renewWithinDays: flags.renewWithin !== undefined ? parseDays('--renew-within', flags.renewWithin) : undefined,
          clients,
          apply: flags.apply,
          persist: flags.persist !== false,
          adminUser: flags.adminUser,
          adminPasswordFile: flags.adminPasswordFile,
          timeoutMs: timeout,
          tls: clientTlsOptions(flags),
        };
        const result: TlsRotateResult = flags.check ? await rotate.checkTls(opts) : await rotate.rotateTls(opts);
        out(flags.format === 'json' ? rotate.renderTlsRotateJson(result) : rotate.renderTlsRotateText(result));
        return exitOf(result);
      }),
    );
}

export function registerRotate(program: Command): void {
  const rotate = program.command('rotate').description('Rotate secrets on a live server, verified at every step: passwords and TLS certificates');
  const password = rotate
    .command('password')
    .description("rotate an ACL user's password in two phases with zero failed clients: begin, (move clients), status, finish");
  phaseCommand(password, 'begin');
  phaseCommand(password, 'status');
  phaseCommand(password, 'finish');
  tlsCommand(rotate);
  registerRotateCa(rotate);
}
