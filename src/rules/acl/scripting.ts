import { aclSetuserCommand } from '../shell.js';
import type { Rule, RuleContext, RuleResult } from '../types.js';
import { pci } from '../compliance.js';
import { cveVerdicts } from '../ver/cve-verdict.js';
import { bundledCveData } from '../../cve/index.js';
import { ADMIN_HEURISTIC, SCRIPTING_PROBES, appUsersMayRun } from './common.js';
import type { ServerFacts } from '../../facts/types.js';

/** Lua CVEs this version is (or may be) exposed to, which makes scripting access high severity. */
function luaExposure(facts: ServerFacts, ctx: RuleContext): string[] {
  const v = cveVerdicts(facts, ctx.cveData ?? bundledCveData());
  if ('unknown' in v) return [];
  return v.filter((d) => d.entry.lua && d.status !== 'fixed').flatMap((d) => d.entry.ids);
}

export const aclScripting: Rule = {
  id: 'ACL-SCRIPTING',
  title: 'Application user may run Lua scripts or functions',
  severity: 'low',
  rationale: `EVAL, FCALL, FUNCTION and SCRIPT run code inside the server; every Lua memory bug (RediShell CVE-2025-49844, CVE-2024-46981, CVE-2022-24834 ...) is reachable through them. High when the version is in (or may be in) a Lua CVE range, else low. ${ADMIN_HEURISTIC}`,
  remediation: {
    text: 'Deny scripting to users that do not need it.',
    config: 'user <app> ... -@scripting',
    command: 'redis-cli ACL SETUSER <app> -eval -evalsha -eval_ro -evalsha_ro -fcall -fcall_ro -function -script',
  },
  compliance: [pci('2.2.4'), pci('6.3.3')],
  level: 2,
  modes: ['live', 'lint'],
  check(facts, ctx) {
    const lua = luaExposure(facts, ctx);
    const out = appUsersMayRun(facts, SCRIPTING_PROBES, 'scripts', (u) => ({
      text: `Deny scripting to ${u}.`,
      command: aclSetuserCommand(u, '-eval', '-evalsha', '-eval_ro', '-evalsha_ro', '-fcall', '-fcall_ro', '-function', '-script'),
    }));
    const list: RuleResult[] = Array.isArray(out) ? out : [out];
    return list.map((r) =>
      r.status === 'fail' && lua.length > 0 ? { ...r, severity: 'high', evidence: `${r.evidence}; this version is or may be exposed to ${lua.slice(0, 4).join(', ')}${lua.length > 4 ? ' ...' : ''}` } : r,
    );
  },
};
