/** The optional target profile of audit_server and lint_config: a level name or a profile object. */
import { profileFromJson, profileFromLevel, type AuditProfile } from '../../audit/index.js';
import { SECURITY_LEVELS, type SecurityLevel } from '../../profile/index.js';

export function auditProfile(input: unknown): AuditProfile | null {
  if (input === undefined) return null;
  if (typeof input === 'string' && (SECURITY_LEVELS as readonly string[]).includes(input)) return profileFromLevel(input as SecurityLevel);
  // An object goes through the same validation as a profile file (cross-field checks included).
  return profileFromJson(JSON.stringify(input), 'profile');
}
