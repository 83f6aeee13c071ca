/**
 * What redis.conf knows beyond CONFIG GET *: aliases, value types and file-only directives,
 * read from each version's src/config.c (configs[] table and the legacy directive chain).
 * Directive names themselves come from the per-version CONFIG GET * tables.
 */
import type { VersionId } from '../versions/index.js';

/** alias -> canonical name, in every version from 6.2 on. */
const REPLICA_ALIASES: Readonly<Record<string, string>> = {
  'cluster-slave-no-failover': 'cluster-replica-no-failover',
  'slave-lazy-flush': 'replica-lazy-flush',
  'slave-serve-stale-data': 'replica-serve-stale-data',
  'slave-read-only': 'replica-read-only',
  'slave-ignore-maxmemory': 'replica-ignore-maxmemory',
  'slave-announce-ip': 'replica-announce-ip',
  'cluster-slave-validity-factor': 'cluster-replica-validity-factor',
  'slave-priority': 'replica-priority',
  'slave-announce-port': 'replica-announce-port',
  'repl-ping-slave-period': 'repl-ping-replica-period',
  'min-slaves-to-write': 'min-replicas-to-write',
  'min-slaves-max-lag': 'min-replicas-max-lag',
  slaveof: 'replicaof',
};

/** Added in 7.0 when ziplist became listpack and lua-time-limit became busy-reply-threshold. */
const SEVEN_ALIASES: Readonly<Record<string, string>> = {
  'list-max-ziplist-size': 'list-max-listpack-size',
  'lua-time-limit': 'busy-reply-threshold',
  'hash-max-ziplist-entries': 'hash-max-listpack-entries',
  'zset-max-ziplist-entries': 'zset-max-listpack-entries',
  'hash-max-ziplist-value': 'hash-max-listpack-value',
  'zset-max-ziplist-value': 'zset-max-listpack-value',
};

/** Valkey 8 renamed master* to primary*, keeping the old names as aliases. */
const VALKEY8_ALIASES: Readonly<Record<string, string>> = { masterauth: 'primaryauth', masteruser: 'primaryuser' };

/** Valkey 8.1 folded SLOWLOG into COMMANDLOG; the slowlog-* directives became aliases. */
const VALKEY81_ALIASES: Readonly<Record<string, string>> = {
  'slowlog-log-slower-than': 'commandlog-execution-slower-than',
  'slowlog-max-len': 'commandlog-slow-execution-max-len',
};

const SEVEN_PLUS: Readonly<Record<string, string>> = { ...REPLICA_ALIASES, ...SEVEN_ALIASES };
const VALKEY8_PLUS: Readonly<Record<string, string>> = { ...SEVEN_PLUS, ...VALKEY8_ALIASES };
const VALKEY81_PLUS: Readonly<Record<string, string>> = { ...VALKEY8_PLUS, ...VALKEY81_ALIASES };

/** Built once: this runs for every directive of a config file. */
export function aliasesFor(version: VersionId): Readonly<Record<string, string>> {
  if (version === '6.2') return REPLICA_ALIASES;
  if (version === 'valkey-8.0') return VALKEY8_PLUS;
  if (version === 'valkey-8.1') return VALKEY81_PLUS;
  return SEVEN_PLUS;
}

