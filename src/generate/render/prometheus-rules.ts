import type { Profile } from '../../profile/index.js';
import type { Severity } from '../../report/types.js';
import { DANGEROUS_COMMANDS } from '../../watch/dangerous.js';

/**
 * monitoring/prometheus-rules.yml: alerting rules over the metrics `redsec exporter` serves (the
 * metric contract in README "Monitoring"). Pure data plus a string renderer; the rules are proven by
 * promtool (check rules, and the unit tests in test/prometheus/) and by a live Prometheus in
 * test/e2e/monitoring-prometheus.test.ts.
 */

export interface RecordingRule {
  record: string;
  expr: string;
}

export interface AlertingRule {
  alert: string;
  expr: string;
  /** How long the condition must hold before the alert fires (omitted: at once). */
  for?: string | undefined;
  /** A severity, or a template that copies one from the series (findings carry their own). */
  severity: Severity | '{{ $labels.severity }}';
  summary: string;
  /** What was observed, what is normal, where the line is. */
  description: string;
  /** The redsec command that investigates it (a line, not a URL). */
  runbook: string;
}

export interface RuleGroup {
  name: string;
  rules: (RecordingRule | AlertingRule)[];
}

/** The profile's level as redsec_level_achieved counts it (1 basic ... 4 compliance; 0 none). */
export const LEVEL_NUMBER: Record<Profile['security_level'], number> = { basic: 1, standard: 2, hardened: 3, compliance: 4 };

/**
 * Directives whose change is an indicator of compromise rather than an ordinary edit: the classic
 * Redis takeover writes a file through dir/dbfilename, follows a rogue master or loads a module.
 */
export const IOC_DIRECTIVES = 'dir|dbfilename|replicaof|slaveof|masterauth|masteruser|protected-mode|bind|enable-.*|loadmodule|aclfile|rename-command';

/** A rate whose normal is learned: recorded per 5 minutes, its 1-day average, deviation and threshold. */
interface Baselined {
  /** Recording rule prefix, e.g. redsec:acl_auth_failures */
  name: string;
  /** The 5-minute per-second rate. */
  rate: string;
  /** Below this per-second rate nothing is an anomaly (a quiet server's first failure is not infinite). */
  floor: number;
  what: string;
}

const BASELINED: Baselined[] = [
  { name: 'redsec:acl_auth_failures', rate: 'sum without (user) (rate(redsec_acl_auth_failures_total[5m]))', floor: 0.05, what: 'failed authentications' },
  { name: 'redsec:acl_denied', rate: 'sum without (reason) (rate(redsec_acl_denied_total[5m]))', floor: 0.05, what: 'ACL denials' },
  { name: 'redsec:connections_received', rate: 'rate(redsec_connections_received_total[5m])', floor: 0.2, what: 'new connections' },
];

/** The standard deviations above the 1-day average that count as an anomaly. */
export const ANOMALY_SIGMAS = 3;
/** Evaluations of history before a baseline is trusted (1 h at Prometheus's default 1m interval). */
export const ANOMALY_WARMUP_SAMPLES = 60;

function baselineRecords(b: Baselined): RecordingRule[] {
  const r = `${b.name}:rate5m`;
  // The baseline leaves out the last 10 minutes, so a spike does not raise its own bar.
  return [
    { record: r, expr: b.rate },
    { record: `${r}:avg1d`, expr: `avg_over_time(${r}[1d] offset 10m)` },
    { record: `${r}:stddev1d`, expr: `stddev_over_time(${r}[1d] offset 10m)` },
    { record: `${r}:samples1d`, expr: `count_over_time(${r}[1d] offset 10m)` },
    { record: `${r}:threshold`, expr: `clamp_min(${r}:avg1d + ${ANOMALY_SIGMAS} * ${r}:stddev1d, ${b.floor})` },
  ];
}

/** A template that prints one recorded value of the alert's target (empty when there is none). */
const recorded = (series: string): string => `{{ with printf "${series}{target=%q}" $labels.target | query }}{{ . | first | value | printf "%.3g" }}{{ end }}`;

function anomalyAlert(b: Baselined, alert: string, runbook: string): AlertingRule {
  const r = `${b.name}:rate5m`;
  return {
    alert,
    expr: `${r} > ${r}:threshold and ${r}:samples1d >= ${ANOMALY_WARMUP_SAMPLES}`,
    for: '2m',
    severity: 'medium',
    summary: `{{ $labels.target }}: ${b.what} far above its normal rate`,
    description: `observed {{ printf "%.3g" $value }}/s over 5m; baseline (1-day average) ${recorded(`${r}:avg1d`)}/s; threshold ${recorded(`${r}:threshold`)}/s (average + ${ANOMALY_SIGMAS} standard deviations, at least ${b.floor}/s)`,
    runbook,
  };
}

