/** Binds the offline ACL engine to one user name and server version for acl-fix.ts. */
import { evaluate, explainUser, parseAclUser, type AclOptions } from '../acl/index.js';
import type { VersionId } from '../versions/index.js';
import type { AclChecker } from './acl-fix.js';

export function aclChecker(userName: string, version: VersionId): AclChecker {
  const opts: AclOptions = { version };
  return {
    check: (rules, argv) => evaluate(parseAclUser(userName, rules, opts), argv, opts),
    allowedCommands: (rules) => explainUser(parseAclUser(userName, rules, opts), opts).allowedCommands,
    keyPermissions: version !== '6.2',
  };
}
