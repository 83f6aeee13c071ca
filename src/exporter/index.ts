export { METRICS, ACL_DENIED_REASONS, USER_CHANGES, type MetricSpec } from './contract.js';
export { CONTENT_TYPE, MAX_LABEL_VALUE, escapeLabelValue, escapeHelp, formatValue, renderExposition, mergeFamilies, type MetricFamily, type MetricType, type Sample } from './exposition.js';
export { observe, newTargetState, driftedDirectives, findingVerdicts, OTHER_USERS, type Observation, type ObserveOptions, type TargetState } from './observe.js';
export { targetFamilies, buildInfoFamily, MAX_DRIFT_SERIES, type TargetResult } from './families.js';
export { Collector, type CollectorOptions, type ExporterTarget } from './collector.js';
export { createExporterServer, renderResults, MAX_URL_LENGTH, MAX_CONCURRENT_REQUESTS } from './http.js';
export { parseListen, isLoopbackHost, DEFAULT_EXPORTER_PORT, DEFAULT_LISTEN, type ListenAddress } from './listen.js';
export { serveExporter, type RunningExporter } from './serve.js';
export { startExporter, DEFAULT_AUDIT_EVERY_MS, type ExporterOptions } from './start.js';
