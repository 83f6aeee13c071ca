/** Runs one rule by id (tests, MCP's single-check tool). */
import type { ServerFacts } from '../facts/types.js';
import type { Finding } from '../report/types.js';
import { RULES } from './catalog.js';
import { runRules } from './run.js';
import type { RuleContext } from './types.js';
import { InputError } from '../errors.js';

export function ruleById(id: string) {
  return RULES.find((r) => r.id === id);
}

export function checkOne(id: string, facts: ServerFacts, ctx: RuleContext): Finding[] {
  const rule = ruleById(id);
  if (!rule) throw new InputError(`no check with id ${id}`, 'check');
  return runRules(facts, ctx, [rule]);
}