const DAY = 86_400;
/** Findings older than this are stale: three of the exporter's default --audit-every (1h). */
const AUDIT_STALE_SECONDS = 3 * 3600;

/** A PromQL raw string (backquoted: no escaping on top of the regex's) matching exactly these values. */
function exactly(values: readonly string[]): string {
  return `\`${values.map((v) => v.replace(/[.*+?^${}()|[\]\\`]/g, '\\$&')).join('|')}\``;
}

/** The fixed command list by the watcher's severity (low ones, EVAL, KEYS, FCALL, are everyday application commands: not alerted). */
const dangerous = (severity: Severity): string => exactly(DANGEROUS_COMMANDS.filter((c) => c.severity === severity).map((c) => c.command));

/** The rule groups for a bundle generated at this profile's level. */
export function prometheusRuleGroups(level: Profile['security_level']): RuleGroup[] {
  const target = LEVEL_NUMBER[level];
  const [auth, denied, connections] = BASELINED as [Baselined, Baselined, Baselined];
  const audit = 'redsec audit {{ $labels.target }} --user AUDITOR';
  return [
    { name: 'redsec-baselines', rules: BASELINED.flatMap(baselineRecords) },
    {
      name: 'redsec-availability',
      rules: [
        {
          alert: 'RedsecExporterDown',
          expr: 'up{job="redsec"} == 0',
          for: '2m',
          severity: 'high',
          summary: '{{ $labels.instance }}: Prometheus cannot scrape redsec exporter',
          description: 'no security metrics for the targets behind this exporter: none of the other redsec alerts can fire for them',
          runbook: "Prometheus's /targets page shows the scrape error; check that redsec exporter runs where the job points (redsec exporter --listen HOST:PORT) and, with /scrape?target=, that the name is in its list (404 otherwise)",
        },
        {
          alert: 'RedsecTargetDown',
          expr: 'redsec_up == 0',
          for: '1m',
          severity: 'high',
          summary: '{{ $labels.target }}: redsec cannot read the server',
          description: 'the exporter could not connect, authenticate or read a reply; every other signal for this target is stale',
          runbook: 'redsec diagnose {{ $labels.target }} --user AUDITOR (names the connect, auth or TLS cause with its E60x code)',
        },
      ],
    },
    {
      name: 'redsec-authentication',
      rules: [
        {
          alert: 'RedsecAuthFailureBurst',
          expr: 'sum without (user) (increase(redsec_acl_auth_failures_total[5m])) > 10',
          severity: 'high',
          summary: '{{ $labels.target }}: burst of failed authentications',
          description: '{{ printf "%.0f" $value }} failed AUTHs in 5 minutes (more than 10): password guessing, or a client with a stale password',
          runbook: `${audit} (AUTH-BRUTEFORCE-SIGNALS lists the ACL LOG failures by user and client address); redsec watch {{ $labels.target }} --user AUDITOR names each new one as it happens; redsec rotate password for a user whose password may be known`,
        },
        anomalyAlert(auth, 'RedsecAuthFailureAnomaly', `${audit} (AUTH-BRUTEFORCE-SIGNALS: ACL LOG failures by user and client address)`),
        anomalyAlert(denied, 'RedsecAclDeniedAnomaly', `${audit} (the ACL LOG entries: which user was denied which command, key or channel); redsec diagnose {{ $labels.target }} --user APPUSER --command "THE COMMAND" for a broken deploy`),
      ],
    },
    {
      name: 'redsec-connections',
      rules: [
        anomalyAlert(connections, 'RedsecConnectionRateAnomaly', `${audit} (IOC-UNKNOWN-CLIENTS with --allow-clients CIDRS names connections from unexpected sources)`),
        {
          alert: 'RedsecRejectedConnections',
          expr: 'increase(redsec_rejected_connections_total[5m]) > 0',
          severity: 'high',
          summary: '{{ $labels.target }}: connections rejected at maxclients',
          description: '{{ printf "%.0f" $value }} connections refused in 5 minutes: clients are being turned away (a flood, or a connection leak)',
          runbook: `${audit} --allow-clients CIDRS (IOC-UNKNOWN-CLIENTS, NET-MAXCLIENTS)`,
        },
        {
          alert: 'RedsecMaxclientsHeadroomLow',
          expr: 'redsec_connected_clients / redsec_maxclients > 0.9',
          for: '5m',
          severity: 'medium',
          summary: '{{ $labels.target }}: connected clients above 90% of maxclients',
          description: '{{ $value | humanizePercentage }} of maxclients in use: new connections will soon be rejected',
          runbook: `${audit} --allow-clients CIDRS (IOC-UNKNOWN-CLIENTS, NET-MAXCLIENTS)`,
        },
      ],
    },
    {
      name: 'redsec-changes',
      rules: [
        {
          alert: 'RedsecDangerousCommandCritical',
          expr: `increase(redsec_dangerous_commands_total{command=~${dangerous('critical')}}[5m]) > 0`,
          severity: 'critical',
          summary: '{{ $labels.target }}: {{ $labels.command }} was run',
          description: '{{ $labels.command }} ran about {{ printf "%.0f" $value }} times in 5 minutes (INFO commandstats): native code loaded or a new master followed, the last steps of a takeover',
          runbook: `${audit} (IOC-ROGUE-MASTER, IOC-UNKNOWN-MODULE; ACL-DANGEROUS names the users who may run it)`,
        },
        {
          alert: 'RedsecDangerousCommand',
          expr: `increase(redsec_dangerous_commands_total{command=~${dangerous('high')}}[5m]) > 0`,
          severity: 'high',
          summary: '{{ $labels.target }}: {{ $labels.command }} was run',
          description: '{{ $labels.command }} ran about {{ printf "%.0f" $value }} times in 5 minutes (INFO commandstats)',
          runbook: `${audit} (ACL-DANGEROUS names the users who may run it; compare with your change log)`,
        },
        {
          alert: 'RedsecScriptingChange',
          expr: `increase(redsec_dangerous_commands_total{command=~${dangerous('medium')}}[5m]) > 0`,
          severity: 'medium',
          summary: '{{ $labels.target }}: {{ $labels.command }} was run',
          description: 'the server-side code changed: {{ $labels.command }} ran about {{ printf "%.0f" $value }} times in 5 minutes (INFO commandstats)',
          runbook: `${audit} (ACL-SCRIPTING names the users who may load scripts and functions)`,
        },
        {
          alert: 'RedsecConfigDriftIoc',
          expr: `redsec_config_drift{directive=~"${IOC_DIRECTIVES}"} == 1`,
          severity: 'critical',
          summary: '{{ $labels.target }}: {{ $labels.directive }} changed (indicator of compromise)',
          description: '{{ $labels.directive }} differs from the baseline: persistence-path writes, a rogue master or a loaded module start this way',
          runbook: `${audit} (IOC-PERSIST-PATH, IOC-ROGUE-MASTER, IOC-UNKNOWN-MODULE and the NET-* findings judge the value now)`,
        },
        {
          alert: 'RedsecConfigDrift',
          expr: `redsec_config_drift{directive!~"${IOC_DIRECTIVES}"} == 1`,
          severity: 'medium',
          summary: '{{ $labels.target }}: {{ $labels.directive }} differs from the baseline',
          description: 'a CONFIG SET (or a restart with another file) changed {{ $labels.directive }}',
          runbook: `${audit} --profile ${level} (the gap to the profile this bundle was generated for)`,
        },
        {
          alert: 'RedsecAclUserAdded',
          expr: 'redsec_acl_user_changes{change="added"} > 0',
          severity: 'high',
          summary: '{{ $labels.target }}: {{ $value }} ACL user(s) added',
          description: 'ACL LIST has users the baseline does not: an intruder adds one (ACL SETUSER) to keep access',
          runbook: `${audit} --baseline users.acl (ACL LIST lines against the approved users; IOC-HIJACKED-PASSWORD)`,
        },
        {
          alert: 'RedsecAclUserChanged',
          expr: 'redsec_acl_user_changes{change=~"removed|modified"} > 0',
          severity: 'medium',
          summary: '{{ $labels.target }}: {{ $value }} ACL user(s) {{ $labels.change }}',
          description: 'users differ from the baseline (passwords or rules); expected during redsec rotate password, suspicious otherwise',
          runbook: `${audit} --baseline users.acl (IOC-HIJACKED-PASSWORD names a user whose password is not the approved one)`,
        },
      ],
    },
    {
      name: 'redsec-posture',
      rules: [
        {
          alert: 'RedsecLevelDropped',
          expr: 'redsec_level_achieved < max_over_time(redsec_level_achieved[1h])',
          severity: 'high',
          summary: '{{ $labels.target }}: security level dropped to {{ $value }}',
          description: 'the highest level whose audit rules all pass is lower than an hour ago: a hardening setting was undone',
          runbook: `${audit} --format text (the failing findings, each with its fix)`,
        },
        {
          alert: 'RedsecLevelBelowProfile',
          expr: `redsec_level_achieved < ${target}`,
          for: '15m',
          severity: 'medium',
          summary: `{{ $labels.target }}: security level {{ $value }}, the profile asks for ${target} (${level})`,
          description: `the server does not meet the ${level} profile it was generated for`,
          runbook: `${audit} --profile ${level} (the gap to the profile, finding by finding)`,
        },
        {
          alert: 'RedsecAuditStale',
          expr: `time() - redsec_audit_timestamp_seconds > ${AUDIT_STALE_SECONDS} or (redsec_up == 1 unless on (job, instance, target) redsec_audit_timestamp_seconds)`,
          for: '15m',
          severity: 'medium',
          summary: `{{ $labels.target }}: no audit newer than ${AUDIT_STALE_SECONDS / 3600} hours`,
          description: `the exporter's audit of this target keeps failing (or its --audit-every is above ${AUDIT_STALE_SECONDS / 3600}h: then raise this threshold), so the findings and the level the other alerts judge are old`,
          runbook: `${audit} --format text (the same audit the exporter runs: its error says what is missing, e.g. a right of the audit user)`,
        },
        {
          alert: 'RedsecFindingFailing',
          expr: 'redsec_finding_failing{severity=~"critical|high"} == 1',
          severity: '{{ $labels.severity }}',
          summary: '{{ $labels.target }}: {{ $labels.rule }} fails',
          description: 'the audit rule {{ $labels.rule }} ({{ $labels.severity }}) fails on this server',
          runbook: `${audit} --format text (the evidence and the fix for {{ $labels.rule }})`,
        },
      ],
    },
    {
      name: 'redsec-certificates',
      rules: [
        {
          alert: 'RedsecCertExpiringSoon',
          expr: `redsec_tls_cert_expiry_seconds > ${7 * DAY} and redsec_tls_cert_expiry_seconds <= ${30 * DAY}`,
          severity: 'medium',
          summary: '{{ $labels.target }}: TLS certificate expires in {{ $value | humanizeDuration }}',
          description: 'the earliest certificate the server presents expires within 30 days',
          runbook: 'redsec tls inspect {{ $labels.target }} (the chain and its dates); renew with redsec rotate tls {{ $labels.target }} --renew-within 30d',
        },
        {
          alert: 'RedsecCertExpiringCritical',
          expr: `redsec_tls_cert_expiry_seconds > 0 and redsec_tls_cert_expiry_seconds <= ${7 * DAY}`,
          severity: 'high',
          summary: '{{ $labels.target }}: TLS certificate expires in {{ $value | humanizeDuration }}',
          description: 'the earliest certificate the server presents expires within 7 days: clients that verify will refuse it',
          runbook: 'redsec tls inspect {{ $labels.target }} (the chain and its dates); renew with redsec rotate tls {{ $labels.target }} --renew-within 30d',
        },
        {
          alert: 'RedsecCertExpired',
          expr: 'redsec_tls_cert_expiry_seconds <= 0',
          severity: 'critical',
          summary: '{{ $labels.target }}: TLS certificate has expired',
          description: 'clients that verify the certificate cannot connect',
          runbook: 'redsec tls inspect {{ $labels.target }} (the chain and its dates); renew with redsec rotate tls {{ $labels.target }}',
        },
      ],
    },
  ];
}

