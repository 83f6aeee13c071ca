import { describe, expect, it } from 'vitest';
import { checkOne } from '../check.js';
import { baselineFacts, lintFacts } from '../fixture.js';
import type { RuleContext } from '../types.js';
import type { ServerFacts } from '../../facts/types.js';
import { bundledCveData, parseCveData, type CveData } from '../../cve/index.js';
import { cveVerdicts } from './cve-verdict.js';

const DATA = bundledCveData();
/** A clock inside the data's freshness window, so verdicts do not depend on the day the tests run. */
const FRESH = new Date(Date.parse(`${DATA.date}T00:00:00Z`) + 10 * 86_400_000);
const LIVE: RuleContext = { mode: 'live', profile: null, now: FRESH };

type Distro = Extract<NonNullable<ServerFacts['distro']>, { known: true }>['value'];
function at(version: string, flavor: ServerFacts['flavor'] = 'redis', distro?: Distro): ServerFacts {
  const f = baselineFacts();
  f.version = version;
  f.flavor = flavor;
  if (distro) f.distro = { known: true, value: distro };
  return f;
}
function verdict(facts: ServerFacts, id: string, data: CveData = DATA) {
  const v = cveVerdicts(facts, data);
  if ('unknown' in v) return 'no-version';
  return v.find((d) => d.entry.ids.includes(id))?.status;
}
const statuses = (id: string, facts: ServerFacts, ctx: RuleContext = LIVE) => checkOne(id, facts, ctx).map((r) => r.status);

describe('branch-aware CVE verdicts from the data file', () => {
  it('a release carrying the fix on its own branch is not vulnerable', () => {
    expect(verdict(at('7.2.11'), 'CVE-2025-49844')).toBe('fixed');
    expect(verdict(at('7.2.10'), 'CVE-2025-49844')).toBe('affected');
    expect(verdict(at('7.4.6'), 'CVE-2025-49844')).toBe('fixed');
    expect(verdict(at('7.4.5'), 'CVE-2025-49844')).toBe('affected');
    expect(verdict(at('6.2.20'), 'CVE-2025-49844')).toBe('fixed');
    expect(verdict(at('8.2.2'), 'CVE-2025-49844')).toBe('fixed');
    expect(verdict(at('8.0.3'), 'CVE-2025-49844')).toBe('affected');
    expect(verdict(at('8.0.4'), 'CVE-2025-49844')).toBe('fixed');
  });
  it('the May 2026 fixes: 7.2.14, 7.4.9, 8.2.6, 8.4.3, 8.6.3', () => {
    for (const [fixed, before] of [['7.2.14', '7.2.13'], ['7.4.9', '7.4.8'], ['8.2.6', '8.2.5'], ['8.4.3', '8.4.2'], ['8.6.3', '8.6.2']] as const) {
      for (const id of ['CVE-2026-23479', 'CVE-2026-25243', 'CVE-2026-23631']) {
        expect(verdict(at(fixed), id)).toBe('fixed');
        expect(verdict(at(before), id)).toBe('affected');
      }
    }
    expect(verdict(at('7.0.15'), 'CVE-2026-23479')).toBe('fixed'); // introduced in 7.2.0
    expect(verdict(at('7.0.12'), 'CVE-2026-25243')).toBe('affected'); // no 7.0 fix upstream
  });
  it('branches newer than every branch an entry lists were released after the fix', () => {
    expect(verdict(at('8.0.0'), 'CVE-2025-21605')).toBe('fixed');
    expect(verdict(at('8.4.0'), 'CVE-2025-49844')).toBe('fixed');
    expect(verdict(at('7.4.0'), 'CVE-2025-62507')).toBe('fixed');
    expect(verdict(at('8.2.2'), 'CVE-2025-62507')).toBe('affected');
  });
  it('7.4.7 is not reported for CVE-2024-31449 (the Snyk false positive, redis#14630)', () => {
    expect(verdict(at('7.4.7'), 'CVE-2024-31449')).toBe('fixed');
  });
  it('older branches use the 6.0/5.0 fixes the data gives', () => {
    expect(verdict(at('6.0.16'), 'CVE-2021-32675')).toBe('fixed');
    expect(verdict(at('6.0.15'), 'CVE-2021-32675')).toBe('affected');
  });
  it('a flaw in redis-check-aof (CVE-2025-27151) is known to the data but not judged against the server', () => {
    expect(DATA.cves.some((e) => e.ids.includes('CVE-2025-27151'))).toBe(true);
    expect(verdict(at('7.2.5'), 'CVE-2025-27151')).toBeUndefined();
  });
  it('7.0.15 is shipped by distributions with backports: unknown from the version alone, decided by the package', () => {
    expect(verdict(at('7.0.15'), 'CVE-2024-31449')).toBe('unknown');
    const deb = (rev: number) => at('7.0.15', 'redis', { name: 'debian', packageVersion: `5:7.0.15-1~deb12u${rev}` });
    expect(verdict(deb(3), 'CVE-2024-31449')).toBe('fixed');
    expect(verdict(deb(3), 'CVE-2024-46981')).toBe('fixed');
    expect(verdict(deb(2), 'CVE-2024-46981')).toBe('unknown');
    expect(verdict(deb(6), 'CVE-2025-49844')).toBe('fixed');
    expect(verdict(deb(5), 'CVE-2025-49844')).toBe('unknown');
  });
  it('the package changelog decides, also for CVEs whose upstream fix the data cannot confirm', () => {
    const pkg = at('7.0.15', 'redis', {
      name: 'Debian GNU/Linux 12 (bookworm)',
      packageVersion: '5:7.0.15-1~deb12u1',
      package: 'redis-tools',
      changelogCves: ['CVE-2025-49844', 'CVE-2025-67733'],
    });
    expect(verdict(pkg, 'CVE-2025-49844')).toBe('fixed');
    expect(verdict(pkg, 'CVE-2025-67733')).toBe('fixed');
    expect(verdict(pkg, 'CVE-2025-32023')).toBe('unknown');
    const v = cveVerdicts(pkg, DATA);
    expect('unknown' in v ? '' : v.find((d) => d.entry.ids.includes('CVE-2025-49844'))?.why).toMatch(/changelog of redis-tools 5:7.0.15-1~deb12u1/);
  });
});

