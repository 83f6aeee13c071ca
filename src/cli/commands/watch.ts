import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
// The watcher, the audit and the ACL engine are imported when the action runs.
import type { Target } from '../../resp/index.js';
import type { WatchEvent } from '../../watch/event.js';
import type { WatchSnapshot } from '../../watch/snapshot.js';
import type { TargetState } from '../../watch/target-state.js';
import { action, err } from '../action.js';
import { warnPasswordInUrls } from '../url-password.js';
import { addClientTlsOptions, checkClientCert, type ClientTlsFlags } from '../client-tls.js';
import { addCredentialOptions, commaList, connectionSettings, loadTargets, type CredentialFlags } from '../target-flags.js';
import { textOptions } from './audit.js';
import { durationMs as duration, positiveInt } from '../flag-values.js';

interface WatchFlags extends ClientTlsFlags, CredentialFlags {
  targets?: string;
  interval: string;
  format: string;
  timeout: string;
  concurrency: string;
  allowClients?: string;
  baselinePlan?: string;
  baseline?: string;
  auditEvery: string;
  certWindow: string;
  webhook?: string;
  state?: string;
  maxPolls?: string;
}

export function registerWatch(program: Command): void {
  const cmd = program
    .command('watch')
    .description('Watch servers continuously, read-only: failed AUTHs and brute force, denials, connection floods, dangerous commands, config drift, ACL changes, new findings, certificate expiry; one line per event')
    .argument('[urls...]', 'redis://[user@]host:port or rediss://... to watch');
  addClientTlsOptions(cmd, 'use TLS for redis:// URLs too (rediss:// always uses it)')
    .option('--targets <file>', 'file with one URL per line (# comments)')
    .option('--interval <duration>', 'time between two polls of a target', '15s')
    .option('--format <format>', 'text (one line per event) or jsonl (one JSON object per event)', 'text');
  addCredentialOptions(cmd)
    .option('--timeout <ms>', 'connect and reply deadline per poll', '5000')
    .option('--concurrency <n>', 'polls at once', '64')
    .option('--allow-clients <cidrs>', 'comma-separated client networks; a client from elsewhere is an event (adds CLIENT LIST to each poll)')
    .option('--baseline-plan <plan.json>', 'generate\'s plan.json: the configuration to compare with at the start (else the first poll)')
    .option('--baseline <aclfile>', 'the approved users and password hashes, e.g. generate\'s users.acl, compared at the start')
    .option('--audit-every <duration>', 'rerun the audit\'s rules this often (0 to never): new and resolved findings are events', '1h')
    .option('--cert-window <duration>', 'report served certificates expiring within this time', '30d')
    .option('--webhook <url>', 'also POST each event\'s JSON to this URL (retried with backoff; never delays the polls)')
    .option('--state <file>', 'keep what was seen here (0600, no secrets) so a restart does not report it again; also what `redsec mcp --watch FILE` serves')
    .option('--max-polls <n>', 'stop after this many polls of each target (default: until SIGINT/SIGTERM)')
    .action(
      action(async (urls: string[], flags: WatchFlags) => {
        warnPasswordInUrls(urls);
        checkClientCert(flags);
        if (flags.format !== 'text' && flags.format !== 'jsonl') throw new UsageError(`--format must be text or jsonl; got ${JSON.stringify(flags.format.slice(0, 40))}`);
        const intervalMs = duration('--interval', flags.interval, 100);
        const auditEveryMs = flags.auditEvery.trim() === '0' ? 0 : duration('--audit-every', flags.auditEvery, 1000);
        const certWindowMs = duration('--cert-window', flags.certWindow, 1);
        const timeout = positiveInt('--timeout', flags.timeout, 600_000);
        const concurrency = positiveInt('--concurrency', flags.concurrency, 4096);
        const maxRounds = flags.maxPolls !== undefined ? positiveInt('--max-polls', flags.maxPolls, 1_000_000) : undefined;
        const allowClients = commaList(flags.allowClients);
        const [parsed, { targetCredentials }, { Watcher }, { renderEventJson, renderEventText }, { scrubSecrets }] = await Promise.all([
          loadTargets(urls, flags.targets),
          import('../../audit/collect-target.js'),
          import('../../watch/watcher.js'),
          import('../../watch/render.js'),
          import('../../watch/scrub.js'),
        ]);
        const settings = { ...connectionSettings(flags, timeout), retries: 0 };
        // Credentials are resolved once: an unreadable password file stops here, before any poll.
        const seen = new Set<string>();
        const targets = parsed.map((target) => {
          if (seen.has(target.display)) throw new UsageError(`target given twice: ${target.display}`);
          seen.add(target.display);
          return { name: target.display, target, credentials: targetCredentials(target, settings) };
        });
        const secrets = [...new Set(targets.flatMap((t) => [t.credentials.password, t.target.password]))];
        const baselineUsers = flags.baseline !== undefined ? (await import('../../audit/baseline.js')).loadBaseline(flags.baseline) : undefined;
        const planConfig = flags.baselinePlan !== undefined ? await loadPlanBaseline(flags.baselinePlan) : undefined;

        const persistence = flags.state !== undefined ? new (await import('../../watch/persist.js')).WatchPersistence(flags.state, secrets) : undefined;
        const detect = { allowClients, baselineUsers, planConfig, certWindowDays: certWindowMs / 86_400_000 };
        const color = flags.format === 'text' && textOptions().color;
        const sinks: { send(e: WatchEvent): unknown; close?(): Promise<unknown> }[] = [
          {
            send: (e) => process.stdout.write(`${flags.format === 'jsonl' ? renderEventJson(scrubSecrets(e, secrets)) : renderEventText(scrubSecrets(e, secrets), { color })}\n`),
          },
        ];
        if (flags.webhook !== undefined) {
          const { WebhookSink } = await import('../../watch/webhook.js');
          sinks.push(new WebhookSink({ url: flags.webhook, secrets, log: (line) => err(`redsec watch: ${line}`) }));
        }
        const audit =
          auditEveryMs > 0
            ? async (t: { target: Target }) => {
                const { auditTarget } = await import('../../audit/audit.js');
                const report = await auditTarget(t.target, { ...settings, profile: null, waivers: [], ...(baselineUsers ? { baseline: baselineUsers } : {}), ...(allowClients ? { allowlists: { clients: allowClients } } : {}) });
                return report.findings;
              }
            : undefined;
        const watcher = new Watcher({
          targets,
          settings,
          intervalMs,
          concurrency,
          maxRounds,
          sinks,
          auditEveryMs,
          audit,
          detect,
          log: (line) => err(line),
          ...(persistence
            ? {
                initialState: persistence.initialState(),
                onPolled: (name: string, state: TargetState, _snap: WatchSnapshot | undefined, events: readonly WatchEvent[]) => persistence.record(name, state, events.map((e) => scrubSecrets(e, secrets))),
              }
            : {}),
        });
        err(`redsec watch: ${targets.length} target${targets.length === 1 ? '' : 's'} every ${flags.interval.trim()}${auditEveryMs > 0 ? `, audit every ${flags.auditEvery.trim()}` : ''}; Ctrl-C to stop`);
        const stop = (): void => void watcher.stop();
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
        try {
          await watcher.run();
        } finally {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
        }
        persistence?.save();
        const s = watcher.stats();
        err(`redsec watch: stopped after ${s.polls} poll(s), ${s.failedPolls} failed, ${s.events} event(s)`);
        return 0;
      }),
    );
}

async function loadPlanBaseline(file: string): Promise<Record<string, string>> {
  return (await import('../../audit/plan-baseline.js')).loadPlanBaseline(file);
}
