/**
 * The metric contract: the names, types and help of every series `redsec exporter` serves.
 * Alert rules (monitoring/prometheus-rules.yml) and dashboards are written against these names:
 * only add. Counters end in _total, times are in seconds, labels are bounded (target, rule,
 * severity, a fixed command or directive list; user only with --label-users, capped).
 */
import type { MetricType } from './exposition.js';

export interface MetricSpec {
  name: string;
  type: MetricType;
  help: string;
}

const spec = (name: string, type: MetricType, help: string): MetricSpec => ({ name, type, help });

export const METRICS = {
  up: spec('redsec_up', 'gauge', '1 when the last poll of the target succeeded (connect, AUTH, replies), else 0.'),
  scrapeDuration: spec('redsec_scrape_duration_seconds', 'gauge', 'Wall time of the last scrape of the target (its poll, and its first audit when that was waited for), in seconds.'),
  levelAchieved: spec('redsec_level_achieved', 'gauge', 'Security level (0-4) the last audit of the target reached.'),
  findingFailing: spec('redsec_finding_failing', 'gauge', '1 when the audit rule fails on the target, 0 when it passes or is waived (one series per rule with a verdict).'),
  findingsUnknown: spec('redsec_findings_unknown', 'gauge', 'Audit rules the last audit could not verify on the target (status unknown).'),
  auditTimestamp: spec('redsec_audit_timestamp_seconds', 'gauge', 'When the findings and level were computed (the last audit), as a Unix time in seconds.'),
  aclUsers: spec('redsec_acl_users', 'gauge', 'ACL users on the target (ACL LIST).'),
  aclUserChanges: spec('redsec_acl_user_changes', 'gauge', 'ACL users differing from the baseline (--baseline users.acl, else the first poll), by change.'),
  authFailures: spec('redsec_acl_auth_failures_total', 'counter', 'Failed authentications on the target (INFO acl_access_denied_auth where the server has it, else ACL LOG entries with reason auth).'),
  aclDenied: spec('redsec_acl_denied_total', 'counter', 'Commands, keys or channels refused by ACL rules on the target (INFO acl_access_denied_* where present, else ACL LOG), by reason.'),
  connectionsReceived: spec('redsec_connections_received_total', 'counter', 'Connections the target accepted (INFO total_connections_received).'),
  rejectedConnections: spec('redsec_rejected_connections_total', 'counter', 'Connections the target rejected because of maxclients (INFO rejected_connections).'),
  connectedClients: spec('redsec_connected_clients', 'gauge', 'Clients connected to the target (INFO connected_clients).'),
  maxclients: spec('redsec_maxclients', 'gauge', 'The target\'s maxclients setting.'),
  dangerousCommands: spec('redsec_dangerous_commands_total', 'counter', 'Calls of dangerous commands on the target (INFO commandstats), by command from a fixed list (watch/dangerous.ts).'),
  configDrift: spec('redsec_config_drift', 'gauge', '1 for each directive whose CONFIG GET value differs from the baseline (the plan, else the first poll).'),
  configDriftDirectives: spec('redsec_config_drift_directives', 'gauge', 'How many directives differ from the baseline.'),
  tlsCertExpiry: spec('redsec_tls_cert_expiry_seconds', 'gauge', 'Seconds until the earliest certificate of the served chain expires (negative once expired).'),
  buildInfo: spec('redsec_build_info', 'gauge', 'Always 1; the version label says which redsec serves the metrics.'),
} as const;

export const ACL_DENIED_REASONS = ['command', 'key', 'channel'] as const;
export const USER_CHANGES = ['added', 'removed', 'modified'] as const;
