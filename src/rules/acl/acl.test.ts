import { describe, expect, it } from 'vitest';
import { bundledCveData } from '../../cve/index.js';
import { checkOne } from '../check.js';
import { baselineFacts, dryrunFor, lintFacts, setConfig } from '../fixture.js';
import type { RuleContext } from '../types.js';
import { isAdminUser } from '../users.js';

const LIVE: RuleContext = { mode: 'live', profile: null };
const LINT: RuleContext = { mode: 'lint', profile: null };
const H = 'c'.repeat(64);

describe('admin heuristic', () => {
  it('treats default/admin/root names and the audit user as administrators', () => {
    const f = baselineFacts();
    expect(['default', 'admin', 'ops-admin', 'root', 'app', 'billing'].map((n) => isAdminUser(n, f))).toEqual([true, true, true, true, false, false]);
  });
});

describe('ACL-ALLCOMMANDS / ACL-ALLKEYS / ACL-ALLCHANNELS (engine on the rules)', () => {
  const users = [
    { name: 'app', rules: `on #${H} ~app:* +@all` },
    { name: 'reports', rules: `on #${H} %R~* +@read` },
    { name: 'chat', rules: `on #${H} ~chat:* &* +@pubsub` },
    { name: 'admin', rules: `on #${H} ~* &* +@all` },
  ];
  it('finds the app with +@all but not the admin', () => {
    const r = checkOne('ACL-ALLCOMMANDS', lintFacts({}, users, '7.2'), LINT);
    expect(r.map((x) => [x.status, x.location?.line])).toEqual([['fail', 100]]);
    expect(r[0]?.evidence).toContain('user app has all commands');
    expect(r[0]?.evidence).toContain('#<hash>');
    expect(r[0]?.evidence).not.toContain(H);
  });
  it('finds all-key access, including read-only %R~* (7.0+)', () => {
    expect(checkOne('ACL-ALLKEYS', lintFacts({}, users, '7.2'), LINT).map((x) => x.evidence)).toEqual(['user reports can access all keys']);
  });
  it('finds &* users and the 6.2 allchannels default', () => {
    const r72 = checkOne('ACL-ALLCHANNELS', lintFacts({}, users, '7.2'), LINT);
    expect(r72.map((x) => x.evidence)).toEqual(['user chat can use all channels']);
    // 6.2 defaults acl-pubsub-default to allchannels: every new user gets &*.
    const six = lintFacts({}, [{ name: 'app', rules: `on #${H} ~app:* +get` }], '6.2');
    expect(checkOne('ACL-ALLCHANNELS', six, LINT).map((x) => x.evidence)).toEqual([
      'acl-pubsub-default allchannels (default of 6.2)',
      'user app can use all channels',
    ]);
  });
});

describe('ACL-DANGEROUS / ACL-REPLICAOF / ACL-SCRIPTING', () => {
  it('uses the ACL engine when there is no DRYRUN, and says so', () => {
    const f = lintFacts({}, [{ name: 'app', rules: `on #${H} ~app:* +@all -@dangerous` }, { name: 'worker', rules: `on #${H} ~w:* +@read +@write +config|get` }], '7.0');
    const r = checkOne('ACL-DANGEROUS', f, LINT);
    expect(r.map((x) => x.status)).toEqual(['fail']);
    // +@write includes FLUSHALL, which a reader of the rules easily misses.
    expect(r[0]?.evidence).toBe('user worker may run CONFIG GET x, FLUSHALL (decided by ACL engine)');
    expect(r[0]?.remediation.command).toBe('redis-cli ACL SETUSER worker -@dangerous -@admin');
  });
  it('lets live DRYRUN answers win over the rules', () => {
    const f = baselineFacts();
    // The rules say the app cannot, DRYRUN says it can: the server decides.
    f.dryrun = { known: true, value: dryrunFor(f.users.known ? f.users.value : [], (u, p) => u === 'admin' || (u === 'app' && p === 'FLUSHALL')) };
    const r = checkOne('ACL-DANGEROUS', f, LIVE);
    expect(r.map((x) => x.evidence)).toEqual(['user app may run FLUSHALL (decided by ACL DRYRUN)']);
  });
  it('REPLICAOF allowed to an app', () => {
    const f = lintFacts({}, [{ name: 'app', rules: `on #${H} ~app:* +@all -@dangerous +replicaof` }], '7.2');
    expect(checkOne('ACL-REPLICAOF', f, LINT).map((x) => x.evidence)).toEqual(['user app may run REPLICAOF NO ONE (decided by ACL engine)']);
  });
  it('scripting is low on a patched version and high inside a Lua CVE range', () => {
    const users = [{ name: 'app', rules: `on #${H} ~app:* +@read +@write +@scripting` }];
    const patched = baselineFacts();
    patched.version = '7.4.9';
    patched.users = { known: true, value: users };
    patched.dryrun = { known: false, why: 'not collected' };
    // CVE data whose every Redis fix is confirmed: 7.4.9 carries them all (the bundled data cannot confirm
    // Redis's fix for CVE-2025-67733, so with it 7.4.9 "may be" exposed, which is high).
    const data = bundledCveData();
    const confirmed = { ...data, cves: data.cves.filter((e) => !Object.values(e.redis.fixed).includes('unconfirmed')) };
    expect(checkOne('ACL-SCRIPTING', patched, { ...LIVE, cveData: confirmed })[0]).toMatchObject({ status: 'fail', severity: 'low' });
    expect(checkOne('ACL-SCRIPTING', patched, LIVE)[0]?.evidence).toContain('CVE-2025-67733');
    const old = { ...patched, version: '7.4.1' };
    const r = checkOne('ACL-SCRIPTING', old, { ...LIVE, cveData: confirmed })[0];
    expect(r).toMatchObject({ status: 'fail', severity: 'high' });
    expect(r?.evidence).toContain('CVE-2025-49844');
  });
  it('is unknown (not pass) when neither DRYRUN nor the version is available', () => {
    const f = lintFacts({}, [{ name: 'app', rules: `on #${H} ~app:* +get` }], null);
    expect(checkOne('ACL-DANGEROUS', f, LINT).map((x) => x.status)).toEqual(['unknown']);
  });
  it('treats rename-command to "" as removing the command', () => {
    const f = lintFacts({}, [{ name: 'app', rules: `on #${H} ~app:* +@all` }], '7.2');
    f.renamedCommands = { known: true, value: [{ command: 'replicaof', to: '' }, { command: 'slaveof', to: '' }] };
    expect(checkOne('ACL-REPLICAOF', f, LINT)[0]?.status).toBe('pass');
  });
});

