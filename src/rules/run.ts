/** Runs the catalog over one server's facts and turns rule results into report findings. */
import type { ServerFacts } from '../facts/types.js';
import type { Finding } from '../report/types.js';
import { RULES } from './catalog.js';
import { isPublicOrCompliance, raiseSeverity } from './exposure.js';
import { notApplicable, unknownResult } from './result.js';
import type { Rule, RuleContext, RuleResult } from './types.js';

function toFinding(rule: Rule, r: RuleResult, ctx: RuleContext): Finding {
  let severity = r.severity ?? rule.severity;
  if (rule.raiseForExposure && !r.severity && isPublicOrCompliance(ctx)) severity = raiseSeverity(severity);
  const f: Finding = {
    id: rule.id,
    title: rule.title,
    severity,
    status: r.status,
    evidence: r.evidence,
    remediation: r.remediation ?? rule.remediation,
    compliance: [...rule.compliance],
    level: rule.level,
  };
  if (r.location) f.location = r.location;
  if (r.subject !== undefined) f.subject = r.subject;
  return f;
}

/** One rule's results; a throwing rule becomes `unknown` (a bug must never read as a pass). */
export function runRule(rule: Rule, facts: ServerFacts, ctx: RuleContext): RuleResult[] {
  if (!rule.modes.includes(ctx.mode)) return [notApplicable(`not checked in ${ctx.mode} mode`)];
  try {
    const out = rule.check(facts, ctx);
    const list = Array.isArray(out) ? out : [out];
    return list.length > 0 ? list : [unknownResult('the rule returned no result')];
  } catch (e) {
    return [unknownResult(`the rule could not be evaluated: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`)];
  }
}

/** Every rule appears at least once, passes included; several results give several findings with the same id. */
export function runRules(facts: ServerFacts, ctx: RuleContext, rules: readonly Rule[] = RULES): Finding[] {
  return rules.flatMap((rule) => runRule(rule, facts, ctx).map((r) => toFinding(rule, r, ctx)));
}