describe('Valkey: its own fixes, and Redis fixes before the fork point (7.2.4)', () => {
  it('7.2.7 and 8.0.1 are affected by the CVE-2025-49844 family (fixed in 7.2.11, 8.0.6, 8.1.4)', () => {
    for (const id of ['CVE-2025-49844', 'CVE-2025-46817', 'CVE-2025-46818', 'CVE-2025-46819']) {
      expect(verdict(at('7.2.7', 'valkey'), id)).toBe('affected');
      expect(verdict(at('8.0.1', 'valkey'), id)).toBe('affected');
      expect(verdict(at('8.1.3', 'valkey'), id)).toBe('affected');
      expect(verdict(at('7.2.11', 'valkey'), id)).toBe('fixed');
      expect(verdict(at('8.0.6', 'valkey'), id)).toBe('fixed');
      expect(verdict(at('8.1.4', 'valkey'), id)).toBe('fixed');
    }
  });
  it('a CVE fixed in Redis before the fork point cannot affect Valkey (fixed, not unknown)', () => {
    expect(verdict(at('7.2.5', 'valkey'), 'CVE-2023-41056')).toBe('fixed'); // Redis 7.2.4
    expect(verdict(at('7.2.5', 'valkey'), 'CVE-2022-24834')).toBe('fixed'); // Redis 7.2.0
    expect(verdict(at('8.0.1', 'valkey'), 'CVE-2021-32675')).toBe('fixed'); // Redis 6.2.6
    expect(verdict(at('8.0.1', 'valkey'), 'CVE-2024-51741')).toBe('affected'); // Valkey's own fix: 8.0.2
    expect(verdict(at('8.1.1', 'valkey'), 'CVE-2024-46981')).toBe('fixed'); // 8.1 came after 8.0.2
    expect(verdict(at('8.0.2', 'valkey'), 'CVE-2025-62507')).toBe('fixed'); // XACKDEL: Redis 8.2 code
  });
  it('CVEs Valkey fixed in February 2026 (GHSA-p876-p7q5-hv2m, GHSA-c677-q3wr-gggq)', () => {
    expect(verdict(at('8.1.5', 'valkey'), 'CVE-2025-67733')).toBe('affected');
    expect(verdict(at('8.1.6', 'valkey'), 'CVE-2026-21863')).toBe('fixed');
    expect(verdict(at('9.0.1', 'valkey'), 'CVE-2026-21863')).toBe('affected');
  });
  it('a Valkey fix the data lacks stays unknown', () => {
    expect(verdict(at('8.0.7', 'valkey'), 'CVE-2025-21605')).toBe('unknown');
  });
});

