import type { Rule, RuleResult } from '../types.js';
import { fail, notApplicable, pass, unknownResult } from '../result.js';
import { describeVersion } from '../version.js';
import { pci } from '../compliance.js';
import { cveVerdicts } from './cve-verdict.js';

export const verCve: Rule = {
  id: 'VER-CVE',
  title: 'Version affected by known CVEs',
  severity: 'high',
  rationale:
    'Branch-aware comparison with the CVE table: a release is vulnerable only if it is older than the fix on its own branch (7.2.11 is not vulnerable to a CVE fixed in 7.2.11). 7.0 is end-of-life and has no upstream fixes after 7.0.15. Distribution builds (Debian 12\'s 7.0.15) carry backports the version string cannot show, so those verdicts are unknown unless the package is known: on the server host its changelog.Debian decides. Valkey has its own map; unlisted Valkey verdicts are unknown.',
  remediation: { text: 'Upgrade to the latest patch release of a supported branch (7.2, 7.4, 8.x or Valkey 8); until then apply the per-CVE mitigations.' },
  compliance: [pci('6.3.3'), pci('11.3.1')],
  level: 2,
  modes: ['live', 'lint'],
  check(facts, ctx) {
    if (ctx.mode === 'lint' && !facts.version) return notApplicable('lint without an exact target version (only the version line is known)');
    const verdicts = cveVerdicts(facts);
    if ('unknown' in verdicts) return unknownResult(verdicts.unknown);
    const results: RuleResult[] = verdicts
      .filter((d) => d.status === 'affected')
      .map((d) =>
        fail(`${describeVersion(facts)} is affected by ${d.entry.ids.join(', ')}: ${d.entry.what} (${d.why})${d.entry.unauthenticated ? '; reachable without authentication' : ''}`, {
          severity: d.entry.severity,
          remediation: { text: `Upgrade past the fix; meanwhile: ${d.entry.mitigation}.` },
        }),
      );
    const unknown = verdicts.filter((d) => d.status === 'unknown');
    if (unknown.length > 0)
      results.push(unknownResult(`cannot tell for ${groupByReason(unknown)}`));
    if (results.length > 0) return results;
    const byChangelog = verdicts.filter((d) => d.status === 'fixed' && d.why.includes('changelog')).length;
    const distro = facts.distro?.known ? facts.distro.value : undefined;
    const backports = byChangelog > 0 && distro ? ` (${byChangelog} of them fixed by backports named in the changelog of ${distro.package ?? 'the package'} ${distro.packageVersion})` : '';
    return pass(`${describeVersion(facts)}: none of ${verdicts.length} CVE entries apply${backports}`);
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
