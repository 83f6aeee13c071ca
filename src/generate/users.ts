import type { Application, Profile } from '../profile/index.js';
import { secretEnvName } from '../profile/names.js';
import { hasCommand, hasSubcommandAcls, subcommandRules } from './version-support.js';
import type { PlannedUser } from './types.js';
import type { VersionId } from '../versions/index.js';

/**
 * Least-privilege users (seed roles, checks.md ACL-ROLE-TEMPLATES). Every user starts from
 * `-@all` and `resetchannels` and is granted only what its job needs; the password is added
 * later as `#<sha256>`, so the rules here never hold a secret.
 */

function user(name: string, role: PlannedUser['role'], purpose: string, rules: string[], enabled = true): PlannedUser {
  return { name, role, purpose, enabled, password: true, secretEnv: secretEnvName(name), rules };
}

/** CLIENT subcommands a well-behaved client library calls on connect. */
const CLIENT_HANDSHAKE = ['setname', 'getname', 'id', 'setinfo'] as const;

/**
 * Commands every client user needs besides its data commands. On 7.0+ `+@connection` grants
 * PING, SELECT, CLIENT SETNAME ...; on 6.2 the whole CLIENT command is @dangerous, so its
 * harmless subcommands come back as first-arg rules after `-@dangerous`.
 */
function connectionRules(version: VersionId, cluster: boolean): string[] {
  const rules: string[] = [];
  if (!hasSubcommandAcls(version)) rules.push(...subcommandRules(version, 'client', CLIENT_HANDSHAKE.filter((s) => s !== 'setinfo')));
  // Cluster-aware clients read the slot map; every other CLUSTER subcommand stays denied.
  if (cluster) rules.push(...subcommandRules(version, 'cluster', ['slots', 'shards', 'nodes', 'info', 'myid']));
  return rules;
}

function keyPatterns(version: VersionId, prefixes: readonly string[], readOnly: boolean): string[] {
  // %R~ makes a read-only grant hold even if a write command slips into the command set (7.0+).
  const mark = readOnly && hasSubcommandAcls(version) ? '%R~' : '~';
  return prefixes.map((p) => `${mark}${p}*`);
}

function appUser(app: Application, version: VersionId, cluster: boolean): PlannedUser {
  const readOnly = app.access === 'read-only';
  const rules = [...keyPatterns(version, app.key_prefixes, readOnly), 'resetchannels', ...app.channel_prefixes.map((p) => `&${p}*`), '-@all'];
  rules.push('+@read');
  if (!readOnly) rules.push('+@write', '+@transaction');
  rules.push('+@connection');
  if (app.channel_prefixes.length > 0) {
    if (readOnly) {
      for (const cmd of ['subscribe', 'psubscribe', 'ssubscribe', 'unsubscribe', 'punsubscribe', 'sunsubscribe']) {
        if (hasCommand(version, cmd)) rules.push(`+${cmd}`);
      }
    } else rules.push('+@pubsub');
  }
  if (app.scripting) rules.push('+@scripting');
  // Last, so nothing granted above survives: no KEYS, FLUSHALL, CONFIG, DEBUG, MODULE, REPLICAOF ...
  rules.push('-@admin', '-@dangerous');
  if (!app.scripting) rules.push('-@scripting');
  rules.push(...connectionRules(version, cluster));
  const purpose = `${readOnly ? 'read-only' : 'read-write'} application on ${app.key_prefixes.map((p) => `${p}*`).join(', ')}${app.scripting ? ', with scripting' : ''}`;
  return user(app.name, 'app', purpose, rules);
}

/**
 * Support and analytics read the applications' data, not every key: read access only to the
 * applications' key prefixes (ACL-ALLKEYS). With no applications it reaches no key at all until
 * the operator adds a pattern, which is safer than a silent `~*`.
 */
function readonlyUser(profile: Profile): PlannedUser {
  const v = profile.redis_version;
  const prefixes = [...new Set(profile.applications.flatMap((a) => a.key_prefixes))];
  const keys = prefixes.length > 0 ? keyPatterns(v, prefixes, true) : ['resetkeys'];
  const purpose =
    prefixes.length > 0
      ? `read-only access to the applications' keys (${prefixes.map((p) => `${p}*`).join(', ')}) for support and analytics`
      : 'read-only (support, analytics); no key patterns yet because the profile has no applications';
  return user('readonly', 'readonly', purpose, [...keys, 'resetchannels', '-@all', '+@read', '+@connection', '-@dangerous', ...connectionRules(v, profile.cluster)]);
}

export function planUsers(profile: Profile): PlannedUser[] {
  const v = profile.redis_version;
  const users: PlannedUser[] = [];

  if (profile.security_level === 'basic') {
    // Basic keeps the default user (AUTH <password> keeps working) but behind a secret and without @dangerous.
    users.push(user('default', 'default', 'legacy single-password access (AUTH <password>), no dangerous commands', ['~*', '&*', '+@all', '-@dangerous']));
  } else {
    users.push({
      name: 'default',
      role: 'default',
      purpose: 'disabled: unauthenticated connections get NOAUTH (PCI DSS 2.2.2)',
      enabled: false,
      password: false,
      rules: ['resetpass', 'resetkeys', 'resetchannels', '-@all'],
    });
  }

  users.push(user('admin', 'admin', 'administration (CONFIG, ACL, ...); keep its secret in a vault', ['~*', '&*', '+@all']));
  users.push(readonlyUser(profile));
  users.push(
    user('monitor', 'monitor', 'monitoring: INFO, PING, CLIENT ID, SLOWLOG GET, LATENCY reads; no keys, no scripts', [
      'resetkeys',
      'resetchannels',
      '-@all',
      '+ping',
      '+info',
      ...subcommandRules(v, 'client', ['id']),
      ...subcommandRules(v, 'slowlog', ['get']),
      ...subcommandRules(v, 'latency', hasSubcommandAcls(v) ? ['latest', 'history', 'doctor', 'histogram'] : ['latest', 'history', 'doctor']),
    ]),
  );
  for (const app of profile.applications) users.push(appUser(app, v, profile.cluster));
  if (profile.replication) {
    users.push(user('replication', 'replication', 'replicas authenticate as this user (masteruser): PSYNC, REPLCONF, PING only', ['resetkeys', 'resetchannels', '-@all', '+psync', '+replconf', '+ping']));
  }
  if (profile.sentinel) {
    users.push(
      user('sentinel', 'sentinel', 'Sentinel monitors and fails over through this user (sentinel auth-user)', [
        'resetkeys',
        'resetchannels',
        '&__sentinel__:*',
        '-@all',
        '+multi',
        '+exec',
        '+ping',
        '+info',
        '+role',
        '+publish',
        '+subscribe',
        '+slaveof',
        '+replicaof',
        ...subcommandRules(v, 'client', ['setname', 'kill']),
        ...subcommandRules(v, 'config', ['rewrite']),
        ...subcommandRules(v, 'script', ['kill']),
      ]),
    );
  }
  return users;
}
