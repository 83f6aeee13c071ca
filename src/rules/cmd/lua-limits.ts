import { aclSetuserCommand } from '../shell.js';
import type { Rule, RuleResult } from '../types.js';
import { fail, pass, unknownResult } from '../result.js';
import { configValue, defaultMark } from '../config.js';
import { SCRIPT_DEBUG_PROBES, appUsersMayRun } from '../acl/common.js';

/** Above this a runaway script blocks everyone for longer than a client timeout. */
const HUGE_MS = 60_000;

export const cmdLuaLimits: Rule = {
  id: 'CMD-LUA-LIMITS',
  title: 'No limit on busy scripts, or SCRIPT DEBUG open',
  severity: 'low',
  rationale: 'busy-reply-threshold (lua-time-limit before 7.0) is when a long script starts answering BUSY so an operator can kill it; 0 or a huge value lets one script hang the server. SCRIPT DEBUG gives a Lua debugger (CVE-2021-32672).',
  remediation: { text: 'Keep the default 5 s and deny SCRIPT DEBUG.', config: 'busy-reply-threshold 5000', command: "redis-cli ACL SETUSER <app> '-script|debug'" },
  compliance: [],
  level: 3,
  modes: ['live', 'lint'],
  check(facts) {
    const results: RuleResult[] = [];
    const v = configValue(facts, 'busy-reply-threshold');
    if (!v.known) return unknownResult(`cannot read busy-reply-threshold: ${v.why}`);
    const ms = Number(v.value?.value ?? '5000');
    if (ms === 0 || ms > HUGE_MS) results.push(fail(`busy-reply-threshold ${ms}${defaultMark(v.value)}`, { location: v.value?.location }));
    const dbg = appUsersMayRun(facts, SCRIPT_DEBUG_PROBES, 'SCRIPT DEBUG', (u) => ({ text: `Deny SCRIPT DEBUG to ${u}.`, command: aclSetuserCommand(u, '-script|debug') }));
    for (const r of Array.isArray(dbg) ? dbg : [dbg]) if (r.status !== 'pass') results.push(r);
    return results.length > 0 ? results : pass(`busy-reply-threshold ${ms}; no application may run SCRIPT DEBUG`);
  },
};
