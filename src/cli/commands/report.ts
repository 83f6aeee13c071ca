import type { Command } from 'commander';
import { failsAt } from '../../audit/summary.js';
import { notAuditedText } from '../../report/describe.js';
import { action, err, out } from '../action.js';
import { errorLine, EXIT } from '../exit.js';
import { FORMATS, failOnSeverity, renderOptions, reportFormat } from './audit.js';

interface MergeFlags {
  format: string;
  failOn: string;
  targets?: string;
}

export function registerReport(program: Command): void {
  const report = program.command('report').description('Work with reports redsec wrote');
  report
    .command('merge')
    .description('Merge the JSON reports of a fleet\'s shards (audit --shard I/N --format json) into one fleet report')
    .argument('<files...>', 'JSON reports written by redsec audit --format json')
    .option('--format <format>', `report format: ${FORMATS.join('|')}`, 'json')
    .option('--targets <file>', 'the fleet\'s targets file: keep its order and report targets no shard holds as not audited')
    .option('--fail-on <severity>', 'exit 1 when a finding fails at or above this severity', 'high')
    .action(
      action(async (files: string[], flags: MergeFlags) => {
        const failOn = failOnSeverity(flags.failOn);
        const format = reportFormat(flags.format);
        const [{ readInputFile }, { parseReportFile, mergeReports }, { loadTargetsFile }, { renderReport }] = await Promise.all([
          import('../../input-file.js'),
          import('../../audit/merge.js'),
          import('../../audit/targets-file.js'),
          import('../../report/render.js'),
        ]);
        // Everything is read and checked before anything is written: bad input gives no partial report.
        const inputs = files.map((f) => parseReportFile(f, readInputFile(f, 'report')));
        const fleet = flags.targets !== undefined ? { name: flags.targets, urls: loadTargetsFile(flags.targets) } : undefined;
        const reports = mergeReports(inputs, fleet);
        out(renderReport(reports, format, renderOptions()));
        // The exit codes of one audit of the whole fleet.
        for (const r of reports) if (r.error) err(errorLine(notAuditedText(r)));
        if (reports.some((r) => r.error)) return EXIT.target;
        return reports.some((r) => failsAt(r.findings, failOn)) ? EXIT.findings : EXIT.ok;
      }),
    );
}
