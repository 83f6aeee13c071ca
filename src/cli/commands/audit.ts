import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
// Only light modules are imported statically; the audit itself is imported when the action runs.
import type { FleetOptions } from '../../audit/index.js';
import { applyArtifacts, artifactMapping, parseArtifactSpec } from '../../audit/artifacts.js';
import { parseShard, selectShard } from '../../audit/shard.js';
import { failsAt, isSeverity } from '../../audit/summary.js';
import type { ReportFormat } from '../../report/render.js';
import type { Severity } from '../../report/types.js';
import { configCommandName } from '../config-command.js';
import { action, err, out } from '../action.js';
import { EXIT, errorLine } from '../exit.js';
import { warnPasswordInUrls } from '../url-password.js';
import { addClientTlsOptions, checkClientCert, type ClientTlsFlags } from '../client-tls.js';
import { addCredentialOptions, commaList as list, type CredentialFlags } from '../target-flags.js';
import { positiveInt, wholeDays } from '../flag-values.js';

interface AuditFlags extends ClientTlsFlags, CredentialFlags {
  sarifArtifact?: string[];
  profile?: string;
  format: string;
  failOn: string;
  waivers?: string;
  targets?: string;
  shard?: string;
  concurrency: string;
  timeout: string;
  allowMasters?: string;
  allowModules?: string;
  allowClients?: string;
  baseline?: string;
  probeKeys?: boolean;
  cveData?: string;
  configCommand?: string;
  rotationState?: string[];
  passwordDates?: string[];
  certExpiryWindow: string;
}

/**
 * report/'s formats, named here so that --help need not load every renderer; a Record over the
 * type fails to compile when report/ gains or loses a format.
 */
const FORMAT_KEYS: Record<ReportFormat, true> = { text: true, json: true, sarif: true, markdown: true, html: true, junit: true, gitlab: true };
const REPORT_FORMATS = Object.keys(FORMAT_KEYS) as ReportFormat[];

export const FORMATS: string[] = [...REPORT_FORMATS];

