/**
 * watch_events: the recent events of a running `redsec watch --state FILE`, read from that file
 * (`redsec mcp --watch FILE`). Read-only: the MCP server never polls a target for it, so an agent
 * asking "what happened on prod in the last hour?" adds no load and cannot change anything.
 * The file is re-read only when it changed (size or mtime).
 */
import { statSync } from 'node:fs';
import type { z } from 'zod';
import { InputError } from '../../errors.js';
import { SEVERITIES } from '../../report/index.js';
import { parseDurationMs } from '../../text/duration.js';
import { visible } from '../../text/index.js';
import type { WatchEvent } from '../../watch/event.js';
import { readStateFile, type WatchStateFile } from '../../watch/state-file.js';
import type { WatchEventsInputSchema, WatchEventsOutputSchema } from '../schemas.js';

type Input = z.infer<typeof WatchEventsInputSchema>;
type Output = z.infer<typeof WatchEventsOutputSchema>;

interface Cached {
  key: string;
  state: WatchStateFile | undefined;
}
const cache = new Map<string, Cached>();

function load(path: string): WatchStateFile | undefined {
  let key: string;
  try {
    const st = statSync(path);
    key = `${st.size}:${st.mtimeMs}:${st.ino}`;
  } catch {
    return undefined;
  }
  const hit = cache.get(path);
  if (hit && hit.key === key) return hit.state;
  const state = readStateFile(path);
  cache.set(path, { key, state });
  return state;
}

/** An ISO time or a duration back from now; bad input names the field. */
export function parseSince(since: string | undefined, now: number): number {
  const text = since ?? '1h';
  const back = parseDurationMs(text);
  if (back !== undefined) return now - back;
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const t = Date.parse(text);
    if (!Number.isNaN(t)) return t;
  }
  throw new InputError('expected an ISO 8601 time or a duration such as "15m", "1h", "2d"', 'since');
}

export function watchEvents(statePath: string, input: Input, now = Date.now()): Output {
  const from = parseSince(input.since, now);
  const state = load(statePath);
  const rank = (s: string): number => SEVERITIES.indexOf(s as (typeof SEVERITIES)[number]);
  const kinds = input.kinds ? new Set<string>(input.kinds) : undefined;
  const matched = (state?.events ?? []).filter((e) => {
    const t = Date.parse(e.time);
    return (
      !Number.isNaN(t) &&
      t >= from &&
      (input.target === undefined || e.target === input.target) &&
      (kinds === undefined || kinds.has(e.kind)) &&
      (input.min_severity === undefined || rank(e.severity) <= rank(input.min_severity))
    );
  });
  const limit = input.limit;
  const events = matched.slice(-limit);
  const saved = state ? Date.parse(state.savedAt) : Number.NaN;
  return {
    since: new Date(from).toISOString(),
    watcher_saved_at: state && !Number.isNaN(saved) ? state.savedAt : null,
    watcher_age_seconds: state && !Number.isNaN(saved) ? Math.max(0, Math.round((now - saved) / 1000)) : null,
    matched: matched.length,
    truncated: matched.length > events.length,
    events: events as WatchEvent[] as Output['events'],
  };
}

/** One line per event for the text content; every file-supplied string through visible(). */
export function renderWatchEventsText(r: Output): string {
  const head =
    r.watcher_saved_at === null
      ? 'The watcher has not written its state file yet: no events.'
      : `${r.matched} event(s) since ${r.since}${r.truncated ? `, newest ${r.events.length} shown` : ''} (watcher state written ${r.watcher_age_seconds ?? '?'} s ago)`;
  const lines = [head];
  for (const e of r.events) {
    const base = e.baseline ? ` (observed ${e.baseline.observed}, expected ${e.baseline.expected}, threshold ${e.baseline.threshold})` : '';
    lines.push(`${visible(e.time)}  ${visible(e.target)}  ${e.kind}  ${e.severity}  ${visible(e.summary)}${base}`);
  }
  return lines.join('\n');
}
