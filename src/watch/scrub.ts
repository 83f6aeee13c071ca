/**
 * Events leave the process (webhook body, state file, MCP): every string in them is cleaned of the
 * credentials the watcher uses, as the audit cleans its report. A hostile server can place the
 * password it was sent into an ACL LOG field or a config value an event quotes.
 */
import { redactSecrets } from '../resp/index.js';

/** As the audit report's: long enough not to mangle our own words with a password's first letters. */
const MIN_PREFIX = 8;

function clean(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return redactSecrets(value, secrets, MIN_PREFIX);
  if (Array.isArray(value)) return value.map((v) => clean(v, secrets));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[redactSecrets(k, secrets, MIN_PREFIX)] = clean(v, secrets);
    return out;
  }
  return value;
}

/** A copy of `value` with every secret (and its 8+ character prefixes) masked in every string and key. */
export function scrubSecrets<T>(value: T, secrets: readonly (string | undefined)[]): T {
  const present = secrets.filter((s): s is string => s !== undefined && s !== '');
  return present.length === 0 ? value : (clean(value, present) as T);
}