export function reportFormat(value: string): ReportFormat {
  if (!(REPORT_FORMATS as readonly string[]).includes(value)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}; got ${JSON.stringify(value)}`);
  return value as ReportFormat;
}

export function failOnSeverity(value: string): Severity {
  const s = value.toLowerCase();
  if (!isSeverity(s)) throw new UsageError(`--fail-on must be one of critical, high, medium, low, info; got ${JSON.stringify(value)}`);
  return s;
}

/**
 * Colour on a terminal unless NO_COLOR is set (no-color.org), FORCE_COLOR is 0/false or TERM is
 * dumb; FORCE_COLOR=1 asks for it on a pipe too (CI logs that render ANSI).
 */
export function renderOptions(): { color: boolean; cwd: string } {
  return { ...textOptions(), cwd: process.cwd() };
}

export function textOptions(env: NodeJS.ProcessEnv = process.env, isTTY = process.stdout.isTTY === true): { color: boolean } {
  const force = env['FORCE_COLOR'];
  if (env['NO_COLOR'] || force === '0' || force === 'false' || env['TERM'] === 'dumb') return { color: false };
  if (force !== undefined && force !== '') return { color: true };
  return { color: isTTY };
}

/** `--cert-expiry-window 30d` (or 30): whole days, 1 to 3650. */
export function expiryWindowDays(value: string): number {
  return wholeDays('--cert-expiry-window', value, 3650);
}

const repeat = (v: string, prev: string[] = []): string[] => [...prev, v];

export function registerAudit(program: Command): void {
  const cmd = program
    .command('audit')
    .description('Audit live servers without changing them: findings with IDs, evidence and fixes, the level reached, the gap to a profile')
    .argument('[urls...]', 'redis://[user@]host:port or rediss://... (several audit a fleet)');
  addClientTlsOptions(cmd, 'use TLS for redis:// URLs too (rediss:// always uses it)');
  addCredentialOptions(cmd)
    .option('--profile <level|file>', 'target profile: basic|standard|hardened|compliance or a profile.json (adds the gap)')
    .option('--format <format>', `report format: ${FORMATS.join('|')}`, 'text')
    .option('--fail-on <severity>', 'exit 1 when a finding fails at or above this severity', 'high')
    .option('--waivers <file>', 'waivers file (JSON: id, target or file, reason, expires)')
    .option('--targets <file>', 'file with one URL per line (# comments)')
    .option('--sarif-artifact <TARGET=PATH>', 'repository file that configures TARGET: SARIF/GitLab results point there (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--shard <I/N>', 'audit only share I of N (0-based) of the targets, split by a hash of each address; also REDSEC_SHARD')
    .option('--concurrency <n>', 'targets audited at once', '16')
    .option('--timeout <ms>', 'connect and reply deadline per target', '5000')
    .option('--allow-masters <hosts>', 'comma-separated masters a replica may follow (IOC-ROGUE-MASTER)')
    .option('--allow-modules <names>', 'comma-separated modules that may be loaded (IOC-UNKNOWN-MODULE)')
    .option('--allow-clients <cidrs>', 'comma-separated client networks (IOC-UNKNOWN-CLIENTS)')
    .option('--config-command <name>', 'CONFIG\'s name where rename-command renamed it: every CONFIG GET is sent as NAME GET, once COMMAND INFO NAME shows NAME is CONFIG')
    .option('--probe-keys', 'also ask EXISTS for backup1..4 and crackit in db 0, keys compromised servers carry (IOC-CRON-KEYS)')
    .option('--baseline <aclfile>', 'the approved users and password hashes, e.g. generate\'s users.acl (IOC-HIJACKED-PASSWORD)')
    .option('--cve-data <file>', 'CVE and end-of-life data to use instead of the bundled file (VER-CVE, VER-EOL)')
    .option('--rotation-state <file>', "a state file of redsec rotate password: when that user's password was set (AUTH-PASSWORD-AGE; repeatable)", repeat)
    .option('--password-dates <file>', 'a dated password baseline, JSON {"version":1,"passwords":[{"user","sha256","set_at"}]} (AUTH-PASSWORD-AGE; repeatable)', repeat)
    .option('--cert-expiry-window <days>', 'TLS-CERT fails certificates expiring within this many days (e.g. 30d)', '30d')
    .action(
      action(async (urls: string[], flags: AuditFlags) => {
        warnPasswordInUrls(urls);
        const failOn = failOnSeverity(flags.failOn);
        const format = reportFormat(flags.format);
        const concurrency = positiveInt('--concurrency', flags.concurrency, 1024);
        const timeout = positiveInt('--timeout', flags.timeout, 600_000);
        checkClientCert(flags);
        const certExpiryWindowDays = expiryWindowDays(flags.certExpiryWindow);
        const artifacts = (flags.sarifArtifact ?? []).map(parseArtifactSpec);
        const shardSpec = flags.shard ?? (process.env['REDSEC_SHARD'] || undefined);
        const shard = shardSpec !== undefined ? parseShard(shardSpec, flags.shard !== undefined ? '--shard' : 'REDSEC_SHARD') : undefined;
        // Module by module rather than audit/'s index: profiles and waivers bring zod (about 140 ms
        // to load), which an audit without --profile and --waivers never needs.
        const [{ auditFleet, auditTarget }, { loadTargetEntries }, { renderReport }] = await Promise.all([
          import('../../audit/audit.js'),
          import('../../audit/targets-file.js'),
          import('../../report/render.js'),
        ]);
        const resolveProfileArg = async (arg: string) => (await import('../../audit/profile.js')).resolveProfileArg(arg);
        const loadWaivers = async (file: string) => (await import('../../audit/waivers-file.js')).loadWaivers(file);
        const loadBaseline = async (file: string) => (await import('../../audit/baseline.js')).loadBaseline(file);
        const entries = flags.targets !== undefined ? loadTargetEntries(flags.targets) : [];
        const given = [...urls, ...entries.map((e) => e.url)];
        // The flag wins over the file: applied after it.
        artifacts.unshift(...entries.flatMap((e) => (e.artifact !== undefined ? [artifactMapping(e.url, e.artifact, flags.targets ?? 'targets file')] : [])));
        if (given.length === 0) throw new UsageError('give at least one URL or --targets FILE');
        // Every URL is parsed before the split, so a typo stops every shard, not only the one it falls in.
        const all = shard ? selectShard(given, shard) : given;
        if (shard) err(`redsec: shard ${shard.index}/${shard.count}: ${all.length} of ${given.length} targets`);
        const tlsGiven = flags.tls || flags.cacert || flags.cert || flags.insecure || flags.sni;
        const masters = list(flags.allowMasters);
        const modules = list(flags.allowModules);
        const clients = list(flags.allowClients);
        const progress = process.stderr.isTTY && all.length > 1;
        const opts: FleetOptions = {
          profile: flags.profile !== undefined ? await resolveProfileArg(flags.profile) : null,
          waivers: flags.waivers !== undefined ? await loadWaivers(flags.waivers) : [],
          cveData: flags.cveData !== undefined ? (await import('../../cve/load.js')).loadCveData(flags.cveData) : undefined,
          ...(flags.baseline !== undefined ? { baseline: await loadBaseline(flags.baseline) } : {}),
          ...(flags.probeKeys ? { probeKeys: true } : {}),
          configCommand: configCommandName(flags.configCommand),
          passwordRecords:
            flags.rotationState !== undefined || flags.passwordDates !== undefined
              ? (await import('../../audit/password-dates.js')).loadPasswordRecords(flags.rotationState ?? [], flags.passwordDates ?? [])
              : undefined,
          certExpiryWindowDays,
          ...(masters || modules || clients
            ? { allowlists: { ...(masters ? { masters } : {}), ...(modules ? { modules } : {}), ...(clients ? { clients } : {}) } }
            : {}),
          ...(flags.user !== undefined ? { user: flags.user } : {}),
          ...(flags.passwordFile !== undefined ? { passwordFile: flags.passwordFile } : {}),
          ...(flags.tls ? { forceTls: true } : {}),
          ...(tlsGiven
            ? {
                tls: {
                  ...(flags.cacert !== undefined ? { ca: flags.cacert } : {}),
                  ...(flags.cert !== undefined ? { cert: flags.cert } : {}),
                  ...(flags.key !== undefined ? { key: flags.key } : {}),
                  ...(flags.sni !== undefined ? { servername: flags.sni } : {}),
                  ...(flags.insecure ? { insecure: true } : {}),
                },
              }
            : {}),
          connectTimeoutMs: timeout,
          replyTimeoutMs: timeout,
          concurrency,
          ...(progress ? { onProgress: (done: number, total: number, target: string) => process.stderr.write(`\r\x1b[K[${done}/${total}] ${target}`) } : {}),
        };
        // One target that cannot be audited is an error (exit 3); in a fleet it is reported and the rest go on.
        // A shard is always a fleet (a JSON array, possibly empty) so that `report merge` can join them.
        if (all.length === 1 && !shard) {
          const report = await auditTarget(all[0] as string, opts);
          applyArtifacts([report], artifacts);
          out(renderReport(report, format, renderOptions()));
          return failsAt(report.findings, failOn) ? EXIT.findings : EXIT.ok;
        }
        const reports = await auditFleet(all, opts);
        applyArtifacts(reports, artifacts);
        if (progress) process.stderr.write('\r\x1b[K');
        out(renderReport(reports, format, renderOptions()));
        for (const r of reports) if (r.error) err(errorLine(`not audited: ${r.error.code}: ${r.error.message}`));
        if (reports.some((r) => r.error)) return EXIT.target;
        return reports.some((r) => failsAt(r.findings, failOn)) ? EXIT.findings : EXIT.ok;
      }),
    );
}
