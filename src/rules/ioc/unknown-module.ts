import type { Rule, RuleResult } from '../types.js';
import { fail, pass, unknownResult } from '../result.js';
import { pci } from '../compliance.js';

/** Module names used by public rogue-server exploits. */
const KNOWN_MALICIOUS = new Set(['system', 'exp', 'rediscommand', 'redis_exp']);

export const iocUnknownModule: Rule = {
  id: 'IOC-UNKNOWN-MODULE',
  title: 'Loaded module not on the allowlist (possible compromise)',
  severity: 'critical',
  rationale: 'Rogue-master exploits load a module (often named `system`, exposing system.exec). Every loaded module should be expected; without an allowlist only the known exploit names are judged.',
  remediation: { text: 'Unload unexpected modules, investigate, and set enable-module-command no.', command: 'redis-cli MODULE UNLOAD <name>' },
  compliance: [pci('11.5.2'), pci('2.2.4')],
  level: 1,
  modes: ['live', 'lint'],
  check(facts, ctx) {
    if (!facts.modules.known) return unknownResult(`cannot list modules: ${facts.modules.why}`);
    const mods = facts.modules.value;
    if (mods.length === 0) return pass('no modules loaded');
    const allow = ctx.allowlists?.modules?.map((m) => m.toLowerCase());
    const results: RuleResult[] = [];
    for (const m of mods) {
      const name = m.name.toLowerCase();
      const shown = `${m.name}${m.path ? ` (${m.path})` : ''}`;
      if (KNOWN_MALICIOUS.has(name)) results.push(fail(`module ${shown} matches a known exploit module`));
      else if (allow && !allow.includes(name)) results.push(fail(`module ${shown} is not on the allowlist`));
      else if (!allow) results.push(unknownResult(`module ${shown} is loaded; no module allowlist was given to judge it`));
    }
    return results.length > 0 ? results : pass(`modules ${mods.map((m) => m.name).join(', ')} are allowlisted`);
  },
};
