// The library's public surface. Each capability re-exports from its folder's index.ts.
export * from './errors.js';
export * from './versions/index.js';
export * from './acl/index.js';
export * from './config/index.js';
export * from './certs/index.js';
export * from './tls/index.js';
export * from './profile/index.js';
export * from './generate/index.js';
export * from './resp/index.js';
export * from './diagnose/index.js';
export * from './facts/index.js';
export * from './audit/index.js';
export * from './rules/index.js';
export * from './report/index.js';
// Both generate/ and report/ have a renderText; the package name keeps generate's (the report one is renderReportText).
export { renderText } from './generate/index.js';
export * from './rotate/index.js';
export * from './mcp/index.js';
export {
  Watcher,
  pollTarget,
  parseSnapshot,
  pollCommands,
  detectSnapshot,
  renderEventText,
  renderEventJson,
  WATCH_EVENT_KINDS,
  DANGEROUS_COMMANDS,
  type WatchEvent,
  type WatchEventKind,
  type WatchSnapshot,
  type WatcherOptions,
  type WatchTarget,
  type EventSink,
  type TargetState,
  type TargetStates,
  type DetectOptions,
} from './watch/index.js';
export { startExporter, serveExporter, renderExposition, METRICS as EXPORTER_METRICS, DEFAULT_EXPORTER_PORT, type ExporterOptions, type RunningExporter, type MetricFamily } from './exporter/index.js';
