/**
 * Bounds on what a config file (from a pull request, or named by a model over MCP) can make the
 * parser do. Real configs are far below them; past them redsec stops with a one-line error
 * (exit 2) instead of taking minutes or gigabytes. Documented in README and SECURITY.md.
 */
export const CONFIG_LIMITS = {
  /** Bytes of one config file (also of an ACL file). */
  maxFileBytes: 64 * 1024 * 1024,
  /** Bytes of the main file and everything it includes, together. */
  maxTotalBytes: 128 * 1024 * 1024,
  /** Lines of the main file and everything it includes, together. */
  maxLines: 2_000_000,
  /** `include` nesting (a file including a file including ...). */
  maxIncludeDepth: 32,
  /** Files read through `include`, in all. */
  maxIncludedFiles: 1_000,
  /** Directory entries one include glob may look at while expanding. */
  maxGlobEntries: 100_000,
  /** Rules on one ACL user (a `user` line of redis.conf or of an ACL file, or ACL SETUSER's rules). */
  maxRulesPerUser: 100_000,
  /** Characters of one include pattern. */
  maxPatternLength: 4_096,
} as const;
