import type { Rule, RuleResult } from '../types.js';
import { fail, pass, unknownResult } from '../result.js';
import { compareVersions, describeVersion, parseVersion, type Triple } from '../version.js';
import { pci } from '../compliance.js';
import { bundledCveData, type CveData, type DistributionWindow } from '../../cve/index.js';
import type { ServerFacts } from '../../facts/types.js';

type Distro = Extract<NonNullable<ServerFacts['distro']>, { known: true }>['value'];

/**
 * The distribution release a package belongs to: the package version's own marker first
 * ("~deb12u10", "ubuntu0.24.04.1"), then the host's os-release.
 */
export function distributionOf(distro: Distro, data: CveData): DistributionWindow | undefined {
  const pkg = distro.packageVersion;
  const deb = /deb(\d+)u\d+/.exec(pkg)?.[1];
  const ubuntu = /ubuntu[\d.]*?(\d{2}\.\d{2})/.exec(pkg)?.[1];
  const [id, version] = deb ? ['debian', deb] : ubuntu ? ['ubuntu', ubuntu] : [distro.osId, distro.osVersion];
  return data.distributions.find((d) => d.id === id && d.version === version);
}

/** The verdict of a distribution's support window, naming the window that applies. */
function windowVerdict(w: DistributionWindow, pkg: string, today: string, shown: string): RuleResult {
  const by = `${shown} from ${w.name}'s package ${pkg}`;
  if (w.universe) {
    if (w.esm_until && today <= w.esm_until)
      return unknownResult(
        `${by}: the package is in Ubuntu's universe component, which gets security fixes from the community or from Ubuntu Pro (ESM Apps, until ${w.esm_until}); redsec cannot tell whether this host has Ubuntu Pro (${w.source})`,
      );
    return fail(`${by}: ${w.name}'s support ended (${w.esm_until ?? w.security_until}) (${w.source})`);
  }
  if (today <= w.security_until) return pass(`${by} is maintained by the distribution: security support until ${w.security_until}${w.lts_until ? `, then Debian LTS until ${w.lts_until}` : ''} (${w.source})`);
  if (w.lts_until && today <= w.lts_until)
    return pass(`${by} is maintained by Debian LTS until ${w.lts_until} (regular security support ended ${w.security_until}; LTS covers amd64, arm64, i386 and armhf) (${w.source})`);
  return fail(`${by}: the distribution's support ended ${w.lts_until ?? w.security_until} (${w.source})`, {
    remediation: { text: `Upgrade the distribution to a supported release, or run a supported upstream branch.` },
  });
}

const lt = (a: Triple, b: Triple) => compareVersions(a, b) < 0;

export const verEol: Rule = {
  id: 'VER-EOL',
  title: 'End-of-life release branch',
  severity: 'high',
  rationale:
    'A branch nobody maintains gets no security fixes. Upstream status per branch comes from the CVE data (--cve-data). A distribution maintains its own package past upstream end of life (Debian 12 ships 7.0.15 with security support, then LTS, although upstream 7.0 ended in 2024): on the server host the package that owns the binary decides, and the report names the window that applies. Official container images build Redis from source on a Debian or Alpine base, so the upstream branch decides for them.',
  remediation: { text: 'Upgrade to a maintained branch (see the supported versions in the README), or run a distribution package inside its support window.' },
  compliance: [pci('6.3.3'), pci('12.3.4')],
  level: 2,
  modes: ['live', 'lint'],
  check(facts, ctx) {
    const data = ctx.cveData ?? bundledCveData();
    // Without an exact version, the line asked for (lint --redis-version 8.2), not the nearest tables (8.0).
    const line = facts.tables?.target.replace(/^(Redis|Valkey) /, '') ?? facts.versionId?.replace(/^valkey-/, '') ?? null;
    const v = parseVersion(facts.version ?? line);
    if (!v) return unknownResult('the server version is unknown');
    const shown = facts.version ? describeVersion(facts) : `${facts.flavor === 'valkey' ? 'Valkey' : 'Redis'} ${line}`;
    const today = (ctx.now ?? new Date()).toISOString().slice(0, 10);
    const distro = facts.distro?.known ? facts.distro.value : undefined;
    if (distro) {
      const w = distributionOf(distro, data);
      if (w) return windowVerdict(w, distro.packageVersion, today, shown);
      return unknownResult(`${shown} comes from ${distro.name}'s package ${distro.packageVersion}, whose support window is not in redsec's data (data of ${data.date})`);
    }
    const valkey = facts.flavor === 'valkey';
    const product = valkey ? data.valkey : data.redis;
    const name = valkey ? 'Valkey' : 'Redis';
    const branch = `${v[0]}.${v[1]}`;
    const upstreamEol = !valkey && lt(v, parseVersion(data.redis.older_than.version) as Triple);
    const info = product.branches[branch];
    if (!upstreamEol && !info) {
      const known = Object.keys(product.branches).join(', ');
      return unknownResult(`${name} ${branch} is not a branch in redsec's data (data of ${data.date}; known: ${known}): whether it is maintained cannot be told`);
    }
    if (info?.status === 'maintained') return pass(`${shown} is on a maintained ${name} branch (as of redsec's data of ${data.date})`);
    if (info?.status === 'unknown') return unknownResult(`whether upstream still maintains ${name} ${branch} is not established by redsec's data (${info.source})`);
    // End of life upstream. A distribution may still maintain the same version.
    const shipped = data.distributions.filter((d) => (valkey ? d.ships.valkey : d.ships.redis)?.startsWith(`${branch}.`));
    const since = info?.eol_since ? ` since ${info.eol_since}` : '';
    const windows = shipped
      .map((d) =>
        d.universe
          ? `${d.name} ships ${valkey ? d.ships.valkey : d.ships.redis} in universe (community fixes, or Ubuntu Pro until ${d.esm_until ?? d.security_until})`
          : `${d.name} ships ${valkey ? d.ships.valkey : d.ships.redis} and supports it until ${d.lts_until ?? d.security_until}`,
      )
      .join('; ');
    if (facts.version && shipped.some((d) => (valkey ? d.ships.valkey : d.ships.redis) === facts.version))
      return unknownResult(
        `${shown} is end-of-life upstream${since}, but ${windows}: whether this build is a supported distribution package cannot be told from the version (audit on the server's host, where the package decides)`,
      );
    return fail(
      `${shown} is on an end-of-life upstream branch${since}${windows ? ` (a distribution package is judged by its own window when audited on its host: ${windows})` : ''}`,
    );
  },
};
