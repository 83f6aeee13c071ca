import type { VersionId } from '../versions/index.js';

export interface AclOptions {
  version: VersionId;
  /** acl-pubsub-default in force when users/selectors are created (default: the version's default). */
  pubsubDefault?: 'allchannels' | 'resetchannels';
  /** Debian's 7.0.15 (deb12u2+) carries the 7.2.7/7.4.2 `%`-rule and glob fixes; only meaningful with version '7.0'. */
  debianBackports?: boolean;
  /**
   * Categories the server reports (ACL CAT) that the version's table lacks, with their members
   * (ACL CAT <category>): Redis 8's module categories such as @search or @json. Rules may then name
   * them; they act on the listed commands the table has (module commands are not in the tables).
   */
  extraCategories?: Readonly<Record<string, readonly string[]>> | undefined;
}

/** Key pattern permission bits, as in Redis: read = 1, write = 2. */
export const KEY_READ = 1;
export const KEY_WRITE = 2;

export interface KeyPattern {
  readonly pattern: string;
  /** KEY_READ | KEY_WRITE; 0 only for the malformed `%` rules old servers accept. */
  readonly perms: number;
}

export interface AclSelector {
  readonly root: boolean;
  readonly allCommands: boolean;
  readonly allKeys: boolean;
  readonly allChannels: boolean;
  /** 1024-bit command bitmap; bit 1023 records "+@all was the last full reset" (future commands). */
  readonly bits: Uint32Array;
  /** Allowed first arguments per command id (deprecated `+select|0` form). */
  readonly firstArgs: ReadonlyMap<number, readonly string[]>;
  readonly keys: readonly KeyPattern[];
  readonly channels: readonly string[];
  /** 7.2+: the normalised command rules kept for display. */
  readonly commandRules: readonly string[];
  /** Per command id: index into AclUser.ruleLog of the rule that last set or cleared its bit (-1: never). */
  readonly decidedBy: Int32Array;
}

export interface AclUser {
  readonly name: string;
  readonly enabled: boolean;
  /** Redis keeps separate on/off bits; a new user has only "off". */
  readonly flagOn: boolean;
  readonly flagOff: boolean;
  readonly nopass: boolean;
  readonly skipSanitize: boolean;
  readonly sanitize: boolean;
  /** SHA-256 hex of each password, in insertion order (never cleartext). */
  readonly passwords: readonly string[];
  readonly selectors: readonly AclSelector[];
  /** Texts of the command rules applied so far (passwords never appear here). */
  readonly ruleLog: readonly string[];
}

/** 'run': ACL allows the command, the server refuses it when it runs (SORT GET/BY without full read; POST/Host:). */
export type AclDenial = 'command' | 'key' | 'channel' | 'run';

export interface AclVerdict {
  allowed: boolean;
  denial?: AclDenial;
  /** Full command name, e.g. 'config|get'. */
  command: string;
  /** The rule that last set or cleared the command's bit (or why it passed without one). */
  decidedBy: string;
  object?: string;
  argIndex?: number;
  /** Index of the selector that allowed the command (0 = root), or that produced the reported denial. */
  selector?: number;
  /** As ACL DRYRUN words it: 'OK' or the denial text. */
  message: string;
  /** Allowed by ACL (and by DRYRUN) but refused when run: SORT BY/GET without unrestricted read. */
  restriction?: string;
  /**
   * Which question `allowed` answers. 'acl': the ACL check decided, and ACL DRYRUN, MULTI's queueing
   * and running the command all give this answer. 'run': the server answers differently when the
   * command runs (SORT GET/BY patterns, commands handled outside the command table); `dryrun` then
   * holds ACL DRYRUN's answer. `evaluateDryrun` always answers as ACL DRYRUN, with basis 'acl'.
   */
  basis: 'acl' | 'run';
  /** With basis 'run': what ACL DRYRUN answers instead (absent where the version has no DRYRUN, 6.2). */
  dryrun?: { allowed: boolean; message: string };
}

export type CategoryAccess = 'allowed' | 'denied' | 'partial';

export interface AclExplanation {
  user: string;
  enabled: boolean;
  passwordless: boolean;
  /** Per category: whether every, no, or some member command can run (in any selector). */
  categories: Record<string, CategoryAccess>;
  /** Risky grants, each with the reason. */
  risks: { grant: string; detail: string }[];
  allKeys: boolean;
  allChannels: boolean;
  keyPatterns: string[];
  channelPatterns: string[];
  selectors: number;
  /** Commands allowed (full names), sorted. */
  allowedCommands: string[];
  /** Allowed by ACL (and by ACL DRYRUN) but refused when run, each with the server's reason. */
  refusedWhenRun: { command: string; detail: string }[];
}

export interface AclDiff {
  user: string;
  commandsGained: string[];
  commandsLost: string[];
  keyPatternsAdded: string[];
  keyPatternsRemoved: string[];
  channelPatternsAdded: string[];
  channelPatternsRemoved: string[];
  flagsChanged: { flag: string; before: boolean; after: boolean }[];
  passwordsChanged: boolean;
  unchanged: boolean;
}
