import type { Rule } from '../types.js';
import { fail, pass, unknownResult } from '../result.js';
import { describeVersion, parseVersion, compareVersions } from '../version.js';
import { pci } from '../compliance.js';
import { DISTRO_SHIPPED_VERSIONS } from './cve-table.js';

export const verEol: Rule = {
  id: 'VER-EOL',
  title: 'End-of-life release branch',
  severity: 'high',
  rationale:
    'Branches before 6.2, and 7.0 (last release 7.0.15, January 2024), get no upstream security fixes: none of the 2024-25 Lua and ACL fixes reached them. A distribution may still support its own package, which the version string cannot show.',
  remediation: { text: 'Upgrade to a supported branch (Redis 7.2/7.4/8.x or Valkey 8).' },
  compliance: [pci('6.3.3'), pci('12.3.4')],
  level: 2,
  modes: ['live', 'lint'],
  check(facts) {
    const v = parseVersion(facts.version ?? (facts.versionId?.replace(/^valkey-/, '') ?? null));
    if (!v) return unknownResult('the server version is unknown');
    const shown = describeVersion(facts);
    if (facts.flavor === 'valkey') return pass(`${shown} is a maintained Valkey line`);
    const eol = compareVersions(v, [6, 2, 0]) < 0 || (v[0] === 7 && v[1] === 0);
    if (!eol) return pass(`${shown} is on a maintained branch`);
    const shipped = facts.version ? DISTRO_SHIPPED_VERSIONS[facts.version] : undefined;
    if (facts.distro?.known) return unknownResult(`${shown} is end-of-life upstream; support depends on ${facts.distro.value.name} ${facts.distro.value.packageVersion}`);
    if (shipped) return unknownResult(`${shown} is end-of-life upstream, but ${shipped}; whether this build is supported cannot be told from the version`);
    return fail(`${shown} is on an end-of-life branch`);
  },
};
