/**
 * A hardened baseline of ServerFacts (live, Redis 7.4.9, TLS only, named users, everything known),
 * for tests and examples: each test changes the one fact under test. Facts are redsec's own model,
 * so building them by hand is not a mock of Redis.
 */
import type { ConfigValue, ServerFacts, UserFacts } from '../facts/types.js';
import { DRYRUN_PROBES, probeKey } from '../facts/probes.js';

const HASH_ADMIN = 'a'.repeat(64);
const HASH_APP = 'b'.repeat(64);

export const BASELINE_CONFIG: Record<string, string> = {
  bind: '127.0.0.1 -::1 10.0.0.5',
  port: '0',
  'tls-port': '6380',
  'protected-mode': 'yes',
  'enable-protected-configs': 'no',
  'enable-module-command': 'no',
  'enable-debug-command': 'no',
  timeout: '900',
  maxclients: '1000',
  'acl-pubsub-default': 'resetchannels',
  'acllog-max-len': '256',
  'sanitize-dump-payload': 'yes',
  'tls-protocols': 'TLSv1.2 TLSv1.3',
  'tls-ciphers': 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384',
  'tls-ciphersuites': 'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256',
  'tls-prefer-server-ciphers': 'no',
  'tls-auth-clients': 'yes',
  'tls-replication': 'yes',
  'tls-cluster': 'yes',
  'cluster-enabled': 'no',
  'tls-ca-cert-file': '/etc/redis/tls/ca.crt',
  'tls-ca-cert-dir': '',
  unixsocket: '',
  unixsocketperm: '0',
  requirepass: '',
  masterauth: '',
  masteruser: '',
  aclfile: '/etc/redis/users.acl',
  dir: '/var/lib/redis',
  dbfilename: 'dump.rdb',
  save: '3600 1 300 100 60 10000',
  appendonly: 'yes',
  maxmemory: '2147483648',
  'client-output-buffer-limit': 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60',
  logfile: '/var/log/redis/redis-server.log',
  daemonize: 'no',
  'syslog-enabled': 'no',
  loglevel: 'notice',
  'hide-user-data-from-log': 'yes',
  'busy-reply-threshold': '5000',
  'proto-max-bulk-len': '536870912',
  'client-query-buffer-limit': '1073741824',
  'set-max-intset-entries': '512',
  'hash-max-listpack-entries': '128',
  'hash-max-listpack-value': '64',
  'zset-max-listpack-entries': '128',
  'zset-max-listpack-value': '64',
  replicaof: '',
};

export const BASELINE_USERS: UserFacts[] = [
  { name: 'default', rules: 'off resetchannels -@all' },
  { name: 'admin', rules: `on #${HASH_ADMIN} ~* &* +@all` },
  { name: 'app', rules: `on #${HASH_APP} ~app:* resetchannels -@all +@read +@write -@dangerous` },
];

/** DRYRUN answers: administrators may run everything, others nothing on the probe list. */
export function dryrunFor(users: UserFacts[], allowed: (user: string, probe: string) => boolean = (u) => u === 'admin'): Record<string, Record<string, boolean>> {
  const out: Record<string, Record<string, boolean>> = {};
  for (const u of users) out[u.name] = Object.fromEntries(DRYRUN_PROBES.map((p) => [probeKey(p), allowed(u.name, probeKey(p))]));
  return out;
}

export function configOf(values: Record<string, string>): Record<string, ConfigValue> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v }]));
}

export function baselineFacts(): ServerFacts {
  return {
    source: 'live',
    target: 'rediss://10.0.0.5:6380',
    flavor: 'redis',
    version: '7.4.9',
    versionId: '7.4',
    mode: { known: true, value: 'standalone' },
    config: { known: true, value: configOf(BASELINE_CONFIG) },
    unknownDirectives: [],
    duplicateDirectives: [],
    renamedCommands: { known: true, value: [] },
    aclSourceConflict: false,
    users: { known: true, value: BASELINE_USERS.map((u) => ({ ...u })) },
    auditUser: 'admin',
    unauthenticated: { known: true, value: { reply: 'NOAUTH Authentication required.', reachable: true } },
    info: {
      known: true,
      value: {
        server: { redis_version: '7.4.9', tcp_port: '0' },
        replication: { role: 'master', connected_slaves: '0' },
        stats: { acl_access_denied_auth: '0' },
        errorstats: {},
        commandstats: {},
        clients: { connected_clients: '3' },
        persistence: { rdb_last_bgsave_status: 'ok' },
      },
    },
    modules: { known: true, value: [] },
    clients: { known: true, value: [{ addr: '10.0.0.7:50000', user: 'app', name: '' }] },
    aclLog: { known: true, value: [] },
    dryrun: { known: true, value: dryrunFor(BASELINE_USERS) },
    tls: {
      known: true,
      value: {
        protocols: ['TLSv1.2', 'TLSv1.3'],
        ciphers: { 'TLSv1.2': ['ECDHE-ECDSA-AES128-GCM-SHA256'], 'TLSv1.3': ['TLS_AES_128_GCM_SHA256'] },
        clientAuth: 'required',
      },
    },
    certificates: [
      {
        subject: 'CN=redis',
        issuer: 'CN=redsec CA',
        selfSigned: false,
        dnsNames: ['redis.internal'],
        ipAddresses: ['10.0.0.5'],
        keyType: 'ec',
        keyBits: 256,
        curve: 'prime256v1',
        signatureAlgorithm: 'ecdsa-with-SHA256',
        notBefore: '2026-01-01T00:00:00Z',
        notAfter: '2027-06-01T00:00:00Z',
        trusted: true,
      },
    ],
    files: { known: true, value: [{ path: '/etc/redis/redis.conf', kind: 'config', mode: 0o600 }] },
    process: { known: true, value: { user: 'redis', uid: 999 } },
  };
}

/** Sets (or, with undefined, removes) directives in a facts object's effective configuration. */
export function setConfig(facts: ServerFacts, values: Record<string, string | undefined>): ServerFacts {
  const current = facts.config.known ? { ...facts.config.value } : {};
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined) delete current[k];
    else current[k] = { value: v };
  }
  facts.config = { known: true, value: current };
  return facts;
}

/**
 * Facts as lint builds them from a redis.conf: only the written directives, each at its line of
 * "redis.conf" in the order given, users from `user` lines, nothing live.
 */
export function lintFacts(lines: Record<string, string>, users: UserFacts[] = [], versionId: ServerFacts['versionId'] = '7.0'): ServerFacts {
  const config: Record<string, ConfigValue> = {};
  let line = 1;
  for (const [k, v] of Object.entries(lines)) config[k] = { value: v, location: { file: 'redis.conf', line: line++ } };
  const notLive = { known: false as const, why: 'lint reads files only' };
  return {
    source: 'files',
    target: 'redis.conf',
    flavor: versionId?.startsWith('valkey') ? 'valkey' : 'redis',
    version: null,
    versionId,
    mode: notLive,
    config: { known: true, value: config },
    unknownDirectives: [],
    duplicateDirectives: [],
    renamedCommands: { known: true, value: [] },
    aclSourceConflict: false,
    users: { known: true, value: users.map((u, i) => ({ location: { file: 'redis.conf', line: 100 + i }, ...u })) },
    auditUser: null,
    unauthenticated: notLive,
    info: notLive,
    modules: { known: true, value: [] },
    clients: notLive,
    aclLog: notLive,
    dryrun: notLive,
    tls: notLive,
    certificates: [],
    files: { known: false, why: 'file modes were not read' },
    process: notLive,
  };
}
