/** Redis's ACLSetUserStringError texts, keyed by the errno the server sets. */
export const REASON = {
  ENOENT: 'Unknown command or category name in ACL',
  EINVAL: 'Syntax error',
  EEXIST:
    "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns",
  EISDIR:
    "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels",
  ENODEV: 'The password you are trying to remove from the user does not exist',
  EBADMSG: 'The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters',
  EALREADY: 'Duplicate user found. A user can only be defined once in config files',
  ECHILD: 'Allowing first-arg of a subcommand is not supported',
} as const;

export type ReasonCode = keyof typeof REASON;

/** Thrown inside the rule machinery; turned into AclRuleError / ConfigSyntaxError at the edges. */
export class RuleFailure extends Error {
  constructor(readonly code: ReasonCode) {
    super(REASON[code]);
  }
}
