export { WATCH_EVENT_KINDS, type WatchEvent, type WatchEventKind, type EventBaseline } from './event.js';
export {
  ANOMALY_METRICS,
  anomalyEvent,
  counterRate,
  detectAnomalies,
  emptyBaseline,
  isRateBaseline,
  observe as observeRate,
  thresholdOf,
  type AnomalyMetric,
  type AnomalyOptions,
  type AnomalyState,
  type AnomalyVerdict,
  type RateBaseline,
} from './anomaly.js';
export { WebhookSink, parseWebhookUrl, describeWebhook, type WebhookOptions, type WebhookStats } from './webhook.js';
export { scrubSecrets } from './scrub.js';
export {
  POLL_INFO_SECTIONS,
  POLL_ACL_LOG_COUNT,
  pollCommands,
  parseSnapshot,
  parseConfigMap,
  parseAclLogRecords,
  parseClientRecords,
  infoNumber,
  commandStats,
  type WatchSnapshot,
  type SnapshotMeta,
  type AclLogRecord,
  type ClientRecord,
  type CommandStat,
  type PollCommandOptions,
} from './snapshot.js';
export { pollTarget, type PollOptions } from './poll.js';
export { DANGEROUS_COMMANDS, DANGEROUS_COMMAND_NAMES, type DangerousCommand } from './dangerous.js';
export {
  WATCH_STATE_VERSION,
  MAX_STATE_EVENTS,
  StateSaver,
  emptyStateFile,
  readStateFile,
  recordEvents,
  writeStateFile,
  type WatchStateFile,
} from './state-file.js';
export { emptyTargetState, userDigest, configForState, type TargetState, type TargetStates, type UserDigest } from './target-state.js';
export { detectSnapshot, detectFindings, newLogEvents, driftWeight, usersWhoMayRun, type DetectOptions } from './detect/index.js';
export { Watcher, type WatcherOptions, type WatchTarget, type EventSink, type WatcherStats } from './watcher.js';
export { renderEventText, renderEventJson } from './render.js';
