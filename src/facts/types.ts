/**
 * Facts: one normalised model of a server, built either from a live probe (resp/) or from config
 * files (config/). This is the seam between collection and rules: a rule reads facts only, never
 * a socket or a file. Anything a collector could not see is `Unknown` with the reason, so rules
 * report `unknown` instead of guessing.
 */
import type { VersionId, Flavor, TablesUsed } from '../versions/index.js';
import type { Location } from '../report/types.js';

export type Known<T> = { known: true; value: T } | { known: false; why: string };

export const known = <T>(value: T): Known<T> => ({ known: true, value });
export const unknown = <T = never>(why: string): Known<T> => ({ known: false, why });

import type { ContainerFacts } from './compose.js';

export interface ConfigValue {
  /** As CONFIG GET prints it (live), or as the effective value after parsing files (lint). */
  value: string;
  /** Where the directive was set, for lint; absent for live facts or compiled-in defaults. */
  location?: Location;
  /** True when nothing set it and this is the version's default. */
  isDefault?: boolean;
}

export interface UserFacts {
  name: string;
  /** The user's rules as one line without the leading "user <name>" (ACL LIST form live, as written in files). */
  rules: string;
  location?: Location;
}

export interface TlsSessionFacts {
  /** Protocols the server accepted when probed, e.g. ["TLSv1.2","TLSv1.3"]. */
  protocols: string[];
  /** Ciphers accepted (OpenSSL names), per protocol. */
  ciphers: Record<string, string[]>;
  clientAuth: 'required' | 'optional' | 'none' | 'unknown';
  /** Leaf certificate as the client saw it. */
  certificate?: CertificateFacts;
}

export interface CertificateFacts {
  subject: string;
  issuer: string;
  selfSigned: boolean;
  dnsNames: string[];
  ipAddresses: string[];
  keyType: 'ec' | 'rsa' | 'ed25519' | 'other';
  keyBits: number;
  curve?: string;
  signatureAlgorithm: string;
  notBefore: string;
  notAfter: string;
  /** Whether the chain verified against the CA the caller gave (or the system store). */
  trusted?: boolean;
  /** File path when read from disk. */
  file?: string;
  /** Lowercase hex serial number. */
  serialHex?: string;
  /** SHA-256 fingerprint, colon-separated uppercase hex as openssl prints it. */
  fingerprintSha256?: string;
  /** basicConstraints CA:TRUE. */
  isCa?: boolean;
  /** extendedKeyUsage purposes ("serverAuth", "clientAuth", or the OID); absent when the extension is. */
  extendedKeyUsage?: string[];
  /** Why the chain did not verify, when `trusted` is false. */
  trustError?: string;
  /** The name a client dials checked against the SANs (CN is not consulted), when one was given. */
  hostCheck?: { name: string; matches: boolean };
}

export interface FileFacts {
  path: string;
  kind: 'config' | 'acl' | 'tls-key' | 'tls-cert' | 'tls-ca' | 'dir' | 'log' | 'data';
  /** POSIX mode bits, e.g. 0o600. */
  mode: number;
  owner?: string;
}

/** One command rename-command changed. */
export interface RenamedCommand {
  /** The original name, lowercase. */
  command: string;
  /**
   * The new name; '' = disabled (`rename-command X ""`); null = renamed or disabled, the new name not
   * visible live (7.x: renamed, still reachable under another name; 6.2: cannot tell which).
   */
  to: string | null;
  /** Live: what proves it (COMMAND LIST / COMMAND INFO / CONFIG GET replies). */
  evidence?: string;
  /** Live on 6.2 (no COMMAND LIST): renamed or disabled, the server does not show which. */
  ambiguous?: boolean;
  location?: Location;
}

export interface ServerFacts {
  source: 'live' | 'files';
  /** Masked URL or the main config file path. */
  target: string;
  flavor: Flavor | 'unknown';
  /** Exact version, e.g. "7.0.15" or valkey "8.0.1"; null when unknown. */
  version: string | null;
  /** The nearest per-version table, used for defaults and command metadata. */
  versionId: VersionId | null;
  /** Which tables judged the server, with a note when the server is newer than them. */
  tables?: TablesUsed | undefined;
  /** INFO server redis_mode/server_mode: standalone, cluster, sentinel. */
  mode: Known<'standalone' | 'cluster' | 'sentinel'>;

