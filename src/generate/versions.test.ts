/**
 * Every target version gets only what it accepts: directives from its own CONFIG GET * table
 * (the facts of the real servers), ACL rules its parser takes, and users that do their job
 * under its command table (the ACL engine, checked against live ACL DRYRUN in test/e2e).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { evaluate, parseAclUser } from '../acl/index.js';
import { parseProfile, SECURITY_LEVELS, NETWORK_EXPOSURES } from '../profile/index.js';
import { VERSION_IDS, versionTable, type VersionId } from '../versions/index.js';
import { buildPlan } from './plan.js';
import { aclUserTokens } from './render/users-acl.js';
import { validatePlan } from './validate.js';
import { renderRedisConf } from './render/redis-conf.js';
import { effectiveConfig, parseConfig } from '../config/index.js';
import type { Plan } from './types.js';

function planFor(version: VersionId, level: string, exposure: string): Plan {
  return buildPlan(
    parseProfile({
      security_level: level,
      network_exposure: exposure,
      redis_version: version,
      applications: [
        { name: 'app', key_prefixes: ['app:'], channel_prefixes: ['app:'] },
        { name: 'reports', key_prefixes: ['reports:'], channel_prefixes: ['news:'], access: 'read-only' },
        { name: 'jobs', key_prefixes: ['jobs:'], scripting: true },
      ],
      replication: true,
      sentinel: true,
      cluster: true,
    }),
  );
}

const FILE_ONLY = new Set(['rename-command']);

/** [user, argv, allowed] for every version; the subcommand forms differ (first-arg rules on 6.2) but the verdicts must not. */
const JOBS: [string, string[], boolean][] = [
  ['app', ['SET', 'app:1', 'x'], true],
  ['app', ['GET', 'app:1'], true],
  ['app', ['PUBLISH', 'app:news', 'x'], true],
  ['app', ['CLIENT', 'SETNAME', 'svc'], true],
  ['app', ['CLUSTER', 'SLOTS'], true],
  ['app', ['SET', 'other', 'x'], false],
  ['app', ['PUBLISH', 'other', 'x'], false],
  ['app', ['FLUSHALL'], false],
  ['app', ['KEYS', '*'], false],
  ['app', ['CONFIG', 'GET', '*'], false],
  ['app', ['EVAL', 'return 1', '0'], false],
  ['app', ['CLIENT', 'KILL', 'ID', '1'], false],
  ['app', ['CLUSTER', 'FORGET', 'x'], false],
  ['app', ['REPLICAOF', 'NO', 'ONE'], false],
  ['reports', ['GET', 'reports:1'], true],
  ['reports', ['SUBSCRIBE', 'news:x'], true],
  ['reports', ['SET', 'reports:1', 'x'], false],
  ['reports', ['PUBLISH', 'news:x', 'y'], false],
  ['jobs', ['EVAL', 'return 1', '1', 'jobs:1'], true],
  ['jobs', ['FLUSHALL'], false],
  ['readonly', ['GET', 'app:1'], true],
  ['readonly', ['GET', 'reports:1'], true],
  ['readonly', ['HGETALL', 'jobs:1'], true],
  ['readonly', ['GET', 'x'], false],
  ['readonly', ['SET', 'app:1', 'y'], false],
  ['readonly', ['KEYS', '*'], false],
  ['monitor', ['INFO'], true],
  ['monitor', ['PING'], true],
  ['monitor', ['CLIENT', 'ID'], true],
  ['monitor', ['SLOWLOG', 'GET'], true],
  ['monitor', ['LATENCY', 'LATEST'], true],
  ['monitor', ['GET', 'x'], false],
  ['monitor', ['SLOWLOG', 'RESET'], false],
  ['monitor', ['CLIENT', 'KILL', 'ID', '1'], false],
  ['monitor', ['EVAL', 'return 1', '0'], false],
  ['replication', ['PSYNC', '?', '-1'], true],
  ['replication', ['REPLCONF', 'listening-port', '1'], true],
  ['replication', ['GET', 'x'], false],
  ['sentinel', ['INFO'], true],
  ['sentinel', ['CONFIG', 'REWRITE'], true],
  ['sentinel', ['CLIENT', 'KILL', 'ID', '1'], true],
  ['sentinel', ['PUBLISH', '__sentinel__:hello', 'x'], true],
  ['sentinel', ['CONFIG', 'SET', 'dir', '/tmp'], false],
  ['sentinel', ['GET', 'x'], false],
  ['admin', ['CONFIG', 'GET', '*'], true],
  ['default', ['FLUSHALL'], false],
];

