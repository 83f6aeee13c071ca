import { describe, expect, it } from 'vitest';
import { bundledCveData } from './load.js';
import { patchedByBranch, refreshCveData, type GithubAdvisory, type RefreshInput } from './refresh.js';

/** Advisories as GitHub's REST API documents them (only the fields the merge reads matter). */
const advisory = (over: Partial<GithubAdvisory>): GithubAdvisory => ({
  ghsa_id: 'GHSA-aaaa-bbbb-cccc',
  cve_id: 'CVE-2026-99999',
  html_url: 'https://github.com/redis/redis/security/advisories/GHSA-aaaa-bbbb-cccc',
  summary: 'Lua script may lead to remote code execution',
  severity: 'high',
  state: 'published',
  published_at: '2026-11-01T10:00:00Z',
  withdrawn_at: null,
  vulnerabilities: [{ vulnerable_version_range: '>= 2.6', patched_versions: '7.2.16, 7.4.11, 8.2.9' }],
  cvss: { vector_string: 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H' },
  ...over,
});
const input = (redis: GithubAdvisory[] = [], valkey: GithubAdvisory[] = [], releases: RefreshInput['redis']['releases'] = []): RefreshInput => ({
  redis: { advisories: redis, releases },
  valkey: { advisories: valkey, releases: [] },
});

describe('refreshing the CVE data from GitHub advisories (offline)', () => {
  it('reads the first patched release per branch', () => {
    expect([...patchedByBranch(advisory({ vulnerabilities: [{ patched_versions: '6.2.20, 7.2.11, 7.4.6, 8.0.4, 8.2.2' }] }))]).toEqual([
      ['6.2', '6.2.20'], ['7.2', '7.2.11'], ['7.4', '7.4.6'], ['8.0', '8.0.4'], ['8.2', '8.2.2'],
    ]);
  });
  it('adds a new CVE with its advisory; branches the advisory does not name are unconfirmed (null when end of life)', () => {
    const { data, changes } = refreshCveData(bundledCveData(), input([advisory({})]), '2026-12-01');
    const e = data.cves.find((x) => x.ids.includes('CVE-2026-99999'));
    expect(e).toMatchObject({ advisory: 'GHSA-aaaa-bbbb-cccc', lua: true, unauthenticated: false, severity: 'high' });
    expect(e?.redis.fixed).toMatchObject({ '7.2': '7.2.16', '7.4': '7.4.11', '8.2': '8.2.9', '7.0': null, '6.2': 'unconfirmed' });
    expect(data.date).toBe('2026-12-01');
    expect(changes).toContain('CVE-2026-99999: new entry from GHSA-aaaa-bbbb-cccc');
  });
  it('fills an unconfirmed branch, keeps hand-curated values and reports conflicts', () => {
    const { data, changes } = refreshCveData(
      bundledCveData(),
      input([], [advisory({ cve_id: 'CVE-2025-49844', vulnerabilities: [{ patched_versions: '9.0.0, 8.1.5' }] })]),
      '2026-12-01',
    );
    const e = data.cves.find((x) => x.ids.includes('CVE-2025-49844'));
    expect(e?.valkey?.fixed['9.0']).toBe('9.0.0');
    expect(e?.valkey?.fixed['8.1']).toBe('8.1.4');
    expect(changes.some((c) => c.includes('CONFLICT on 8.1'))).toBe(true);
  });
  it('skips withdrawn advisories and ones without a CVE id; releases move latest forward and add new branches as unknown', () => {
    const { data } = refreshCveData(
      bundledCveData(),
      input([advisory({ withdrawn_at: '2026-11-02T00:00:00Z' }), advisory({ cve_id: null, ghsa_id: 'GHSA-x' })], [], [
        { tag_name: '7.4.11', draft: false, prerelease: false, published_at: '2026-08-27T00:00:00Z' },
        { tag_name: '8.8.2', draft: false, prerelease: false, published_at: '2026-08-27T00:00:00Z' },
        { tag_name: '8.10-rc1', draft: false, prerelease: true, published_at: null },
      ]),
      '2026-12-01',
    );
    expect(data.cves.some((x) => x.ids.includes('CVE-2026-99999'))).toBe(false);
    expect(data.redis.branches['7.4']?.latest).toBe('7.4.11');
    expect(data.redis.branches['8.8']).toMatchObject({ status: 'unknown', latest: '8.8.2' });
  });
});
