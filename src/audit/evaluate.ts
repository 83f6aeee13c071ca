/** Facts → findings → waivers → report: the part audit and lint share. */
import type { CveData } from '../cve/index.js';
import type { ServerFacts } from '../facts/types.js';
import type { Report } from '../report/types.js';
import { runRules, type RuleContext } from '../rules/index.js';
import { driftFromPlan } from './drift.js';
import type { AuditProfile } from './profile.js';
import { buildAuditReport } from './report.js';
import { applyWaivers, today, type Waiver } from './waivers.js';

export interface EvaluateOptions {
  profile: AuditProfile | null;
  waivers?: Waiver[];
  allowlists?: RuleContext['allowlists'];
  baseline?: RuleContext['baseline'];
  /** YYYY-MM-DD for waiver expiry (default: today, UTC). */
  today?: string;
  /** CVE and end-of-life data (--cve-data; default: the data shipped with redsec). */
  cveData?: CveData | undefined;
  /** When this server's passwords were set (AUTH-PASSWORD-AGE); audit narrows its records to the target. */
  passwordDates?: RuleContext['passwordDates'];
  /** TLS-CERT's expiry window in days (default 30). */
  certExpiryWindowDays?: number | undefined;
  /** The clock for expiry and age checks (tests pin it; default now). */
  now?: Date | undefined;
}

export function evaluateFacts(facts: ServerFacts, opts: EvaluateOptions): Report {
  const ctx: RuleContext = {
    mode: facts.source === 'live' ? 'live' : 'lint',
    profile: opts.profile
      ? {
          security_level: opts.profile.security_level,
          network_exposure: opts.profile.network_exposure,
          compliance_requirements: [...opts.profile.compliance_requirements],
          password_max_age_days: opts.profile.password_max_age_days,
        }
      : null,
    ...(opts.allowlists ? { allowlists: opts.allowlists } : {}),
    ...(opts.baseline ? { baseline: opts.baseline } : {}),
    cveData: opts.cveData,
    passwordDates: opts.passwordDates,
    certExpiryWindowDays: opts.certExpiryWindowDays,
    ...(opts.now ? { now: opts.now } : {}),
  };
  const raw = runRules(facts, ctx);
  const { findings, uses } = applyWaivers(raw, opts.waivers ?? [], facts.target, opts.today ?? today());
  const drift = opts.profile ? driftFromPlan(facts, opts.profile) : undefined;
  return buildAuditReport({
    target: facts.target,
    facts,
    findings,
    profile: opts.profile,
    waivers: uses,
    ...(drift ? { drift } : {}),
  });
}
