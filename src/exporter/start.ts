/**
 * `redsec exporter` as a library: the targets, how to reach them (the audit's connection
 * settings), what to compare them with, and the address to serve on. Polls are watch's snapshot
 * (watch/poll.ts), audits are the audit's (audit/audit.ts): the exporter adds no collector of its own.
 */
import { UsageError } from '../errors.js';
import { auditTarget } from '../audit/audit.js';
import { loadBaseline } from '../audit/baseline.js';
import { planExpectations } from '../audit/drift.js';
import { loadPlanBaseline } from '../audit/plan-baseline.js';
import { resolveProfileArg, type AuditProfile } from '../audit/profile.js';
import { targetCredentials, type ConnectionSettings } from '../audit/collect-target.js';
import type { Target } from '../resp/index.js';
import type { VersionId } from '../versions/index.js';
import { pollTarget } from '../watch/poll.js';
import type { ExporterTarget } from './collector.js';
import type { ListenAddress } from './listen.js';
import { serveExporter, type RunningExporter } from './serve.js';

export interface ExporterOptions {
  targets: readonly Target[];
  settings: ConnectionSettings;
  listen: ListenAddress;
  /** Targets polled at once by /metrics (default 16). */
  concurrency?: number | undefined;
  /** How often the audit rules rerun (default 1 h). */
  auditEveryMs?: number | undefined;
  /** --label-users: at most this many user label values; 0 or undefined = no user label. */
  labelUsers?: number | undefined;
  /** --baseline users.acl. */
  baselineFile?: string | undefined;
  /** --baseline-plan plan.json: config drift against its values (wins over --profile's plan). */
  baselinePlan?: string | undefined;
  /** --profile level|file: the audit's gap, and config drift against its plan without --baseline-plan. */
  profile?: string | undefined;
  /** How long a target's first scrape waits for its first audit (default 5 s). */
  firstAuditWaitMs?: number | undefined;
}

export const DEFAULT_AUDIT_EVERY_MS = 3_600_000;

export async function startExporter(opts: ExporterOptions): Promise<RunningExporter> {
  const entries: ExporterTarget[] = [];
  const seen = new Set<string>();
  for (const target of opts.targets) {
    if (seen.has(target.display)) throw new UsageError(`target ${target.display} given twice`);
    seen.add(target.display);
    entries.push({ name: target.display, target });
  }
  const credentials = new Map(entries.map((e) => [e.name, targetCredentials(e.target, opts.settings)]));
  const baseline = opts.baselineFile !== undefined ? loadBaseline(opts.baselineFile) : undefined;
  const profile = opts.profile !== undefined ? resolveProfileArg(opts.profile) : null;
  const plan = opts.baselinePlan !== undefined ? loadPlanBaseline(opts.baselinePlan) : undefined;
  return serveExporter(entries, opts.listen, {
    poll: (e) => pollTarget(e.target, opts.settings, { name: e.name, credentials: credentials.get(e.name) }),
    audit: (e) => auditTarget(e.target, { ...opts.settings, profile, ...(baseline ? { baseline } : {}) }),
    auditEveryMs: opts.auditEveryMs ?? DEFAULT_AUDIT_EVERY_MS,
    firstAuditWaitMs: opts.firstAuditWaitMs,
    concurrency: opts.concurrency ?? 16,
    labelUsers: opts.labelUsers ?? 0,
    userBaseline: baseline,
    configBaseline: plan ? () => plan : profile ? planBaselines(profile) : undefined,
  });
}

/** The plan's values for each server version met, computed once per version. */
function planBaselines(profile: AuditProfile): (version: VersionId | null) => Readonly<Record<string, string>> {
  const cache = new Map<string, Readonly<Record<string, string>>>();
  return (version) => {
    const v = version ?? profile.redis_version;
    let values = cache.get(v);
    if (!values) {
      values = Object.fromEntries(planExpectations(profile, v));
      cache.set(v, values);
    }
    return values;
  };
}