/** Enum configs and their accepted values (case-insensitive; CONFIG GET prints them lowercase). */
const PROTECTED_ACTION = ['no', 'yes', 'local'];
export const ENUM_VALUES: Readonly<Record<string, readonly string[]>> = {
  supervised: ['upstart', 'systemd', 'auto', 'no'],
  'syslog-facility': ['user', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'],
  'repl-diskless-load': ['disabled', 'on-empty-db', 'swapdb'],
  loglevel: ['debug', 'verbose', 'notice', 'warning'],
  'maxmemory-policy': ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'],
  appendfsync: ['everysec', 'always', 'no'],
  'oom-score-adj': ['no', 'yes', 'relative', 'absolute'],
  'acl-pubsub-default': ['allchannels', 'resetchannels'],
  'sanitize-dump-payload': ['no', 'yes', 'clients'],
  'enable-protected-configs': PROTECTED_ACTION,
  'enable-debug-command': PROTECTED_ACTION,
  'enable-module-command': PROTECTED_ACTION,
  'cluster-preferred-endpoint-type': ['ip', 'hostname', 'unknown-endpoint'],
  'propagation-error-behavior': ['ignore', 'panic', 'panic-on-replicas'],
  'shutdown-on-sigint': ['default', 'save', 'nosave', 'now', 'force'],
  'shutdown-on-sigterm': ['default', 'save', 'nosave', 'now', 'force'],
  'tls-auth-clients': ['no', 'yes', 'optional'],
};

/** Accepted values of an enum config in a version, or undefined when it is not an enum. */
export function enumValues(name: string, version: VersionId): readonly string[] | undefined {
  const values = ENUM_VALUES[name];
  // `loglevel nothing` arrived in 7.2.
  if (name === 'loglevel' && values !== undefined && version !== '6.2' && version !== '7.0') return [...values, 'nothing'];
  return values;
}

/** Numeric configs that take memory units (1gb, 512mb, 100k ...); CONFIG GET prints bytes. */
export const MEMORY_CONFIGS: ReadonlySet<string> = new Set([
  'proto-max-bulk-len',
  'repl-backlog-size',
  'maxmemory',
  'cluster-link-sendbuf-limit',
  'active-defrag-ignore-bytes',
  'hash-max-listpack-value',
  'hash-max-ziplist-value',
  'stream-node-max-bytes',
  'zset-max-listpack-value',
  'zset-max-ziplist-value',
  'hll-sparse-max-bytes',
  'client-query-buffer-limit',
  'maxmemory-clients',
  'auto-aof-rewrite-min-size',
]);

/** Configs that take several arguments (one quoted argument is split again, as Redis does). */
export const MULTI_ARG_CONFIGS: ReadonlySet<string> = new Set([
  'save',
  'bind',
  'client-output-buffer-limit',
  'oom-score-adj-values',
  'replicaof',
  'latency-tracking-info-percentiles',
  'shutdown-on-sigint',
  'shutdown-on-sigterm',
]);

/** Directives that only exist in files (CONFIG GET does not list them), with their argument counts. */
export const FILE_ONLY_DIRECTIVES: Readonly<Record<string, { min: number; max: number }>> = {
  include: { min: 1, max: 1 },
  'rename-command': { min: 2, max: 2 },
  user: { min: 1, max: Infinity },
  loadmodule: { min: 1, max: Infinity },
  sentinel: { min: 0, max: Infinity },
};

/**
 * Directives accepted and ignored, with their exact argument count (deprecated_configs[] in 7.0+).
 * Redis 8.0 (async I/O threads, redis#13695) and Valkey 8.1 (valkey#1138) moved io-threads-do-reads
 * there: I/O threads always read now, so a 7.x file that sets it still starts.
 */
export function ignoredDirectives(version: VersionId): Readonly<Record<string, number>> {
  if (version === '6.2') return { 'list-max-ziplist-entries': 1, 'list-max-ziplist-value': 1 };
  const seven = { 'list-max-ziplist-entries': 1, 'list-max-ziplist-value': 1, 'lua-replicate-commands': 1 };
  if (version === '8.0' || version === 'valkey-8.1') return { ...seven, 'io-threads-do-reads': 1 };
  return seven;
}

/**
 * Configs a version accepts that CONFIG GET * does not list (HIDDEN_CONFIG), where an earlier
 * table listed them: without this they would look removed. Valkey 8.1 hid events-per-io-thread
 * (valkey#1408), a testing knob.
 */
export function hiddenDirectives(version: VersionId): readonly string[] {
  return version === 'valkey-8.1' ? ['events-per-io-thread'] : [];
}

/** 6.2 parses these outside the configs[] table, with a fixed argument count ("Bad directive" otherwise). */
export const LEGACY_62_ARITY: Readonly<Record<string, { min: number; max: number }>> = {
  bind: { min: 1, max: Infinity },
  unixsocketperm: { min: 1, max: 1 },
  save: { min: 0, max: Infinity },
  dir: { min: 1, max: 1 },
  logfile: { min: 1, max: 1 },
  replicaof: { min: 2, max: 2 },
  'cluster-config-file': { min: 1, max: 1 },
  'client-output-buffer-limit': { min: 4, max: 4 },
  'oom-score-adj-values': { min: 3, max: 3 },
  'notify-keyspace-events': { min: 1, max: 1 },
};

/** Compiled-in defaults where the facts tables hold a value the fact-gathering run overrode. */
export function compiledDefaults(version: VersionId): Readonly<Record<string, string>> {
  return {
    port: '6379',
    bind: version === '6.2' ? '' : '* -::*',
    save: '3600 1 300 100 60 10000',
    appendonly: 'no',
    logfile: '',
  };
}

/** Values that depend on the host (the server's cwd, paths); the facts tables hold a placeholder. */
export const HOST_DEPENDENT: ReadonlySet<string> = new Set(['dir']);

/**
 * Bounds of the numeric configs, read from redis 7.0.15 src/config.c (lower, upper, unsigned type).
 * Other versions are checked with the same bounds where they have the config; they rarely differ.
 */
export const NUMERIC_BOUNDS: Readonly<Record<string, readonly [string, string, true?]>> = {
  'databases': ['1', '2147483647'],
  'port': ['0', '65535'],
  'io-threads': ['1', '128'],
  'auto-aof-rewrite-percentage': ['0', '2147483647'],
  'cluster-replica-validity-factor': ['0', '2147483647'],
  'list-max-listpack-size': ['-2147483648', '2147483647'],
  'tcp-keepalive': ['0', '2147483647'],
  'cluster-migration-barrier': ['0', '2147483647'],
  'active-defrag-cycle-min': ['1', '99'],
  'active-defrag-cycle-max': ['1', '99'],
  'active-defrag-threshold-lower': ['0', '1000'],
  'active-defrag-threshold-upper': ['0', '1000'],
  'lfu-log-factor': ['0', '2147483647'],
  'lfu-decay-time': ['0', '2147483647'],
  'replica-priority': ['0', '2147483647'],
  'repl-diskless-sync-delay': ['0', '2147483647'],
  'maxmemory-samples': ['1', '2147483647'],
  'maxmemory-eviction-tenacity': ['0', '100'],
  'timeout': ['0', '2147483647'],
  'replica-announce-port': ['0', '65535'],
  'tcp-backlog': ['0', '2147483647'],
  'cluster-port': ['0', '65535'],
  'cluster-announce-bus-port': ['0', '65535'],
  'cluster-announce-port': ['0', '65535'],
  'cluster-announce-tls-port': ['0', '65535'],
  'repl-timeout': ['1', '2147483647'],
  'repl-ping-replica-period': ['1', '2147483647'],
  'list-compress-depth': ['0', '2147483647'],
  'rdb-key-save-delay': ['-2147483648', '2147483647'],
  'key-load-delay': ['-2147483648', '2147483647'],
  'active-expire-effort': ['1', '10'],
  'hz': ['0', '2147483647'],
  'min-replicas-to-write': ['0', '2147483647'],
  'min-replicas-max-lag': ['0', '2147483647'],
  'watchdog-period': ['0', '2147483647'],
  'shutdown-timeout': ['0', '2147483647'],
  'repl-diskless-sync-max-replicas': ['0', '2147483647'],
  'maxclients': ['1', '4294967295', true],
  'unixsocketperm': ['0', '511', true],
  'socket-mark-id': ['0', '4294967295', true],
  'active-defrag-max-scan-fields': ['1', '9223372036854775807', true],
  'slowlog-max-len': ['0', '9223372036854775807', true],
  'acllog-max-len': ['0', '9223372036854775807', true],
  'busy-reply-threshold': ['0', '9223372036854775807'],
  'cluster-node-timeout': ['0', '9223372036854775807'],
  'slowlog-log-slower-than': ['-1', '9223372036854775807'],
  'latency-monitor-threshold': ['0', '9223372036854775807'],
  'proto-max-bulk-len': ['1048576', '9223372036854775807'],
  'stream-node-max-entries': ['0', '9223372036854775807'],
  'repl-backlog-size': ['1', '9223372036854775807'],
  'maxmemory': ['0', '18446744073709551615', true],
  'cluster-link-sendbuf-limit': ['0', '18446744073709551615', true],
  'hash-max-listpack-entries': ['0', '9223372036854775807', true],
  'set-max-intset-entries': ['0', '9223372036854775807', true],
  'zset-max-listpack-entries': ['0', '9223372036854775807', true],
  'active-defrag-ignore-bytes': ['1', '9223372036854775807', true],
  'hash-max-listpack-value': ['0', '9223372036854775807', true],
  'stream-node-max-bytes': ['0', '9223372036854775807', true],
  'zset-max-listpack-value': ['0', '9223372036854775807', true],
  'hll-sparse-max-bytes': ['0', '9223372036854775807', true],
  'tracking-table-max-keys': ['0', '9223372036854775807', true],
  'client-query-buffer-limit': ['1048576', '9223372036854775807', true],
  'maxmemory-clients': ['-100', '9223372036854775807'],
  'repl-backlog-ttl': ['0', '9223372036854775807'],
  'auto-aof-rewrite-min-size': ['0', '9223372036854775807'],
  'loading-process-events-interval-bytes': ['1024', '2147483647'],
  'tls-port': ['0', '65535'],
  'tls-session-cache-size': ['0', '2147483647'],
  'tls-session-cache-timeout': ['0', '2147483647'],
};
