/** The 7.0 enable-* gates and, before 7.0, "who may run the ungated command". */
import type { ServerFacts } from '../../facts/types.js';
import type { RuleResult } from '../types.js';
import { accessSummary } from '../access.js';
import { configValue, where } from '../config.js';
import { defaultUserOpen } from '../net/common.js';
import { fail, notApplicable, pass, unknownResult } from '../result.js';
import { effectiveUsers, userFlags } from '../users.js';
import { atLeast, describeVersion } from '../version.js';

/**
 * 7.0+: fail when the gate is yes/local; before 7.0 there is no gate, so fail when any enabled user
 * may run one of the probes (ACL DRYRUN / engine). Critical when anyone can connect without a password.
 */
export function gateRule(
  facts: ServerFacts,
  gate: 'enable-protected-configs' | 'enable-module-command' | 'enable-debug-command',
  probes: readonly (readonly string[])[],
  criticalWhenOpen: boolean,
): RuleResult | RuleResult[] {
  const v7 = atLeast(facts, [7, 0, 0]);
  if (v7 === null) return unknownResult('the server version is unknown, so whether the command is gated is unknown');
  const open = defaultUserOpen(facts);
  const severity = criticalWhenOpen && open === true ? ('critical' as const) : undefined;
  if (v7) {
    const g = configValue(facts, gate);
    if (!g.known) return unknownResult(`cannot read ${gate}: ${g.why}`);
    if (!g.value) return unknownResult(`${describeVersion(facts)} does not report ${gate}`);
    const val = g.value.value.toLowerCase();
    if (val === 'no') return pass(`${gate} no (${where(facts, gate, g.value)})`, { location: g.value.location });
    return fail(`${gate} ${val} (${where(facts, gate, g.value)})${open ? '; the default user needs no password' : ''}`, { location: g.value.location, severity });
  }
  const users = effectiveUsers(facts);
  if (!users.known) return unknownResult(`${describeVersion(facts)} has no ${gate}; cannot read users: ${users.why}`);
  const allowed: string[] = [];
  const unknown: string[] = [];
  for (const u of users.value.filter((x) => userFlags(facts, x).enabled)) {
    const s = accessSummary(facts, u, probes);
    if (s.allowed.length > 0) allowed.push(u.name);
    else if (s.unknown.length > 0) unknown.push(u.name);
  }
  if (allowed.length > 0)
    return fail(`${describeVersion(facts)} has no ${gate} gate and ${allowed.join(', ')} may run ${probes.map((p) => p[0]).join('/')}`, { severity });
  if (unknown.length > 0) return unknownResult(`${describeVersion(facts)} has no ${gate} gate; cannot tell for ${unknown.join(', ')}`);
  return pass(`${describeVersion(facts)} has no ${gate} gate, but no enabled user may run ${probes.map((p) => p[0]).join('/')}`);
}

export function localGateRule(facts: ServerFacts): RuleResult | RuleResult[] {
  const v7 = atLeast(facts, [7, 0, 0]);
  if (v7 === null) return unknownResult('the server version is unknown');
  if (!v7) return notApplicable(`${describeVersion(facts)} has no enable-* options`);
  const gates = ['enable-protected-configs', 'enable-module-command', 'enable-debug-command'] as const;
  const local: RuleResult[] = [];
  for (const gate of gates) {
    const g = configValue(facts, gate);
    if (!g.known) return unknownResult(`cannot read ${gate}: ${g.why}`);
    if (g.value?.value.toLowerCase() === 'local') local.push(fail(`${gate} local`, { location: g.value.location }));
  }
  return local.length > 0 ? local : pass('no enable-* option is set to local');
}
