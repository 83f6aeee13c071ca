/**
 * `redsec audit` as a library: one target or a fleet, each collected live, evaluated and reported.
 * A fleet keeps going when one target fails: that target's report carries the error instead.
 */
import { TargetError } from '../errors.js';
import { parseTarget, type Target } from '../resp/index.js';
import type { Report } from '../report/types.js';
import { collectTarget, targetCredentials, type ConnectionSettings } from './collect-target.js';
import { hideSecrets } from './hide-secrets.js';
import { evaluateFacts, type EvaluateOptions } from './evaluate.js';
import { mapPool } from './pool.js';
import { passwordDatesFor, type PasswordRecords } from './password-dates.js';
import { buildAuditReport, stampTimes } from './report.js';

export interface AuditOptions extends EvaluateOptions, ConnectionSettings {
  /** Password dates for every target (--rotation-state, --password-dates); each audit keeps its own server's. */
  passwordRecords?: PasswordRecords | undefined;
}

export interface FleetOptions extends AuditOptions {
  /** Targets audited at once (default 16). */
  concurrency?: number;
  /** Called after each target finishes. */
  onProgress?: (done: number, total: number, target: string) => void;
}

/** Audits one target; connection, authentication and TLS failures throw TargetError (exit 3). */
export async function auditTarget(url: string | Target, opts: AuditOptions): Promise<Report> {
  const started = new Date();
  const target = typeof url === 'string' ? parseTarget(url) : url;
  const creds = targetCredentials(target, opts);
  const facts = await collectTarget(target, opts, creds);
  const passwordDates = opts.passwordRecords ? passwordDatesFor(opts.passwordRecords, target) : opts.passwordDates;
  return stampTimes(hideSecrets(evaluateFacts(facts, { ...opts, passwordDates }), [creds.password]), started, new Date());
}

/**
 * Audits every target with bounded concurrency. All URLs are parsed first, so a typo is a usage
 * error (exit 2) before any connection is made. Target failures (unreachable, authentication, TLS)
 * become that target's report with `error`; bad input stops the whole run.
 */
export async function auditFleet(urls: readonly string[], opts: FleetOptions): Promise<Report[]> {
  const targets = urls.map((u) => parseTarget(u));
  let done = 0;
  return mapPool(targets, opts.concurrency ?? 16, async (target) => {
    let report: Report;
    const started = new Date();
    try {
      report = await auditTarget(target, opts);
    } catch (e) {
      // Bad input (a password or CA file) is the same for every target: it stops the run (exit 2).
      if (!(e instanceof TargetError)) throw e;
      const error = { code: e.code, message: withoutCode(e.message, e.code) };
      report = stampTimes(buildAuditReport({ target: target.display, findings: [], profile: opts.profile, error }), started, new Date());
    }
    opts.onProgress?.(++done, targets.length, target.display);
    return report;
  });
}

/** TargetError's message starts with its code; the report keeps the two apart so no format repeats it. */
function withoutCode(message: string, code: string): string {
  return message.startsWith(`${code}: `) ? message.slice(code.length + 2) : message;
}
