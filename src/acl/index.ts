export type {
  AclOptions,
  AclUser,
  AclSelector,
  KeyPattern,
  AclVerdict,
  AclDenial,
  AclExplanation,
  AclDiff,
  CategoryAccess,
} from './types.js';
export { KEY_READ, KEY_WRITE } from './types.js';
export { parseAclUser, applyAclRules, defaultUser } from './rules.js';
export { parseAclFile, type AclFile, type AclFileLine } from './aclfile.js';
export { evaluate, evaluateDryrun, refusedUnlessFullRead, allowsCommand, hasUnrestrictedKeyAccess, hasAllChannels } from './evaluate.js';
export { describeUser, describeRules } from './describe.js';
export { explainUser, renderExplanation } from './explain.js';
export { diffUsers, renderDiff } from './diff.js';
export { sha256Hex } from './sha256.js';
export { globMatch } from './glob.js';
export { parseConfigUserLine } from './confuser.js';
export { MODULE_CATEGORIES, unknownCategoryNote } from './categories.js';
export { renderVerdict } from './verdict-text.js';
