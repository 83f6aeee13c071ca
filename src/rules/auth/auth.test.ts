import { describe, expect, it } from 'vitest';
import { checkOne } from '../check.js';
import { baselineFacts, lintFacts, setConfig } from '../fixture.js';
import type { RuleContext } from '../types.js';
import { sha256Hex, weakness } from './passwords.js';

const LIVE: RuleContext = { mode: 'live', profile: null };
const LINT: RuleContext = { mode: 'lint', profile: null };
const SECRET = 'Zq7vN2pL9xR4tK8mW3cY6bH1';

describe('AUTH-NOPASS-DEFAULT', () => {
  it('lint: no requirepass and no user default line means the implicit default is on nopass', () => {
    expect(checkOne('AUTH-NOPASS-DEFAULT', lintFacts({ bind: '127.0.0.1' }), LINT)[0]).toMatchObject({ status: 'fail', severity: 'critical' });
  });
  it('lint: requirepass protects the implicit default user, unless an aclfile makes Redis ignore it', () => {
    expect(checkOne('AUTH-NOPASS-DEFAULT', lintFacts({ requirepass: SECRET }), LINT)[0]?.status).toBe('pass');
    expect(checkOne('AUTH-NOPASS-DEFAULT', lintFacts({ requirepass: SECRET, aclfile: 'users.acl' }), LINT)[0]?.status).toBe('fail');
  });
  it('live: reads the default user, falls back to the unauthenticated PING, else unknown', () => {
    const f = baselineFacts();
    expect(checkOne('AUTH-NOPASS-DEFAULT', f, LIVE)[0]?.status).toBe('pass');
    f.users = { known: false, why: 'ACL LIST denied' };
    f.unauthenticated = { known: true, value: { reply: 'PONG', reachable: true } };
    expect(checkOne('AUTH-NOPASS-DEFAULT', f, LIVE)[0]?.status).toBe('fail');
    f.unauthenticated = { known: false, why: 'not probed' };
    expect(checkOne('AUTH-NOPASS-DEFAULT', f, LIVE)[0]).toMatchObject({ status: 'unknown', evidence: 'cannot read users: ACL LIST denied' });
  });
});

describe('AUTH-ANY-NOPASS-USER and AUTH-DEFAULT-USER-ENABLED', () => {
  it('flags enabled nopass users but not disabled ones', () => {
    const f = lintFacts({}, [{ name: 'app', rules: 'on nopass ~app:* +get' }, { name: 'old', rules: 'off nopass' }]);
    const r = checkOne('AUTH-ANY-NOPASS-USER', f, LINT);
    expect(r.map((x) => [x.status, x.evidence, x.location?.line])).toEqual([['fail', 'user app is on and nopass', 100]]);
  });
  it('flags a default user that is on with +@all even with a password, raised for compliance', () => {
    const f = lintFacts({ requirepass: SECRET });
    expect(checkOne('AUTH-DEFAULT-USER-ENABLED', f, LINT)[0]).toMatchObject({ status: 'fail', severity: 'medium' });
    const pci: RuleContext = { mode: 'lint', profile: { security_level: 'compliance', network_exposure: 'private_network', compliance_requirements: ['pci_dss'] } };
    expect(checkOne('AUTH-DEFAULT-USER-ENABLED', f, pci)[0]?.severity).toBe('high');
    expect(checkOne('AUTH-DEFAULT-USER-ENABLED', baselineFacts(), LIVE)[0]?.status).toBe('pass');
  });
});

describe('AUTH-WEAK-PASSWORD', () => {
  it('judges strength without printing the password', () => {
    expect(weakness('foobared', false)).toBe('a well-known default password');
    expect(weakness('aaaaaaaaaaaa', false)).toBe('one repeated character');
    expect(weakness('abc12', false)).toBe('too short or too few character classes');
    expect(weakness('abcdefgh12', false)).toBeNull();
    expect(weakness('abcdefgh12', true)).toMatch(/PCI DSS 8.3.6/);
    expect(weakness(SECRET, true)).toBeNull();
  });
  it('lint: checks requirepass and >password; the secret never appears in evidence', () => {
    const f = lintFacts({ requirepass: 'hunter2x' }, [{ name: 'app', rules: 'on >redis123 ~app:* +get' }]);
    const r = checkOne('AUTH-WEAK-PASSWORD', f, LINT);
    expect(r.map((x) => x.status)).toEqual(['fail', 'fail']);
    for (const x of r) {
      expect(x.evidence).not.toContain('hunter2x');
      expect(x.evidence).not.toContain('redis123');
    }
  });
  it('live: compares ACL hashes with well-known defaults', () => {
    const f = baselineFacts();
    if (!f.users.known) throw new Error('fixture');
    f.users.value.push({ name: 'legacy', rules: `on #${sha256Hex('foobared')} ~* +get` });
    const r = checkOne('AUTH-WEAK-PASSWORD', f, LIVE);
    expect(r.map((x) => x.evidence)).toEqual(['a password hash of user legacy matches a well-known default password']);
  });
});

