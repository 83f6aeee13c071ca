import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkOne } from '../check.js';
import { baselineFacts } from '../fixture.js';
import type { PasswordDate, RuleContext, RuleProfile } from '../types.js';
import { maxPasswordAge } from './password-age.js';

const HASH_ADMIN = 'a'.repeat(64);
const HASH_APP = 'b'.repeat(64);
const NOW = new Date('2026-12-01T00:00:00Z');
const DAY = 86_400_000;
const ago = (days: number): string => new Date(NOW.getTime() - days * DAY).toISOString();
const date = (user: string, hash: string, days: number, kind: PasswordDate['kind'] = 'set'): PasswordDate => ({ user, hash, at: ago(days), kind, source: 'state.json' });
const ctx = (entries: PasswordDate[] | undefined, profile: RuleProfile | null = null): RuleContext => ({
  mode: 'live',
  profile,
  now: NOW,
  ...(entries ? { passwordDates: { sources: ['state.json'], entries } } : {}),
});
const PCI: RuleProfile = { security_level: 'standard', network_exposure: 'private_network', compliance_requirements: ['pci_dss'] };
const check = (c: RuleContext) => checkOne('AUTH-PASSWORD-AGE', baselineFacts(), c);

describe('AUTH-PASSWORD-AGE', () => {
  it('is unknown, never a pass, when no date source was given', () => {
    const [r, ...rest] = check(ctx(undefined));
    expect(rest).toEqual([]);
    expect(r).toMatchObject({ status: 'unknown', level: 4, severity: 'medium' });
    expect(r?.evidence).toMatch(/--rotation-state FILE.*--password-dates FILE/);
    expect(r?.evidence).toContain('365 days');
  });

  it('passes when every password is dated within the maximum', () => {
    const [r, ...rest] = check(ctx([date('admin', HASH_ADMIN, 10), date('app', HASH_APP, 89)], PCI));
    expect(rest).toEqual([]);
    expect(r).toMatchObject({ status: 'pass' });
    expect(r?.evidence).toMatch(/2 password\(s\) of 2 user\(s\) set within the last 90 days \(PCI DSS 8\.3\.9.*the oldest 89 days ago/);
  });

  it('fails a password older than PCI DSS 8.3.9\'s 90 days, naming the user, the date and the file', () => {
    const r = check(ctx([date('admin', HASH_ADMIN, 10), date('app', HASH_APP, 91)], PCI));
    expect(r.map((x) => [x.status, x.subject])).toEqual([['fail', 'user app']]);
    expect(r[0]?.evidence).toBe(`user app: 1 password(s) older than 90 days (PCI DSS 8.3.9, for a compliance profile): set ${ago(91).slice(0, 10)} (91 days ago, per state.json)`);
    expect(r[0]?.compliance).toEqual(['PCI DSS 4.0 8.3.9', 'PCI DSS 4.0 8.6.3']);
  });

  it('the same age passes without a compliance profile (365 days) and fails with the profile\'s own maximum', () => {
    expect(check(ctx([date('admin', HASH_ADMIN, 1), date('app', HASH_APP, 91)]))[0]?.status).toBe('pass');
    const own: RuleProfile = { security_level: 'standard', network_exposure: 'private_network', compliance_requirements: [], password_max_age_days: 30 };
    expect(check(ctx([date('admin', HASH_ADMIN, 1), date('app', HASH_APP, 31)], own)).map((x) => x.status)).toEqual(['fail']);
  });

  it('a rotation\'s old hashes are only bounded: too old fails, young enough is unknown', () => {
    expect(check(ctx([date('admin', HASH_ADMIN, 1), date('app', HASH_APP, 100, 'before')], PCI))[0]).toMatchObject({ status: 'fail', evidence: expect.stringContaining('already present') });
    const r = check(ctx([date('admin', HASH_ADMIN, 1), date('app', HASH_APP, 20, 'before')], PCI));
    expect(r.map((x) => [x.status, x.subject])).toEqual([['unknown', 'user app']]);
    expect(r[0]?.evidence).toContain('only a lower bound');
  });

  it('an undated password or one dated in the future is unknown for that user only', () => {
    const r = check(ctx([date('admin', HASH_ADMIN, 200)], PCI));
    expect(r.map((x) => [x.status, x.subject])).toEqual([['fail', 'user admin'], ['unknown', 'user app']]);
    expect(r[1]?.evidence).toBe('user app: the age of 1 password(s) is unknown: no recorded date in state.json');
    expect(check(ctx([date('admin', HASH_ADMIN, 1), date('app', HASH_APP, -5)]))[0]?.evidence).toContain('in the future');
  });

  it('a record for another user with the same hash dates nothing', () => {
    expect(check(ctx([date('admin', HASH_ADMIN, 1), date('other', HASH_APP, 1)])).map((x) => [x.status, x.subject])).toEqual([['unknown', 'user app']]);
  });

  it('users without a password, or disabled, are left to other rules', () => {
    const f = baselineFacts();
    f.users = { known: true, value: [{ name: 'default', rules: 'off #' + HASH_APP }, { name: 'x', rules: 'on nopass' }] };
    expect(checkOne('AUTH-PASSWORD-AGE', f, ctx(undefined))[0]?.status).toBe('not_applicable');
    f.users = { known: false, why: 'ACL LIST denied' };
    expect(checkOne('AUTH-PASSWORD-AGE', f, ctx([]))[0]).toMatchObject({ status: 'unknown', evidence: 'cannot read users: ACL LIST denied' });
  });

  it('never passes a password older than the maximum, whatever the other records (property, 200 cases)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3650 }), fc.array(fc.record({ days: fc.integer({ min: -3, max: 4000 }), kind: fc.constantFrom<'set' | 'before'>('set', 'before') }), { maxLength: 6 }), (max, records) => {
        const profile: RuleProfile = { ...PCI, password_max_age_days: max };
        const entries = [date('admin', HASH_ADMIN, 0), ...records.map((r) => date('app', HASH_APP, r.days, r.kind))];
        const statuses = check(ctx(entries, profile)).map((x) => x.status);
        const tooOld = records.some((r) => r.days * DAY > max * DAY);
        if (tooOld) expect(statuses).toContain('fail');
        // A 'set' record up to a day ahead is clock skew (age 0), not a bad record.
        if (statuses.includes('pass')) expect(records.some((r) => r.kind === 'set' && r.days >= -1 && r.days <= max)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('maximum: the profile field, else 90 for compliance or PCI DSS, else 365', () => {
    expect(maxPasswordAge(null).days).toBe(365);
    expect(maxPasswordAge({ security_level: 'compliance', network_exposure: 'public', compliance_requirements: [] }).days).toBe(90);
    expect(maxPasswordAge(PCI).days).toBe(90);
    expect(maxPasswordAge({ ...PCI, password_max_age_days: 180 }).days).toBe(180);
  });
});
