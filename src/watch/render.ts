/**
 * One event as one line: for a terminal (time, severity, target, kind, summary) or as JSON Lines
 * (the event object, the same one the webhook POSTs). Strings from servers were made visible by
 * the detectors; JSON escapes the rest, so no raw control character reaches the output.
 */
import type { WatchEvent } from './event.js';
import { visible } from '../text/visible.js';

const COLOR: Record<WatchEvent['severity'], string> = { critical: '\x1b[1;31m', high: '\x1b[31m', medium: '\x1b[33m', low: '\x1b[36m', info: '\x1b[2m' };

export function renderEventText(e: WatchEvent, opts: { color?: boolean | undefined } = {}): string {
  const sev = e.severity.toUpperCase().padEnd(8);
  const head = opts.color ? `${COLOR[e.severity]}${sev}\x1b[0m` : sev;
  const base = e.baseline ? ` [observed ${round(e.baseline.observed)}, expected ${round(e.baseline.expected)}, threshold ${round(e.baseline.threshold)}]` : '';
  return `${e.time} ${head} ${visible(e.target)} ${e.kind}: ${visible(e.summary)}${base}`;
}

export function renderEventJson(e: WatchEvent): string {
  return JSON.stringify(e);
}

const round = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(2));