describe('AUTH-CLEARTEXT-SECRET, AUTH-SHARED-PASSWORD, AUTH-CONF-PERMS', () => {
  it('finds cleartext secrets in files with their lines, and is n/a live', () => {
    const f = lintFacts({ requirepass: SECRET, masterauth: SECRET }, [{ name: 'app', rules: `on >${SECRET} ~app:* +get` }]);
    const r = checkOne('AUTH-CLEARTEXT-SECRET', f, LINT);
    expect(r.map((x) => [x.evidence, x.location?.line])).toEqual([
      ['requirepass holds a cleartext secret', 1],
      ['masterauth holds a cleartext secret', 2],
      ['user app has a >cleartext password', 100],
    ]);
    expect(r.every((x) => !x.evidence.includes(SECRET))).toBe(true);
    expect(checkOne('AUTH-CLEARTEXT-SECRET', baselineFacts(), LIVE)[0]?.status).toBe('not_applicable');
  });
  it('finds a password shared between users (cleartext and hash forms alike)', () => {
    const f = lintFacts({}, [
      { name: 'a', rules: `on >${SECRET} ~a:* +get` },
      { name: 'b', rules: `on #${sha256Hex(SECRET)} ~b:* +get` },
      { name: 'c', rules: 'on >another-long-secret-1 ~c:* +get' },
    ]);
    expect(checkOne('AUTH-SHARED-PASSWORD', f, LINT).map((x) => x.evidence)).toEqual(['users a, b share a password']);
  });
  it('flags world-readable sensitive files; n/a live when modes are not visible', () => {
    const f = baselineFacts();
    f.files = { known: true, value: [{ path: '/etc/redis/users.acl', kind: 'acl', mode: 0o644 }] };
    expect(checkOne('AUTH-CONF-PERMS', f, LIVE)[0]?.evidence).toBe('/etc/redis/users.acl (acl) has mode 644: readable by others');
    f.files = { known: false, why: 'remote target' };
    expect(checkOne('AUTH-CONF-PERMS', f, LIVE)[0]?.status).toBe('not_applicable');
    expect(checkOne('AUTH-CONF-PERMS', lintFacts({}), LINT)[0]?.status).toBe('unknown');
  });
});

describe('AUTH-REPL-CREDS and AUTH-BRUTEFORCE-SIGNALS', () => {
  it('needs masterauth and masteruser on a replica (Valkey primary* names accepted)', () => {
    expect(checkOne('AUTH-REPL-CREDS', baselineFacts(), LIVE)[0]?.status).toBe('not_applicable');
    const f = baselineFacts();
    if (f.info.known) f.info.value.replication = { role: 'slave', master_host: '10.0.0.1', master_port: '6379', master_link_status: 'down' };
    expect(checkOne('AUTH-REPL-CREDS', f, LIVE)[0]?.evidence).toBe('replica has no masterauth (master_link_status:down)');
    setConfig(f, { masterauth: undefined, primaryauth: 'x', masteruser: undefined, primaryuser: 'replica' });
    expect(checkOne('AUTH-REPL-CREDS', f, LIVE)[0]?.status).toBe('pass');
  });
  it('reports failed authentications from INFO and ACL LOG, medium when many', () => {
    const f = baselineFacts();
    expect(checkOne('AUTH-BRUTEFORCE-SIGNALS', f, LIVE)[0]?.status).toBe('pass');
    if (f.info.known) f.info.value.errorstats = { errorstat_WRONGPASS: 'count=42' };
    f.aclLog = { known: true, value: [{ reason: 'auth', context: 'toplevel', object: 'AUTH', username: 'admin', count: 3 }] };
    expect(checkOne('AUTH-BRUTEFORCE-SIGNALS', f, LIVE)[0]).toMatchObject({ status: 'fail', severity: 'medium' });
  });
});
