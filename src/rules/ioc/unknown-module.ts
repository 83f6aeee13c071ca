import type { Rule, RuleResult } from '../types.js';
import { fail, pass, unknownResult } from '../result.js';
import { pci } from '../compliance.js';
import { visible } from '../../text/visible.js';
import { versionTable } from '../../versions/index.js';
import { describeVersion } from '../version.js';

/** Module names used by public rogue-server exploits. */
const KNOWN_MALICIOUS = new Set(['system', 'exp', 'rediscommand', 'redis_exp']);

export const iocUnknownModule: Rule = {
  id: 'IOC-UNKNOWN-MODULE',
  title: 'Loaded module not on the allowlist (possible compromise)',
  severity: 'critical',
  rationale: 'Rogue-master exploits load a module (often named `system`, exposing system.exec). Every loaded module should be expected; without an allowlist only the known exploit names are judged. Modules a server version loads by itself (vectorset on Redis 8) are part of the server.',
  remediation: { text: 'Unload unexpected modules, investigate, and set enable-module-command no.', command: 'redis-cli MODULE UNLOAD <name>' },
  compliance: [pci('11.5.2'), pci('2.2.4')],
  level: 1,
  modes: ['live', 'lint'],
  check(facts, ctx) {
    if (!facts.modules.known) return unknownResult(`cannot list modules: ${facts.modules.why}`);
    const mods = facts.modules.value;
    if (mods.length === 0) return pass('no modules loaded');
    const allow = ctx.allowlists?.modules?.map((m) => m.toLowerCase());
    // Modules the server version loads by itself (Redis 8's vectorset): part of the server, not a finding.
    const builtin = facts.versionId ? versionTable(facts.versionId).builtinModules : [];
    const results: RuleResult[] = [];
    const builtins: string[] = [];
    for (const m of mods) {
      const name = m.name.toLowerCase();
      const shown = `${visible(m.name)}${m.path ? ` (${visible(m.path)})` : ''}`;
      if (KNOWN_MALICIOUS.has(name)) results.push(fail(`module ${shown} matches a known exploit module`));
      else if (builtin.includes(name)) builtins.push(shown);
      else if (allow && !allow.includes(name)) results.push(fail(`module ${shown} is not on the allowlist`));
      else if (!allow) results.push(unknownResult(`module ${shown} is loaded; no module allowlist was given to judge it`));
    }
    const builtinNote = builtins.length > 0 ? `${builtins.join(', ')} built into ${describeVersion(facts)}` : '';
    if (results.length > 0) return results;
    const others = mods.filter((m) => !builtin.includes(m.name.toLowerCase())).map((m) => visible(m.name));
    if (others.length === 0) return pass(`only the server's built-in modules are loaded: ${builtinNote}`);
    return pass(`modules ${others.join(', ')} are allowlisted${builtinNote ? `; ${builtinNote}` : ''}`);
  },
};
