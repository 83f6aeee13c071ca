export type { Rule, RuleContext, RuleResult, RuleStatus, RuleMode, RuleProfile, MaturityLevel } from './types.js';
export { RULES } from './catalog.js';
export { runRules, runRule } from './run.js';
export { levelAchieved, blockingRules } from './level.js';
export { ruleById, checkOne } from './check.js';
