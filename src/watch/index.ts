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