/** Every alert the generated file holds, in file order. */
export function prometheusAlertNames(level: Profile['security_level'] = 'standard'): string[] {
  return prometheusRuleGroups(level).flatMap((g) => g.rules.flatMap((r) => ('alert' in r ? [r.alert] : [])));
}

/**
 * A YAML single-quoted scalar: nothing is an escape inside but '' (PromQL's quotes and backslashes
 * stay as written). Rule texts are ours, one line, no control characters.
 */
function q(s: string): string {
  if (/[\u0000-\u001f\u007f]/.test(s)) throw new Error(`internal: rule text with a control character: ${JSON.stringify(s)}`);
  return `'${s.replaceAll("'", "''")}'`;
}

function renderRule(r: RecordingRule | AlertingRule): string[] {
  if (!('alert' in r)) return [`      - record: ${r.record}`, `        expr: ${q(r.expr)}`];
  return [
    `      - alert: ${r.alert}`,
    `        expr: ${q(r.expr)}`,
    ...(r.for !== undefined ? [`        for: ${r.for}`] : []),
    '        labels:',
    `          severity: ${q(r.severity)}`,
    '        annotations:',
    `          summary: ${q(r.summary)}`,
    `          description: ${q(r.description)}`,
    `          runbook: ${q(r.runbook)}`,
  ];
}

export function renderPrometheusRules(level: Profile['security_level']): string {
  const lines = [
    '# Prometheus alerting rules generated by redsec for the metrics of `redsec exporter`.',
    `# Profile level: ${level} (${LEVEL_NUMBER[level]}). Load with rule_files: [prometheus-rules.yml]; check with`,
    '# promtool check rules prometheus-rules.yml. Runbooks take the target label as the redsec URL',
    '# (the exporter names targets by URL without credentials); AUDITOR is your read-only audit user.',
    'groups:',
  ];
  for (const g of prometheusRuleGroups(level)) {
    lines.push(`  - name: ${g.name}`, '    rules:');
    for (const r of g.rules) lines.push(...renderRule(r));
  }
  return `${lines.join('\n')}\n`;
}