describe('VER-CVE', () => {
  it('one failing finding per affected CVE with its severity and advisory, plus one unknown summary; every result dates the data', () => {
    const r = checkOne('VER-CVE', at('7.2.5'), LIVE);
    const fails = r.filter((x) => x.status === 'fail');
    expect(fails.find((x) => x.evidence.includes('CVE-2025-49844'))).toMatchObject({ severity: 'critical' });
    expect(fails.find((x) => x.evidence.includes('CVE-2025-49844'))?.evidence).toContain('GHSA-4789-qfc9-5f9q');
    expect(fails.find((x) => x.evidence.includes('CVE-2025-48367'))?.evidence).toContain('reachable without authentication');
    expect(r.filter((x) => x.status === 'unknown').length).toBe(1);
    for (const x of r) expect(x.evidence).toContain(`CVE data of ${DATA.date}`);
    expect(new Set(r.map((x) => x.evidence)).size).toBe(r.length);
  });
  it('a release newer than the newest the data reviewed is unknown, not pass', () => {
    const r = checkOne('VER-CVE', at('7.4.10'), LIVE);
    expect(r.map((x) => x.status)).toEqual(['unknown']);
    expect(r[0]?.evidence).toMatch(/7\.4\.10 was released after redsec's CVE data \(newest 7\.4 release it knows: 7\.4\.9/);
  });
  it('a server claiming 99.0.0 (an unknown branch) is unknown with the reason, never pass', () => {
    for (const flavor of ['redis', 'valkey'] as const) {
      const r = checkOne('VER-CVE', at('99.0.0', flavor), LIVE);
      expect(r.map((x) => x.status)).toEqual(['unknown']);
      expect(r[0]?.evidence).toMatch(/99\.0 is newer than every branch in redsec's CVE data/);
    }
  });
  it('notes data older than 90 days', () => {
    const late = { ...LIVE, now: new Date(Date.parse(`${DATA.date}T00:00:00Z`) + 200 * 86_400_000) };
    const r = checkOne('VER-CVE', at('7.2.14'), late);
    expect(r[0]?.evidence).toMatch(/200 days old, over 90/);
    expect(checkOne('VER-CVE', at('7.2.14'), LIVE)[0]?.evidence).not.toMatch(/days old/);
  });
  it('the latest known release is judged by the data: only the fixes it cannot confirm stay unknown', () => {
    const r = checkOne('VER-CVE', at('8.6.3'), LIVE);
    expect(r.map((x) => x.status)).toEqual(['unknown']);
    expect(r[0]?.evidence).toMatch(/^cannot tell for CVE-2026-21863, CVE-2025-67733: whether Redis 8\.6 is affected or fixed is not confirmed/);
    const confirmed = parseCveData(JSON.stringify({ ...DATA, cves: DATA.cves.filter((e) => !Object.values(e.redis.fixed).includes('unconfirmed')) }), 'confirmed.json');
    expect(statuses('VER-CVE', at('8.6.3'), { ...LIVE, cveData: confirmed })).toEqual(['pass']);
  });
  it('CVEs the package changelog names that the data does not know are reported: update the data', () => {
    const f = at('7.0.15', 'redis', {
      name: 'Debian GNU/Linux 12 (bookworm)',
      packageVersion: '5:7.0.15-1~deb12u10',
      package: 'redis-tools',
      changelogCves: [...DATA.cves.flatMap((e) => e.ids), 'CVE-2026-81934', 'CVE-2026-92925', 'CVE-2015-4335'],
    });
    const r = checkOne('VER-CVE', f, LIVE);
    expect(r.map((x) => x.status)).toEqual(['unknown']);
    expect(r[0]?.evidence).toMatch(/fixes 2 CVEs redsec's data does not know \(CVE-2026-81934, CVE-2026-92925\): update the data/);
  });
  it('is unknown without a version and n/a in lint with only a version line', () => {
    const f = baselineFacts();
    f.version = null;
    expect(checkOne('VER-CVE', f, LIVE)[0]?.status).toBe('unknown');
    expect(checkOne('VER-CVE', lintFacts({}), { mode: 'lint', profile: null })[0]?.status).toBe('not_applicable');
  });
  it('uses the data it is given (--cve-data)', () => {
    const empty = parseCveData(JSON.stringify({ ...DATA, cves: [], origin: undefined }), 'newer.json');
    const r = checkOne('VER-CVE', at('7.2.5'), { ...LIVE, cveData: empty });
    expect(r.map((x) => x.status)).toEqual(['pass']);
    expect(r[0]?.evidence).toContain('from newer.json');
  });
});

describe('VER-EOL', () => {
  const NOW = new Date('2026-12-06T00:00:00Z');
  const ctx: RuleContext = { mode: 'live', profile: null, now: NOW };
  const deb = (pkg: string, osVersion = '12') => ({ name: `Debian GNU/Linux ${osVersion}`, packageVersion: pkg, package: 'redis-tools', osId: 'debian', osVersion });
  it('upstream: 6.0 and 7.0 fail, 7.4 and 8.6 pass, 8.0 is unknown (its status is not established)', () => {
    expect(checkOne('VER-EOL', at('7.0.11'), ctx)[0]).toMatchObject({ status: 'fail', severity: 'high' });
    expect(checkOne('VER-EOL', at('6.0.9'), ctx)[0]?.status).toBe('fail');
    expect(statuses('VER-EOL', at('7.4.6'), ctx)).toEqual(['pass']);
    expect(statuses('VER-EOL', at('8.6.3'), ctx)).toEqual(['pass']);
    expect(statuses('VER-EOL', at('8.0.2'), ctx)).toEqual(['unknown']);
  });
  it('an unknown branch (99.0.0) is unknown with the reason, never pass', () => {
    for (const flavor of ['redis', 'valkey'] as const) {
      const r = checkOne('VER-EOL', at('99.0.0', flavor), ctx);
      expect(r.map((x) => x.status)).toEqual(['unknown']);
      expect(r[0]?.evidence).toMatch(/99\.0 is not a branch in redsec's data/);
    }
  });
  it('Debian 12\'s package decides, naming the window: LTS after regular security support ended', () => {
    const r = checkOne('VER-EOL', at('7.0.15', 'redis', deb('5:7.0.15-1~deb12u10')), ctx);
    expect(r[0]?.status).toBe('pass');
    expect(r[0]?.evidence).toMatch(/Debian LTS until 2028-06-30 \(regular security support ended 2026-06-10/);
    const before = checkOne('VER-EOL', at('7.0.15', 'redis', deb('5:7.0.15-1~deb12u1')), { ...ctx, now: new Date('2025-01-01T00:00:00Z') });
    expect(before[0]?.evidence).toMatch(/security support until 2026-06-10, then Debian LTS until 2028-06-30/);
  });
  it('Debian 11 after its LTS ended fails; Debian 13 from os-release passes; Ubuntu (universe) is unknown', () => {
    expect(checkOne('VER-EOL', at('6.0.16', 'redis', deb('5:6.0.16-1+deb11u7', '11')), ctx)[0]?.evidence).toMatch(/support ended 2026-08-31/);
    expect(statuses('VER-EOL', at('8.0.2', 'redis', deb('5:8.0.2-3', '13')), ctx)).toEqual(['pass']);
    const ubuntu = checkOne('VER-EOL', at('7.0.15', 'redis', { name: 'Ubuntu 24.04.3 LTS', packageVersion: '5:7.0.15-1ubuntu0.24.04.2', osId: 'ubuntu', osVersion: '24.04' }), ctx);
    expect(ubuntu[0]?.status).toBe('unknown');
    expect(ubuntu[0]?.evidence).toMatch(/universe.*Ubuntu Pro/);
  });
  it('--redis-version 7.0 and a live 7.0.15 do not disagree without saying why', () => {
    const lint = checkOne('VER-EOL', lintFacts({}, [], '7.0'), { mode: 'lint', profile: null, now: NOW });
    expect(lint[0]?.status).toBe('fail');
    expect(lint[0]?.evidence).toMatch(/Debian 12 \(bookworm\) ships 7\.0\.15 and supports it until 2028-06-30/);
    const live = checkOne('VER-EOL', at('7.0.15'), ctx);
    expect(live[0]?.status).toBe('unknown');
    expect(live[0]?.evidence).toMatch(/cannot be told from the version \(audit on the server's host/);
  });
  it('lint judges the line asked for, not the nearest tables (--redis-version 8.2, valkey-9.0, 8.8)', () => {
    const asked = (id: ServerFacts['versionId'], target: string) => {
      const f = lintFacts({}, [], id);
      f.tables = { id: id as NonNullable<ServerFacts['versionId']>, from: 'tables', target, note: 'newer than the tables' };
      return checkOne('VER-EOL', f, { mode: 'lint', profile: null, now: NOW })[0];
    };
    expect(asked('8.0', 'Redis 8.2')).toMatchObject({ status: 'pass', evidence: expect.stringMatching(/^Redis 8\.2 is on a maintained Redis branch/) });
    expect(asked('valkey-8.1', 'Valkey 9.0')).toMatchObject({ status: 'pass', evidence: expect.stringMatching(/^Valkey 9\.0 is on a maintained/) });
    expect(asked('8.0', 'Redis 8.8')).toMatchObject({ status: 'unknown', evidence: expect.stringMatching(/Redis 8\.8 is not a branch in redsec's data/) });
  });
  it('Valkey branches from the data', () => {
    expect(statuses('VER-EOL', at('8.1.1', 'valkey'), ctx)).toEqual(['pass']);
    expect(statuses('VER-EOL', at('7.2.7', 'valkey'), ctx)).toEqual(['pass']);
  });
});

describe('VER-DEBIAN-LUA', () => {
  it('from the opt-in probe or the package version', () => {
    const f = at('6.0.16');
    expect(checkOne('VER-DEBIAN-LUA', f, LIVE)[0]?.status).toBe('not_applicable');
    f.luaPackageProbe = { known: true, value: 'table' };
    expect(checkOne('VER-DEBIAN-LUA', f, LIVE)[0]).toMatchObject({ status: 'fail', severity: 'critical' });
    const d = at('6.0.16', 'redis', { name: 'debian', packageVersion: '5:6.0.16-1+deb11u1' });
    expect(checkOne('VER-DEBIAN-LUA', d, LIVE)[0]?.status).toBe('unknown');
    const fixed = at('6.0.16', 'redis', { name: 'debian', packageVersion: '5:6.0.16-1+deb11u2' });
    expect(checkOne('VER-DEBIAN-LUA', fixed, LIVE)[0]?.status).toBe('pass');
  });
});
