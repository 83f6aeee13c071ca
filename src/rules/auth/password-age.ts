import type { PasswordDate, Rule, RuleProfile, RuleResult } from '../types.js';
import { fail, notApplicable, pass, unknownResult } from '../result.js';
import { effectiveUsers, userFlags } from '../users.js';
import { pci } from '../compliance.js';
import { sha256Hex } from './passwords.js';

const DAY = 86_400_000;
/** A date this far ahead of the clock is a bad record, not skew. */
const FUTURE_SLACK = DAY;

/** The profile's maximum password age, and why (spec compliance-tls.md §6: cadence). */
export function maxPasswordAge(profile: RuleProfile | null): { days: number; why: string } {
  if (profile?.password_max_age_days !== undefined) return { days: profile.password_max_age_days, why: "the profile's password_max_age_days" };
  if (profile && (profile.security_level === 'compliance' || profile.compliance_requirements.includes('pci_dss'))) {
    return { days: 90, why: 'PCI DSS 8.3.9, for a compliance profile' };
  }
  return { days: 365, why: 'the default for application secrets; 90 with a compliance or PCI DSS profile' };
}

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

interface Dated {
  /** Age in ms: exact, or a lower bound when `exact` is false. */
  age: number;
  exact: boolean;
  entry: PasswordDate;
}

/**
 * The oldest age the records allow for one hash: every record says "this password existed at
 * `at`", so the earliest one bounds its age from below; it is exact only when that record is the
 * moment the password was set.
 */
function oldest(entries: readonly PasswordDate[], now: number): Dated | 'future' | undefined {
  let best: Dated | undefined;
  let future = false;
  for (const e of entries) {
    const at = Date.parse(e.at);
    if (!Number.isFinite(at)) continue;
    // A record from the future proves nothing; the others still bound the age.
    if (at > now + FUTURE_SLACK) {
      future = true;
      continue;
    }
    const age = Math.max(0, now - at);
    if (!best || age > best.age || (age === best.age && e.kind === 'set')) best = { age, exact: e.kind === 'set', entry: e };
  }
  return best ?? (future ? 'future' : undefined);
}

export const authPasswordAge: Rule = {
  id: 'AUTH-PASSWORD-AGE',
  title: "Password older than the profile's maximum age",
  severity: 'medium',
  rationale:
    'A password that never changes stays valid for everyone who ever saw it: former staff, old deployments, leaked CI logs. PCI DSS 8.3.9 asks for a change at least every 90 days where a password is the only factor, 8.6.3 a risk-based period for application accounts. Redis keeps no password dates, so the age comes from redsec rotate\'s state files or a dated baseline; without one it is unknown, never a pass.',
  remediation: {
    text: 'Rotate the password with zero downtime (begin adds the new one next to the old, clients move, finish removes the old), and keep the state file for the next audit.',
    command: 'redsec rotate password begin <url> --user <name> --state <name>.rotation.json --secret-out <name>.pw --apply',
  },
  compliance: [pci('8.3.9'), pci('8.6.3')],
  level: 4,
  modes: ['live'],
  check(facts, ctx) {
    const users = effectiveUsers(facts);
    if (!users.known) return unknownResult(`cannot read users: ${users.why}`);
    const max = maxPasswordAge(ctx.profile);
    const withPasswords = users.value
      .map((u) => ({ u, f: userFlags(facts, u) }))
      .filter(({ f }) => f.enabled && !f.nopass && f.hashes.length + f.cleartext.length > 0);
    if (withPasswords.length === 0) return notApplicable('no enabled user has a password');
    const dates = ctx.passwordDates;
    if (!dates) {
      return unknownResult(
        `Redis records no password dates and none were given (--rotation-state FILE from redsec rotate, or --password-dates FILE): the age of ${withPasswords.length} user(s)' passwords is unknown; the maximum would be ${max.days} days (${max.why})`,
      );
    }
    const now = (ctx.now ?? new Date()).getTime();
    const limit = max.days * DAY;
    const results: RuleResult[] = [];
    let fresh = 0;
    let oldestFresh = 0;
    for (const { u, f } of withPasswords) {
      const hashes = new Set([...f.hashes, ...f.cleartext.map(sha256Hex)]);
      const old: string[] = [];
      const undated: string[] = [];
      for (const h of hashes) {
        const d = oldest(
          dates.entries.filter((e) => e.user === u.name && e.hash === h),
          now,
        );
        if (d === undefined) undated.push('no recorded date');
        else if (d === 'future') undated.push('a date in the future (a bad record or a wrong clock)');
        else if (d.age > limit) old.push(`${d.exact ? 'set' : 'already present'} ${day(now - d.age)} (${d.exact ? '' : 'at least '}${Math.floor(d.age / DAY)} days ago, per ${d.entry.source})`);
        else if (d.exact) {
          fresh++;
          oldestFresh = Math.max(oldestFresh, d.age);
        } else undated.push(`only a lower bound (present ${day(now - d.age)}, ${Math.floor(d.age / DAY)} days ago)`);
      }
      const subject = `user ${u.name}`;
      if (old.length > 0) results.push(fail(`user ${u.name}: ${old.length} password(s) older than ${max.days} days (${max.why}): ${old.join('; ')}`, { location: u.location, subject }));
      if (undated.length > 0) {
        const kinds = [...new Set(undated)];
        results.push(unknownResult(`user ${u.name}: the age of ${undated.length} password(s) is unknown: ${kinds.join('; ')} in ${dates.sources.join(', ') || 'the given files'}`, { location: u.location, subject }));
      }
    }
    if (results.length > 0) return results;
    return pass(`${fresh} password(s) of ${withPasswords.length} user(s) set within the last ${max.days} days (${max.why}); the oldest ${Math.floor(oldestFresh / DAY)} days ago`);
  },
};
