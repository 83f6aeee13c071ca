import { parseAclUser } from '../acl/index.js';
import { knownDirectives } from './version-support.js';
import { aclUserTokens } from './render/users-acl.js';
import type { Plan } from './types.js';

/** Stands in for a real hash when checking rule syntax (the real ones are drawn later). */
const PLACEHOLDER_HASH = '0'.repeat(64);

/**
 * Refuses a plan the target version would reject: a directive it does not know (it would not
 * start) or an ACL rule its parser refuses (AclRuleError with Redis's reason). Runs before
 * anything is written, so a bug can never produce a bundle that fails to boot.
 */
export function validatePlan(plan: Plan): void {
  const known = knownDirectives(plan.version);
  for (const d of plan.directives) {
    if (!known.has(d.name)) throw new Error(`internal: directive ${d.name} is not accepted by ${plan.version}`);
  }
  for (const user of plan.users) {
    // The version's own acl-pubsub-default (allchannels on 6.2) is the stricter test of rule order.
    parseAclUser(user.name, aclUserTokens(user, PLACEHOLDER_HASH), { version: plan.version });
  }
}
