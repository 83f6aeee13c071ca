export { WATCH_EVENT_KINDS, type WatchEvent, type WatchEventKind, type EventBaseline } from './event.js';
