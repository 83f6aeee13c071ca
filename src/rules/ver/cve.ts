import type { Rule, RuleContext, RuleResult } from '../types.js';
import { fail, notApplicable, pass, unknownResult } from '../result.js';
import { describeVersion } from '../version.js';
import { pci } from '../compliance.js';
import { bundledCveData, dataAgeDays, STALE_AFTER_DAYS, type CveData } from '../../cve/index.js';
import { beyondData, changelogCvesUnknownToData, cveVerdicts } from './cve-verdict.js';

/** "redsec's CVE data of 2026-05-08 (212 days old: update it with --cve-data)": every VER-CVE result says which data judged it. */
export function dataNote(data: CveData, ctx: RuleContext): string {
  const age = dataAgeDays(data, ctx.now ?? new Date());
  const from = data.origin && data.origin !== 'bundled' ? ` from ${data.origin}` : '';
  const stale = age > STALE_AFTER_DAYS ? ` (${age} days old, over ${STALE_AFTER_DAYS}: newer advisories are missing; use a newer file with --cve-data)` : '';
  return `redsec's CVE data of ${data.date}${from}${stale}`;
}

export const verCve: Rule = {
  id: 'VER-CVE',
  title: 'Version affected by known CVEs',
  severity: 'high',
  rationale:
    'Branch-aware comparison with the CVE data (data/cve/cve-data.json or --cve-data): a release is vulnerable only if it is older than the fix on its own branch (7.2.11 is not vulnerable to a CVE fixed in 7.2.11). A branch the data does not know, or a release newer than the newest one it reviewed, is unknown: the data cannot speak for it. Distribution builds (Debian 12\'s 7.0.15) carry backports the version string cannot show: on the server host the package changelog decides, and CVEs it names that the data lacks mean the data is behind. Valkey has its own fixes; Redis fixes up to 7.2.4, its fork point, are in every Valkey.',
  remediation: { text: 'Upgrade to the latest patch release of a supported branch; until then apply the per-CVE mitigations. Keep the CVE data current (--cve-data FILE from scripts/refresh-cve-data.mjs).' },
  compliance: [pci('6.3.3'), pci('11.3.1')],
  level: 2,
  modes: ['live', 'lint'],
  check(facts, ctx) {
    if (ctx.mode === 'lint' && !facts.version) return notApplicable('lint without an exact target version (only the version line is known)');
    const data = ctx.cveData ?? bundledCveData();
    const note = dataNote(data, ctx);
    const verdicts = cveVerdicts(facts, data);
    if ('unknown' in verdicts) return unknownResult(`${verdicts.unknown}; ${note}`);
    const beyond = beyondData(facts, data);
    if (beyond) return unknownResult(`${beyond}; ${note}`);
    const results: RuleResult[] = verdicts
      .filter((d) => d.status === 'affected')
      .map((d) =>
        fail(`${describeVersion(facts)} is affected by ${d.entry.ids.join(', ')}: ${d.entry.what} (${d.why})${d.entry.unauthenticated ? '; reachable without authentication' : ''}; ${d.entry.advisory ?? d.entry.url}; ${note}`, {
          severity: d.entry.severity,
          remediation: { text: `Upgrade past the fix; meanwhile: ${d.entry.mitigation}.` },
        }),
      );
    const unknown = verdicts.filter((d) => d.status === 'unknown');
    if (unknown.length > 0) results.push(unknownResult(`cannot tell for ${groupByReason(unknown)}; ${note}`));
    const distro = facts.distro?.known ? facts.distro.value : undefined;
    const newer = changelogCvesUnknownToData(facts, data);
    if (distro && newer.length > 0)
      results.push(
        unknownResult(
          `the package${distro.package ? ` ${distro.package}` : ''} ${distro.packageVersion} fixes ${newer.length} CVE${newer.length === 1 ? '' : 's'} redsec's data does not know (${newer.join(', ')}): update the data; other flaws it does not know may be unfixed here; ${note}`,
        ),
      );
    if (results.length > 0) return results;
    const byChangelog = verdicts.filter((d) => d.status === 'fixed' && d.why.includes('changelog')).length;
    const backports = byChangelog > 0 && distro ? ` (${byChangelog} of them fixed by backports named in the changelog of ${distro.package ?? 'the package'} ${distro.packageVersion})` : '';
    return pass(`${describeVersion(facts)}: none of ${verdicts.length} CVE entries apply${backports}; ${note}`);
  },
};

/** One clause per distinct reason, so twelve CVEs with the same reason read as one sentence. */
function groupByReason(verdicts: readonly { entry: { ids: readonly string[] }; why?: string }[]): string {
  const byReason = new Map<string, string[]>();
  for (const d of verdicts) {
    const why = d.why ?? 'no reason given';
    byReason.set(why, [...(byReason.get(why) ?? []), d.entry.ids.join('/')]);
  }
  return [...byReason].map(([why, ids]) => `${ids.join(', ')}: ${why}`).join('; ');
}