describe.each(VERSION_IDS)('target %s', (version) => {
  const table = versionTable(version);
  const known = new Set(Object.keys(table.config));
  const plans = SECURITY_LEVELS.flatMap((l) => NETWORK_EXPOSURES.map((e) => planFor(version, l, e)));

  it('emits only directives this version knows (its CONFIG GET * names; rename-command only on 6.2)', () => {
    for (const plan of plans) {
      const unknown = plan.directives.filter((d) => !known.has(d.name) && !FILE_ONLY.has(d.name)).map((d) => d.name);
      expect(unknown).toEqual([]);
      const names = new Set(plan.directives.map((d) => d.name));
      expect(names.has('enable-debug-command')).toBe(version !== '6.2');
      expect(names.has('enable-module-command')).toBe(version !== '6.2');
      expect(names.has('enable-protected-configs')).toBe(version !== '6.2');
      expect(names.has('rename-command')).toBe(version === '6.2');
      expect(names.has('hide-user-data-from-log')).toBe(['7.4', '8.0', 'valkey-8.0', 'valkey-8.1'].includes(version));
      expect(names.has('acl-pubsub-default')).toBe(true);
    }
  });

  it('renders a redis.conf that lint finds clean: nothing the version rejects, nothing set twice', () => {
    for (const plan of plans) {
      const eff = effectiveConfig(parseConfig(renderRedisConf(plan), { file: 'redis.conf', version }), version);
      expect([...eff.unknown, ...eff.invalid]).toEqual([]);
      expect(eff.duplicates).toEqual([]);
    }
  });

  it('emits ACL rules the version parses, with %R~ only where it exists', () => {
    for (const plan of plans) {
      expect(() => validatePlan(plan)).not.toThrow();
      const rules = plan.users.flatMap((u) => u.rules);
      expect(rules.some((r) => r.startsWith('%'))).toBe(version !== '6.2');
      // 6.2 puts new users on allchannels: every channel grant must follow resetchannels.
      for (const u of plan.users) {
        const firstChannel = u.rules.findIndex((r) => r.startsWith('&') && r !== '&*');
        if (firstChannel >= 0) expect(u.rules.indexOf('resetchannels')).toBeLessThan(firstChannel);
      }
    }
  });

  it('gives each user exactly its job under this version\'s command table', () => {
    const plan = planFor(version, 'hardened', 'private_network');
    const users = new Map(plan.users.map((u) => [u.name, parseAclUser(u.name, aclUserTokens(u, '0'.repeat(64)), { version })]));
    const wrong: string[] = [];
    for (const [name, argv, allowed] of JOBS) {
      const user = users.get(name);
      if (!user) throw new Error(`no user ${name}`);
      const verdict = evaluate(user, argv, { version });
      if (verdict.allowed !== allowed) wrong.push(`${name} ${argv.join(' ')}: expected ${allowed ? 'allowed' : 'denied'} (decided by ${verdict.decidedBy})`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('buildPlan', () => {
  it('is deterministic: the same profile gives the same plan', () => {
    expect(JSON.stringify(planFor('7.2', 'compliance', 'private_network'))).toBe(JSON.stringify(planFor('7.2', 'compliance', 'private_network')));
  });

  it('follows the level matrix: TLS off-host from standard, modern + mTLS from hardened', () => {
    const tls = (l: string, e: string) => planFor('7.4', l, e).tls;
    expect(tls('basic', 'public')).toBeNull();
    expect(tls('standard', 'localhost')).toBeNull();
    expect(tls('standard', 'private_network')).toMatchObject({ mozillaProfile: 'intermediate', authClients: 'optional', plaintextDisabled: true, leafValidityDays: 365 });
    expect(tls('hardened', 'localhost')).toMatchObject({ mozillaProfile: 'modern', authClients: 'yes', leafValidityDays: 90 });
    expect(tls('compliance', 'public')).toMatchObject({ mozillaProfile: 'modern', authClients: 'yes', replication: true, cluster: true });
    expect(tls('standard', 'public')).toMatchObject({ mozillaProfile: 'modern', authClients: 'yes', leafValidityDays: 90 });
  });

  it('turns the default user off above basic and keeps it password-protected at basic', () => {
    const def = (l: string) => planFor('7.2', l, 'localhost').users.find((u) => u.name === 'default');
    expect(def('basic')).toMatchObject({ enabled: true, password: true });
    expect(def('basic')?.rules).toContain('-@dangerous');
    for (const l of ['standard', 'hardened', 'compliance']) expect(def(l)).toMatchObject({ enabled: false, password: false });
  });

  it('gives the readonly user read access to the applications\' prefixes only (%R~ on 7.0+, ~ on 6.2)', () => {
    const keys = (v: VersionId) => planFor(v, 'hardened', 'private_network').users.find((u) => u.name === 'readonly')?.rules.filter((r) => r.includes('~'));
    expect(keys('7.0')).toEqual(['%R~app:*', '%R~reports:*', '%R~jobs:*']);
    expect(keys('6.2')).toEqual(['~app:*', '~reports:*', '~jobs:*']);
    const shared = buildPlan(parseProfile({ security_level: 'standard', network_exposure: 'localhost', applications: [{ name: 'a', key_prefixes: ['x:'] }, { name: 'b', key_prefixes: ['x:', 'y:'] }] }));
    expect(shared.users.find((u) => u.name === 'readonly')?.rules.filter((r) => r.includes('~'))).toEqual(['%R~x:*', '%R~y:*']);
    // No applications: no key at all rather than a silent ~*, and a warning says so.
    const none = buildPlan(parseProfile({ security_level: 'hardened', network_exposure: 'localhost', applications: [] }));
    const ro = none.users.find((u) => u.name === 'readonly');
    expect(ro?.rules).toContain('resetkeys');
    expect(ro?.rules.some((r) => r.includes('~'))).toBe(false);
    expect(none.warnings.map((w) => w.id)).toContain('READONLY-NO-KEYS');
  });

  it('turns tls-replication on whenever TLS is on, tls-cluster only with cluster', () => {
    const standalone = buildPlan(parseProfile({ security_level: 'hardened', network_exposure: 'private_network', replication: false }));
    const names = new Map(standalone.directives.map((d) => [d.name, d.args.join(' ')]));
    expect(names.get('tls-replication')).toBe('yes');
    expect(names.has('tls-cluster')).toBe(false);
    expect(standalone.checklist.find((i) => i.id === 'tls-replication')).toMatchObject({ status: 'enforced' });
    const cluster = buildPlan(parseProfile({ security_level: 'standard', network_exposure: 'private_network', cluster: true }));
    expect(cluster.directives.find((d) => d.name === 'tls-cluster')?.args).toEqual(['yes']);
    const plain = buildPlan(parseProfile({ security_level: 'basic', network_exposure: 'localhost' }));
    expect(plain.directives.some((d) => d.name.startsWith('tls-'))).toBe(false);
  });

  it('warns about what Redis cannot do alone', () => {
    const ids = (p: Plan) => p.warnings.map((w) => w.id);
    const compliance = buildPlan(parseProfile({ security_level: 'compliance', network_exposure: 'private_network', compliance_requirements: ['hipaa'], redis_version: '7.0', replication: true }));
    expect(ids(compliance)).toEqual(expect.arrayContaining(['COMPLIANCE-AUDIT-LOG', 'COMPLIANCE-LOCKOUT', 'COMPLIANCE-AT-REST', 'VERSION-EOL', 'TIMEOUT-EXEMPT', 'PLAINTEXT-MASTERAUTH', 'BIND-LOOPBACK', 'FIREWALL-DEFAULT-SOURCES']));
    const pub = buildPlan(parseProfile({ security_level: 'basic', network_exposure: 'public', bind: ['203.0.113.5'] }));
    expect(ids(pub)).toEqual(expect.arrayContaining(['EXPOSURE-PUBLIC', 'NO-TLS', 'FIREWALL-NO-SOURCES']));
    expect(ids(pub)).not.toContain('BIND-LOOPBACK');
  });

  it('marks checklist items enforced, verifiable or manual, with the selected frameworks only', () => {
    const plan = buildPlan(parseProfile({ security_level: 'hardened', network_exposure: 'private_network', compliance_requirements: ['pci_dss'] }));
    const item = (id: string) => plan.checklist.find((i) => i.id === id);
    expect(item('tls-clients')).toMatchObject({ status: 'enforced' });
    expect(item('comp-at-rest')).toMatchObject({ status: 'manual' });
    expect(item('comp-assessments')).toMatchObject({ status: 'verifiable' });
    expect(plan.checklist.flatMap((i) => i.compliance).every((r) => r.startsWith('PCI DSS 4.0 '))).toBe(true);
    const basic = buildPlan(parseProfile({ security_level: 'basic', network_exposure: 'localhost' }));
    expect(basic.checklist.find((i) => i.id === 'tls-clients')).toMatchObject({ status: 'verifiable' });
    expect(basic.checklist.some((i) => i.section === 'Compliance')).toBe(false);
  });
});

describe('any valid profile (property)', () => {
  const prefix = fc.stringMatching(/^[a-z0-9:_.{}-]{1,12}$/);
  const app = fc.record({
    name: fc.stringMatching(/^[a-z][a-z0-9_-]{0,10}$/).filter((n) => !['default', 'admin', 'readonly', 'monitor', 'replication', 'sentinel'].includes(n)),
    key_prefixes: fc.array(prefix, { minLength: 1, maxLength: 3 }),
    channel_prefixes: fc.array(prefix, { maxLength: 2 }),
    access: fc.constantFrom('read-only', 'read-write'),
    scripting: fc.boolean(),
  });
  const profile = fc.record({
    security_level: fc.constantFrom(...SECURITY_LEVELS),
    network_exposure: fc.constantFrom('localhost', 'private_network'),
    redis_version: fc.constantFrom(...VERSION_IDS),
    applications: fc.uniqueArray(app, { minLength: 1, maxLength: 3, selector: (a) => a.name.replace(/[^a-z0-9]/g, '_') }),
    replication: fc.boolean(),
    sentinel: fc.boolean(),
    cluster: fc.boolean(),
    compliance_requirements: fc.subarray(['pci_dss', 'hipaa', 'sox', 'gdpr']),
  });

  it('gives a plan whose directives and ACL rules the target version accepts', () => {
    fc.assert(
      fc.property(profile, (input) => {
        const plan = buildPlan(parseProfile(input));
        expect(() => validatePlan(plan)).not.toThrow();
        const known = new Set(Object.keys(versionTable(plan.version).config));
        expect(plan.directives.every((d) => known.has(d.name) || d.name === 'rename-command')).toBe(true);
        // Every application and the read-only user are confined: no allkeys, no +@all, always -@dangerous.
        for (const u of plan.users.filter((x) => x.role === 'app' || x.role === 'readonly')) {
          expect(u.rules.some((r) => /^(%R?W?~\*|allkeys)$/.test(r))).toBe(false);
          expect(u.rules).not.toContain('~*');
          expect(u.rules).not.toContain('+@all');
          expect(u.rules).toContain('-@dangerous');
        }
      }),
      { numRuns: 40 },
    );
  });
});