describe('ACL-RENAME-DEPRECATED, ACL-FILE-CONFLICT, ACL-SKIP-SANITIZE, ACL-ROLE-TEMPLATES, ACL-LOG-CAPACITY', () => {
  it('reports renames, guessable ones at medium', () => {
    const f = lintFacts({});
    f.renamedCommands = { known: true, value: [{ command: 'config', to: 'config_x', location: { file: 'redis.conf', line: 7 } }, { command: 'flushall', to: 'b8f1c0e4a9d7' }] };
    const r = checkOne('ACL-RENAME-DEPRECATED', f, LINT);
    expect(r.map((x) => [x.severity, x.location?.line])).toEqual([['medium', 7], ['low', undefined]]);
    expect(checkOne('ACL-RENAME-DEPRECATED', baselineFacts(), LIVE)[0]?.status).toBe('pass');
  });
  it('reports mixed ACL sources and an ignored requirepass', () => {
    const f = lintFacts({ aclfile: 'users.acl', requirepass: 'x'.repeat(20) });
    f.aclSourceConflict = true;
    expect(checkOne('ACL-FILE-CONFLICT', f, LINT).map((x) => x.evidence)).toEqual([
      '`user` lines are mixed with `aclfile`: the server refuses to start',
      'requirepass is set but ignored because aclfile is used',
    ]);
  });
  it('reports sanitize-dump-payload no and skip-sanitize-payload users', () => {
    const f = setConfig(baselineFacts(), { 'sanitize-dump-payload': 'no' });
    if (f.users.known) f.users.value.push({ name: 'loader', rules: `on #${H} ~* skip-sanitize-payload +restore` });
    expect(checkOne('ACL-SKIP-SANITIZE', f, LIVE).map((x) => x.evidence)).toEqual(['sanitize-dump-payload no', 'user loader has skip-sanitize-payload']);
  });
  it('holds role users to their templates (redis_exporter README user gets +eval and allkeys)', () => {
    const f = lintFacts({}, [
      { name: 'exporter', rules: `on #${H} +client +ping +info +config|get +cluster|info +slowlog +latency +memory +select +get +scan +xinfo +type +pfcount +strlen +llen +scard +zcard +hlen +xlen +eval allkeys` },
      { name: 'replica', rules: `on #${H} -@all +psync +replconf +ping` },
    ], '7.2');
    const r = checkOne('ACL-ROLE-TEMPLATES', f, LINT);
    expect(r.map((x) => [x.status, x.severity, x.evidence])).toEqual([['fail', 'medium', 'monitor user exporter may EVAL return 1 0, all keys']]);
  });
  it('acllog-max-len 0 fails; compliance wants 256', () => {
    expect(checkOne('ACL-LOG-CAPACITY', setConfig(baselineFacts(), { 'acllog-max-len': '0' }), LIVE)[0]?.status).toBe('fail');
    const f = setConfig(baselineFacts(), { 'acllog-max-len': '128' });
    expect(checkOne('ACL-LOG-CAPACITY', f, LIVE)[0]?.status).toBe('pass');
    expect(checkOne('ACL-LOG-CAPACITY', f, { mode: 'live', profile: { security_level: 'compliance', network_exposure: 'private_network', compliance_requirements: ['hipaa'] } })[0]?.status).toBe('fail');
  });
});
