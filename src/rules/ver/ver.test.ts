import { describe, expect, it } from 'vitest';
import { checkOne } from '../check.js';
import { baselineFacts, lintFacts } from '../fixture.js';
import type { RuleContext } from '../types.js';
import type { ServerFacts } from '../../facts/types.js';
import { cveVerdicts } from './cve-verdict.js';

const LIVE: RuleContext = { mode: 'live', profile: null };

function at(version: string, flavor: ServerFacts['flavor'] = 'redis', distro?: ServerFacts['distro']): ServerFacts {
  const f = baselineFacts();
  f.version = version;
  f.flavor = flavor;
  if (distro) f.distro = distro;
  return f;
}
function verdict(facts: ServerFacts, id: string) {
  const v = cveVerdicts(facts);
  if ('unknown' in v) return 'no-version';
  return v.find((d) => d.entry.ids.includes(id))?.status;
}

describe('branch-aware CVE verdicts', () => {
  it('a release carrying the fix on its own branch is not vulnerable', () => {
    expect(verdict(at('7.2.11'), 'CVE-2025-49844')).toBe('fixed');
    expect(verdict(at('7.2.10'), 'CVE-2025-49844')).toBe('affected');
    expect(verdict(at('7.4.6'), 'CVE-2025-49844')).toBe('fixed');
    expect(verdict(at('7.4.5'), 'CVE-2025-49844')).toBe('affected');
    expect(verdict(at('6.2.20'), 'CVE-2025-49844')).toBe('fixed');
    expect(verdict(at('8.2.2'), 'CVE-2025-49844')).toBe('fixed');
    expect(verdict(at('8.0.3'), 'CVE-2025-49844')).toBe('affected');
  });
  it('7.4.7 is not reported for CVE-2024-31449 (the Snyk false positive, redis#14630)', () => {
    expect(verdict(at('7.4.7'), 'CVE-2024-31449')).toBe('fixed');
  });
  it('flaws introduced later or absent on a branch are not reported', () => {
    expect(verdict(at('6.2.10'), 'CVE-2024-31227')).toBe('fixed');
    expect(verdict(at('7.4.0'), 'CVE-2025-62507')).toBe('fixed');
    expect(verdict(at('8.2.2'), 'CVE-2025-62507')).toBe('affected');
    expect(verdict(at('6.2.0'), 'CVE-2023-41056')).toBe('fixed');
  });
  it('older branches use the 6.0/5.0 fixes the table gives', () => {
    expect(verdict(at('6.0.16'), 'CVE-2021-32675')).toBe('fixed');
    expect(verdict(at('6.0.15'), 'CVE-2021-32675')).toBe('affected');
  });
  it('7.0 has no upstream fixes after 7.0.15: upstream builds are affected', () => {
    expect(verdict(at('7.0.12'), 'CVE-2024-31449')).toBe('affected');
    expect(verdict(at('7.0.12'), 'CVE-2022-24834')).toBe('fixed');
  });
  it('7.0.15 is shipped by Debian with backports: unknown from the version alone, decided by the package revision', () => {
    expect(verdict(at('7.0.15'), 'CVE-2024-31449')).toBe('unknown');
    const deb = (rev: number) => at('7.0.15', 'redis', { known: true, value: { name: 'debian', packageVersion: `5:7.0.15-1~deb12u${rev}` } });
    expect(verdict(deb(3), 'CVE-2024-31449')).toBe('fixed');
    expect(verdict(deb(3), 'CVE-2024-46981')).toBe('fixed');
    expect(verdict(deb(2), 'CVE-2024-46981')).toBe('unknown');
    expect(verdict(deb(10), 'CVE-2025-49844')).toBe('unknown');
  });
  it('the package changelog decides: a CVE it names is fixed, one it does not name stays unknown', () => {
    const pkg = at('7.0.15', 'redis', {
      known: true,
      value: { name: 'Debian GNU/Linux 12 (bookworm)', packageVersion: '5:7.0.15-1~deb12u6', package: 'redis-tools', changelogCves: ['CVE-2025-49844', 'CVE-2025-46817'] },
    });
    expect(verdict(pkg, 'CVE-2025-49844')).toBe('fixed');
    expect(verdict(pkg, 'CVE-2025-32023')).toBe('unknown');
    const v = cveVerdicts(pkg);
    expect('unknown' in v ? '' : v.find((d) => d.entry.ids.includes('CVE-2025-49844'))?.why).toMatch(/changelog of redis-tools 5:7.0.15-1~deb12u6/);
  });
  it('Valkey uses its own map and is unknown elsewhere', () => {
    expect(verdict(at('8.0.1', 'valkey'), 'CVE-2024-31449')).toBe('fixed');
    expect(verdict(at('8.0.1', 'valkey'), 'CVE-2024-46981')).toBe('affected');
    expect(verdict(at('8.0.2', 'valkey'), 'CVE-2024-46981')).toBe('unknown');
    expect(verdict(at('8.0.1', 'valkey'), 'CVE-2025-49844')).toBe('unknown');
  });
  it('CVE-2026-23479: fixed on 8.6.3, unconfirmed elsewhere in 7.2-8.6, absent before 7.2', () => {
    expect(verdict(at('8.6.3'), 'CVE-2026-23479')).toBe('fixed');
    expect(verdict(at('8.6.2'), 'CVE-2026-23479')).toBe('affected');
    expect(verdict(at('7.4.6'), 'CVE-2026-23479')).toBe('unknown');
    expect(verdict(at('7.0.15'), 'CVE-2026-23479')).toBe('fixed');
  });
});

