/**
 * The last line of defence for a live audit's report: every string in it (evidence, remediation,
 * subjects, the server's version, an error) is cleaned of the credentials the audit used, and of
 * their longer prefixes, as resp/ cleans server errors. Data replies (INFO, CLIENT LIST, CONFIG GET) are
 * read unredacted, since rules need them, so a hostile server could otherwise place the password
 * it was sent into a field a finding quotes.
 */
import { redactSecrets } from '../resp/index.js';
import type { Report } from '../report/types.js';

/**
 * Longer than resp/'s 4: a report is mostly our own words, and a human password's first letters
 * ("redi...") would otherwise mangle every "redis-cli" in it. Redis cuts an echo at 128
 * characters, so what a server echoes of a secret is far longer than this.
 */
const REPORT_MIN_PREFIX = 8;

function clean(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return redactSecrets(value, secrets, REPORT_MIN_PREFIX);
  if (Array.isArray(value)) return value.map((v) => clean(v, secrets));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = clean(v, secrets);
    return out;
  }
  return value;
}

export function hideSecrets(report: Report, secrets: readonly (string | undefined)[]): Report {
  const present = secrets.filter((s): s is string => s !== undefined && s !== '');
  return present.length === 0 ? report : (clean(report, present) as Report);
}
