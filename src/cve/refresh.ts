/**
 * Merges GitHub security advisories and releases into CVE data: the pure half of
 * scripts/refresh-cve-data.mjs (which does the fetching, online, by a maintainer; never at run time).
 * Hand-curated values win over an advisory's (a conflict is reported, not applied); what an advisory
 * does not say stays "unconfirmed", so a refresh can only make the data more honest, never guess.
 */
import { parseCveData } from './load.js';
import type { BranchFix, BranchInfo, CveData, CveEntry, ProductFixes } from './types.js';

/** The fields used from GitHub's "List repository security advisories" (REST, 2022-11-28). */
export interface GithubAdvisory {
  ghsa_id: string;
  cve_id: string | null;
  html_url: string;
  summary: string;
  severity: string | null;
  state?: string;
  published_at: string | null;
  withdrawn_at?: string | null;
  vulnerabilities?: { vulnerable_version_range?: string | null; patched_versions?: string | null }[] | null;
  cvss?: { vector_string?: string | null } | null;
}

/** The fields used from "List releases". */
export interface GithubRelease {
  tag_name: string;
  html_url?: string;
  draft: boolean;
  prerelease: boolean;
  published_at: string | null;
}

export interface RefreshInput {
  redis: { advisories: GithubAdvisory[]; releases: GithubRelease[] };
  valkey: { advisories: GithubAdvisory[]; releases: GithubRelease[] };
}

type Product = 'redis' | 'valkey';
const VERSION = /\b(\d{1,4})\.(\d{1,4})\.(\d{1,6})\b/g;
const cmp = (a: string, b: string): number => {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
};
const branchOf = (v: string): string => v.split('.').slice(0, 2).join('.');

/** Branch → first patched release, from every "patched_versions" of the advisory. */
export function patchedByBranch(advisory: GithubAdvisory): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of advisory.vulnerabilities ?? [])
    for (const m of (v.patched_versions ?? '').matchAll(VERSION)) {
      const version = `${m[1]}.${m[2]}.${m[3]}`;
      const prev = out.get(branchOf(version));
      if (!prev || cmp(version, prev) < 0) out.set(branchOf(version), version);
    }
  return out;
}

const SEVERITIES = new Set(['critical', 'high', 'medium', 'low']);

function newEntry(a: GithubAdvisory, cve: string): CveEntry {
  return {
    ids: [cve],
    what: a.summary.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g, ' ').trim().slice(0, 300),
    severity: (a.severity && SEVERITIES.has(a.severity) ? a.severity : 'medium') as CveEntry['severity'],
    unauthenticated: /\bPR:N\b/.test(a.cvss?.vector_string ?? ''),
    lua: /\blua\b|script/i.test(a.summary),
    advisory: a.ghsa_id,
    url: a.html_url,
    source: `${a.html_url} (added by scripts/refresh-cve-data.mjs: review what, unauthenticated, lua and mitigation)`,
    mitigation: 'see the advisory',
    redis: { fixed: {} },
  };
}

/** Fills the product's branches from the advisory; every known branch it does not name is unconfirmed (or null when end of life). */
function mergeFixes(fixes: ProductFixes, patched: Map<string, string>, branches: Record<string, BranchInfo>, label: string, changes: string[]): void {
  for (const [branch, version] of patched) {
    const cur = fixes.fixed[branch];
    if (cur === undefined || cur === 'unconfirmed') {
      fixes.fixed[branch] = version;
      changes.push(`${label}: ${branch} fixed in ${version}`);
    } else if (cur !== version) changes.push(`${label}: CONFLICT on ${branch}: data says ${String(cur)}, the advisory ${version} (kept the data's; review)`);
  }
  for (const [branch, info] of Object.entries(branches))
    if (fixes.fixed[branch] === undefined && !(fixes.since && cmp(`${branch}.999999`, fixes.since) < 0)) {
      const newest = [...patched.keys()].sort((a, b) => cmp(`${b}.0`, `${a}.0`))[0];
      // A branch newer than every patched one may have been released after the fix: the verdict rule decides.
      if (newest && cmp(`${branch}.0`, `${newest}.0`) > 0 && patched.size > 0) continue;
      fixes.fixed[branch] = info.status === 'eol' ? null : ('unconfirmed' satisfies BranchFix);
    }
}

function mergeReleases(branches: Record<string, BranchInfo>, releases: GithubRelease[], label: string, changes: string[]): void {
  for (const r of releases) {
    if (r.draft || r.prerelease) continue;
    const m = /^v?(\d{1,4}\.\d{1,4}\.\d{1,6})$/.exec(r.tag_name.trim());
    if (!m) continue;
    const version = m[1] as string;
    const branch = branchOf(version);
    const info = branches[branch];
    if (!info) {
      branches[branch] = { status: 'unknown', latest: version, source: `${r.html_url ?? r.tag_name} (new branch: set its status by hand)` };
      changes.push(`${label}: new branch ${branch} (${version}), status unknown until reviewed`);
    } else if (cmp(version, info.latest) > 0) {
      changes.push(`${label}: ${branch} latest ${info.latest} -> ${version}`);
      branches[branch] = { ...info, latest: version };
    }
  }
}

export function refreshCveData(old: CveData, input: RefreshInput, today: string): { data: CveData; changes: string[] } {
  const data = JSON.parse(JSON.stringify({ ...old, origin: undefined })) as CveData;
  const changes: string[] = [];
  mergeReleases(data.redis.branches, input.redis.releases, 'redis', changes);
  mergeReleases(data.valkey.branches, input.valkey.releases, 'valkey', changes);
  for (const product of ['redis', 'valkey'] as Product[]) {
    for (const a of input[product].advisories) {
      if ((a.state !== undefined && a.state !== 'published') || a.withdrawn_at || !a.cve_id || !/^CVE-\d{4}-\d{4,7}$/.test(a.cve_id)) continue;
      let entry = data.cves.find((e) => e.ids.includes(a.cve_id as string));
      if (!entry) {
        entry = newEntry(a, a.cve_id);
        data.cves.unshift(entry);
        changes.push(`${a.cve_id}: new entry from ${a.ghsa_id}`);
      }
      if (entry.advisory === null && product === 'redis') entry.advisory = a.ghsa_id;
      const fixes = product === 'redis' ? entry.redis : (entry.valkey ??= { fixed: {} });
      mergeFixes(fixes, patchedByBranch(a), data[product].branches, `${a.cve_id} ${product}`, changes);
    }
  }
  // A new entry without a Redis advisory: Redis's status is unknown on every maintained branch.
  for (const e of data.cves) if (Object.keys(e.redis.fixed).length === 0) mergeFixes(e.redis, new Map(), data.redis.branches, `${e.ids[0]} redis`, []);
  data.date = today;
  // The result must read back as valid data: a refresh never writes a file redsec would refuse.
  return { data: parseCveData(JSON.stringify(data), 'refreshed data'), changes };
}