describe('VER-CVE / VER-EOL / VER-DEBIAN-LUA', () => {
  it('VER-CVE gives one failing finding per affected CVE with its severity, plus one unknown summary', () => {
    const r = checkOne('VER-CVE', at('7.2.5'), LIVE);
    const fails = r.filter((x) => x.status === 'fail');
    expect(fails.find((x) => x.evidence.includes('CVE-2025-49844'))?.severity).toBe('critical');
    expect(fails.find((x) => x.evidence.includes('CVE-2025-48367'))?.evidence).toContain('reachable without authentication');
    expect(r.filter((x) => x.status === 'unknown').length).toBe(1);
    expect(new Set(r.map((x) => x.evidence)).size).toBe(r.length);
  });
  it('VER-CVE is unknown without a version and n/a in lint with only a version line', () => {
    const f = baselineFacts();
    f.version = null;
    expect(checkOne('VER-CVE', f, LIVE)[0]?.status).toBe('unknown');
    expect(checkOne('VER-CVE', lintFacts({}), { mode: 'lint', profile: null })[0]?.status).toBe('not_applicable');
  });
  it('VER-EOL: 6.0 and 7.0 upstream fail; the Debian-shipped 7.0.15 is unknown; 7.4 passes', () => {
    expect(checkOne('VER-EOL', at('7.0.11'), LIVE)[0]).toMatchObject({ status: 'fail', severity: 'high' });
    expect(checkOne('VER-EOL', at('6.0.9'), LIVE)[0]?.status).toBe('fail');
    expect(checkOne('VER-EOL', at('7.0.15'), LIVE)[0]?.status).toBe('unknown');
    expect(checkOne('VER-EOL', at('7.4.6'), LIVE)[0]?.status).toBe('pass');
    expect(checkOne('VER-EOL', lintFacts({}, [], '7.0'), { mode: 'lint', profile: null })[0]?.status).toBe('fail');
  });
  it('VER-DEBIAN-LUA from the opt-in probe or the package version', () => {
    const f = at('6.0.16');
    expect(checkOne('VER-DEBIAN-LUA', f, LIVE)[0]?.status).toBe('not_applicable');
    f.luaPackageProbe = { known: true, value: 'table' };
    expect(checkOne('VER-DEBIAN-LUA', f, LIVE)[0]).toMatchObject({ status: 'fail', severity: 'critical' });
    const d = at('6.0.16', 'redis', { known: true, value: { name: 'debian', packageVersion: '5:6.0.16-1+deb11u1' } });
    expect(checkOne('VER-DEBIAN-LUA', d, LIVE)[0]?.status).toBe('unknown');
    const fixed = at('6.0.16', 'redis', { known: true, value: { name: 'debian', packageVersion: '5:6.0.16-1+deb11u2' } });
    expect(checkOne('VER-DEBIAN-LUA', fixed, LIVE)[0]?.status).toBe('pass');
  });
});
