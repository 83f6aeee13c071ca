import type { Command } from 'commander';
import { failsAt } from '../../audit/summary.js';
import { action, out } from '../action.js';
import { VERSION_IDS } from '../../versions/types.js';
import { EXIT } from '../exit.js';
import { FORMATS, expiryWindowDays, failOnSeverity, renderOptions, reportFormat } from './audit.js';

interface LintFlags {
  acl?: string;
  redisVersion?: string;
  cwd?: string;
  profile?: string;
  format: string;
  failOn: string;
  waivers?: string;
  systemdUnit?: string;
  compose?: string;
  composeService?: string;
  cveData?: string;
  certExpiryWindow: string;
}

export function registerLint(program: Command): void {
  program
    .command('lint')
    .description('Check redis.conf (with includes and aclfile) offline with the audit rules; file:line for every finding')
    .argument('<file>', 'redis.conf')
    .option('--acl <file>', 'ACL file (instead of the config\'s aclfile)')
    .option('--redis-version <version>', `${VERSION_IDS.join('|')}, a newer line such as 8.2 (the nearest tables, noted in the report) or an exact x.y.z (default 7.2)`)
    .option('--cwd <dir>', 'the server\'s working directory for relative include/aclfile paths (default: the file\'s directory)')
    .option('--profile <level|file>', 'target profile: basic|standard|hardened|compliance or a profile.json (adds the gap)')
    .option('--format <format>', `report format: ${FORMATS.join('|')}`, 'text')
    .option('--fail-on <severity>', 'exit 1 when a finding fails at or above this severity', 'high')
    .option('--waivers <file>', 'waivers file (JSON: id, target or file, reason, expires)')
    .option('--systemd-unit <file>', 'the systemd unit that runs the server (with its FILE.d/*.conf drop-ins), for OS-SYSTEMD')
    .option('--compose <file>', 'the Docker Compose file that runs the server, for OS-CONTAINER')
    .option('--compose-service <name>', 'the service in --compose, when several run redis or valkey')
    .option('--cve-data <file>', 'CVE and end-of-life data to use instead of the bundled file (VER-CVE, VER-EOL)')
    .option('--cert-expiry-window <days>', 'TLS-CERT fails certificates expiring within this many days (e.g. 30d)', '30d')
    .action(
      action(async (file: string, flags: LintFlags) => {
        const failOn = failOnSeverity(flags.failOn);
        const format = reportFormat(flags.format);
        const certExpiryWindowDays = expiryWindowDays(flags.certExpiryWindow);
        // Imported when the action runs: start-up stays small for every other command.
        // Module by module: profiles and waivers bring zod, which a plain lint never needs (see audit).
        const [{ lintFiles }, { renderReport }] = await Promise.all([import('../../audit/lint.js'), import('../../report/render.js')]);
        const profile = flags.profile !== undefined ? (await import('../../audit/profile.js')).resolveProfileArg(flags.profile) : null;
        const waivers = flags.waivers !== undefined ? (await import('../../audit/waivers-file.js')).loadWaivers(flags.waivers) : [];
        const cveData = flags.cveData !== undefined ? (await import('../../cve/load.js')).loadCveData(flags.cveData) : undefined;
        const report = lintFiles(file, {
          profile,
          waivers,
          cveData,
          certExpiryWindowDays,
          ...(flags.acl !== undefined ? { aclPath: flags.acl } : {}),
          ...(flags.redisVersion !== undefined ? { redisVersion: flags.redisVersion } : {}),
          ...(flags.cwd !== undefined ? { cwd: flags.cwd } : {}),
          ...(flags.systemdUnit !== undefined ? { systemdUnit: flags.systemdUnit } : {}),
          ...(flags.compose !== undefined ? { compose: flags.compose } : {}),
          ...(flags.composeService !== undefined ? { composeService: flags.composeService } : {}),
        });
        out(renderReport(report, format, renderOptions()));
        return failsAt(report.findings, failOn) ? EXIT.findings : EXIT.ok;
      }),
    );
}
