import type { Rule } from '../types.js';
import { fail, notApplicable, pass, unknownResult } from '../result.js';
import { pci } from '../compliance.js';

/** Debian/Ubuntu revisions fixing CVE-2022-0543 (DSA-5081), as the catalog states them. */
const FIXED: { prefix: RegExp; minRevision: number }[] = [
  { prefix: /^(?:5:)?6\.0\.16-1\+deb11u(\d+)/, minRevision: 2 },
  { prefix: /^(?:5:)?5\.0\.14-1\+deb10u(\d+)/, minRevision: 2 },
];
const carriesFix = (pkg: string): boolean =>
  FIXED.some((f) => {
    const m = f.prefix.exec(pkg);
    return m !== null && Number(m[1]) >= f.minRevision;
  });

export const verDebianLua: Rule = {
  id: 'VER-DEBIAN-LUA',
  title: 'Debian/Ubuntu Lua sandbox escape (CVE-2022-0543)',
  severity: 'critical',
  rationale:
    'Debian and Ubuntu packages linked Lua dynamically and left the `package` global in the sandbox, so EVAL could load a library and run commands (in CISA KEV). Detected by the distro package version, or by the opt-in read-only probe EVAL "return type(package)" 0.',
  remediation: { text: 'Upgrade the distribution package; block @scripting for applications meanwhile.', command: 'redis-cli ACL SETUSER <app> -@scripting' },
  compliance: [pci('6.3.3')],
  level: 1,
  modes: ['live', 'lint'],
  check(facts) {
    const probe = facts.luaPackageProbe;
    if (probe?.known) {
      if (probe.value === 'nil') return pass('the opt-in probe found no `package` global in the Lua sandbox');
      return fail(`the Lua sandbox exposes \`package\` (type(package) = ${probe.value})`);
    }
    const distro = facts.distro;
    if (distro?.known) {
      const pkg = distro.value.packageVersion;
      if (!/deb|ubuntu/i.test(pkg) && !/debian|ubuntu/i.test(distro.value.name)) return notApplicable(`${distro.value.name} build: not a Debian/Ubuntu package`);
      const ver = /^(?:\d+:)?(\d+)\.(\d+)/.exec(pkg);
      if (ver && Number(ver[1]) >= 7) return pass(`${distro.value.name} ${pkg} postdates the fix`);
      if (ver && Number(ver[1]) === 6 && Number(ver[2]) >= 2) return pass(`${distro.value.name} ${pkg} postdates the fix`);
      if (carriesFix(pkg)) return pass(`${distro.value.name} ${pkg} carries the DSA-5081 fix`);
      return unknownResult(`${distro.value.name} ${pkg}: compare with the distribution advisory (DSA-5081 fixed 5:6.0.16-1+deb11u2 and 5:5.0.14-1+deb10u2)`);
    }
    return notApplicable('needs the distribution package version (audit on the host) or the opt-in Lua probe');
  },
};
