/** Numeric flag values (counts, durations, days), each refused with one line naming the flag. */
import { UsageError } from '../errors.js';
import { parseDurationMs } from '../text/duration.js';

export function positiveInt(flag: string, value: string, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) throw new UsageError(`${flag} must be a whole number from 1 to ${max}, got ${JSON.stringify(value)}`);
  return Number(value);
}

/** "500ms", "15s", "5m", "1h", "30d" → milliseconds, at least `min`. */
export function durationMs(flag: string, value: string, min: number): number {
  const ms = parseDurationMs(value);
  if (ms === undefined || ms < min) throw new UsageError(`${flag} must be a duration such as 500ms, 15s, 5m or 1h (at least ${min} ms), got ${JSON.stringify(value.slice(0, 40))}`);
  return ms;
}

/** "30d" or "30" → whole days from 1 to `max`. */
export function wholeDays(flag: string, value: string, max: number): number {
  const m = /^(\d{1,6})d?$/.exec(value.trim());
  const days = m ? Number(m[1]) : NaN;
  if (!(days >= 1 && days <= max)) throw new UsageError(`${flag} must be a number of days from 1 to ${max} (e.g. 30d), got ${JSON.stringify(value.slice(0, 40))}`);
  return days;
}
