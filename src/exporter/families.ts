/** One target's poll (and its last audit) → the contract's metric families. Pure. */
import type { Report } from '../report/types.js';
import { VERSION } from '../version.js';
import { METRICS, USER_CHANGES, type MetricSpec } from './contract.js';
import type { MetricFamily, Sample } from './exposition.js';
import { findingVerdicts, type Observation } from './observe.js';

export interface TargetResult {
  /** The target label: its name in the exporter's list. */
  target: string;
  up: boolean;
  durationSeconds: number;
  /** Absent when the target is down. */
  observation?: Observation | undefined;
  /** The last audit and when it finished (ms since the epoch); absent until one succeeded. */
  audit?: { report: Report; at: number } | undefined;
}

/** At most this many redsec_config_drift series per target (a hostile server could invent directives); the count stays exact. */
export const MAX_DRIFT_SERIES = 256;

const family = (m: MetricSpec, samples: Sample[]): MetricFamily => ({ name: m.name, help: m.help, type: m.type, samples });

/** Families for one target; a family with nothing known has no samples (renderExposition leaves it out). */
export function targetFamilies(r: TargetResult): MetricFamily[] {
  const t = { target: r.target };
  const one = (value: number | undefined): Sample[] => (value === undefined ? [] : [{ labels: t, value }]);
  const o = r.up ? r.observation : undefined;
  const report = r.up ? r.audit?.report : undefined;
  const verdicts = report && report.level_achieved !== null ? findingVerdicts(report) : [];
  const byUser = o?.authFailuresByUser;
  return [
    family(METRICS.up, one(r.up ? 1 : 0)),
    family(METRICS.scrapeDuration, one(r.durationSeconds)),
    family(METRICS.levelAchieved, one(report?.level_achieved ?? undefined)),
    family(METRICS.findingFailing, verdicts.map((v) => ({ labels: { ...t, rule: v.rule, severity: v.severity }, value: v.failing }))),
    family(METRICS.findingsUnknown, one(report && report.level_achieved !== null ? report.summary.unknown : undefined)),
    family(METRICS.auditTimestamp, one(report && r.audit ? r.audit.at / 1000 : undefined)),
    family(METRICS.aclUsers, one(o?.aclUsers)),
    family(METRICS.aclUserChanges, o?.userChanges ? USER_CHANGES.map((c) => ({ labels: { ...t, change: c }, value: o.userChanges?.[c] ?? 0 })) : []),
    family(
      METRICS.authFailures,
      byUser ? [...byUser].sort(([a], [b]) => (a < b ? -1 : 1)).map(([user, value]) => ({ labels: { ...t, user }, value })) : one(o?.authFailures),
    ),
    family(METRICS.aclDenied, o?.aclDenied ? Object.entries(o.aclDenied).map(([reason, value]) => ({ labels: { ...t, reason }, value })) : []),
    family(METRICS.connectionsReceived, one(o?.connectionsReceived)),
    family(METRICS.rejectedConnections, one(o?.rejectedConnections)),
    family(METRICS.connectedClients, one(o?.connectedClients)),
    family(METRICS.maxclients, one(o?.maxclients)),
    family(METRICS.dangerousCommands, o?.dangerous ? [...o.dangerous].map(([command, value]) => ({ labels: { ...t, command }, value })) : []),
    family(METRICS.configDrift, (o?.driftDirectives ?? []).slice(0, MAX_DRIFT_SERIES).map((directive) => ({ labels: { ...t, directive }, value: 1 }))),
    family(METRICS.configDriftDirectives, one(o?.driftDirectives?.length)),
    family(METRICS.tlsCertExpiry, one(o?.certExpirySeconds)),
  ];
}

export function buildInfoFamily(): MetricFamily {
  return family(METRICS.buildInfo, [{ labels: { version: VERSION }, value: 1 }]);
}