  /** Effective configuration by canonical lowercase name (Valkey's primaryauth is also under masterauth). */
  config: Known<Record<string, ConfigValue>>;
  /** Directives in files that the target version rejects or does not know (lint only). */
  unknownDirectives: { name: string; location: Location; reason: string; uncertain?: boolean }[];
  /** Directives set more than once where only the last counts (lint only). */
  duplicateDirectives: { name: string; locations: Location[] }[];
  /** rename-command pairs (lint: the lines; live: what COMMAND LIST/INFO prove, see RenamedCommand). */
  renamedCommands: Known<RenamedCommand[]>;
  /** Live with --config-command: the name CONFIG was read under, or why it was not used. */
  configCommand?: { name: string; verified: boolean; detail: string };
  /** Whether `user` lines and `aclfile` are mixed in the config (the server refuses to start). */
  aclSourceConflict: boolean;

  users: Known<UserFacts[]>;
  /** Who the audit itself is authenticated as (ACL WHOAMI), for context. */
  auditUser: string | null;

  /** Unauthenticated probe from the audit's vantage point: the first reply to PING without AUTH. */
  unauthenticated: Known<{ reply: string; reachable: boolean }>;

  /** Parsed INFO sections (server, replication, stats, errorstats, commandstats, clients, persistence). */
  info: Known<Record<string, Record<string, string>>>;
  modules: Known<{ name: string; version: string; path?: string }[]>;
  /**
   * ACL categories the server reports (ACL CAT) that its version's table lacks, with their members
   * (ACL CAT <category>): Redis 8's module categories (@search, @json ...). Live only; absent offline.
   */
  extraAclCategories?: Known<Record<string, string[]>>;
  clients: Known<{ addr: string; user: string; name: string }[]>;
  aclLog: Known<{ reason: string; context: string; object: string; username: string; count: number }[]>;
  /** ACL DRYRUN results gathered live: user -> "CMD arg..." -> allowed. */
  dryrun: Known<Record<string, Record<string, boolean>>>;

  tls: Known<TlsSessionFacts>;
  certificates: CertificateFacts[];
  /** Local files (config, ACL, keys, dir) with modes, when the host or files are at hand. */
  files: Known<FileFacts[]>;
  /**
   * Files the config names that redsec was not allowed to look at (the MCP read fence): their
   * modes are unknown, so rules on file modes cannot pass while any of them matters.
   */
  filesWithheld?: { path: string; kind: FileFacts['kind'] }[];
  /** Process facts when audited on the server's own host (OS-ROOT). */
  process: Known<{ user: string; uid: number }>;

  // Optional facts read by single rules (added by the rules; absent means "not collected", and the
  // rule reports not_applicable or unknown accordingly).
  /** The distribution package the server came from (dpkg/rpm on the host): decides backported CVE fixes. */
  distro?: Known<{
    name: string;
    packageVersion: string;
    /** The package that owns the running binary, e.g. redis-tools (Debian's redis-server links to it). */
    package?: string;
    /** CVE ids the package's changelog.Debian names: the distribution's own record of what it fixed. */
    changelogCves?: string[];
    /** /etc/os-release ID and VERSION_ID ("debian", "12"): which support window applies. */
    osId?: string | undefined;
    osVersion?: string | undefined;
  }>;
  /** Opt-in capped key probe for IOC-CRON-KEYS: suspicious key names found (backup1..4, crackit...). */
  suspiciousKeys?: Known<string[]>;
  /** Logfile scan for IOC-LOG-XPROTO: where "Possible SECURITY ATTACK detected" lines were found. */
  logScan?: Known<{ file: string; crossProtocolLines: number[] }>;
  /** systemd unit hardening for OS-SYSTEMD / OS-ROOT (lint of a unit file, or the host). */
  systemd?: Known<{ file: string; user?: string; noNewPrivileges: boolean; protectSystem?: string; readWritePaths: string[] }>;
  /** Opt-in read-only Lua probe for VER-DEBIAN-LUA: EVAL "return type(package)" 0 → "nil" or "table". */
  luaPackageProbe?: Known<string>;
  /** Opt-in active try of at most 5 default passwords (AUTH-WEAK-PASSWORD live): users that accepted one. */
  weakPasswordProbe?: Known<{ tried: number; acceptedBy: string[] }>;
  /** The Compose service that runs the server (lint --compose), for OS-CONTAINER. */
  container?: Known<ContainerFacts>;
}
