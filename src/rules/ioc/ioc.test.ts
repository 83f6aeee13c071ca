import { describe, expect, it } from 'vitest';
import { checkOne } from '../check.js';
import { parseBaseline } from '../../audit/baseline.js';
import { BASELINE_USERS, baselineFacts, setConfig } from '../fixture.js';
import type { RuleContext } from '../types.js';
import { inAllowlist } from './unknown-clients.js';

const LIVE: RuleContext = { mode: 'live', profile: null };

describe('indicators of compromise', () => {
  it('IOC-PERSIST-PATH', () => {
    expect(checkOne('IOC-PERSIST-PATH', setConfig(baselineFacts(), { dir: '/root/.ssh', dbfilename: 'authorized_keys' }), LIVE).map((x) => x.evidence)).toEqual([
      'dir /root/.ssh',
      'dbfilename authorized_keys',
    ]);
    expect(checkOne('IOC-PERSIST-PATH', setConfig(baselineFacts(), { dir: '/var/www/html', dbfilename: 'shell.php' }), LIVE).length).toBe(2);
    expect(checkOne('IOC-PERSIST-PATH', setConfig(baselineFacts(), { dir: '/var/spool/cron', dbfilename: 'root' }), LIVE).length).toBe(2);
    expect(checkOne('IOC-PERSIST-PATH', baselineFacts(), LIVE)[0]?.status).toBe('pass');
  });
  it('IOC-ROGUE-MASTER needs an allowlist to judge a replica', () => {
    const f = baselineFacts();
    if (f.info.known) f.info.value.replication = { role: 'slave', master_host: '203.0.113.66', master_port: '6379' };
    expect(checkOne('IOC-ROGUE-MASTER', f, LIVE)[0]?.status).toBe('unknown');
    expect(checkOne('IOC-ROGUE-MASTER', f, { ...LIVE, allowlists: { masters: ['10.0.0.1'] } })[0]).toMatchObject({ status: 'fail', severity: 'critical' });
    expect(checkOne('IOC-ROGUE-MASTER', f, { ...LIVE, allowlists: { masters: ['203.0.113.66'] } })[0]?.status).toBe('pass');
    expect(checkOne('IOC-ROGUE-MASTER', baselineFacts(), LIVE)[0]?.status).toBe('pass');
  });
  it('IOC-UNKNOWN-MODULE: exploit names always fail; others need the allowlist', () => {
    const f = baselineFacts();
    f.modules = { known: true, value: [{ name: 'system', version: '1', path: '/opt/x/exp.so' }, { name: 'ReJSON', version: '20609' }] };
    expect(checkOne('IOC-UNKNOWN-MODULE', f, LIVE).map((x) => x.status)).toEqual(['fail', 'unknown']);
    expect(checkOne('IOC-UNKNOWN-MODULE', f, { ...LIVE, allowlists: { modules: ['rejson'] } }).map((x) => x.status)).toEqual(['fail']);
  });
  it('IOC-UNKNOWN-MODULE: the vectorset module Redis 8 loads by itself is part of the server, not unknown', () => {
    const f = baselineFacts();
    f.flavor = 'redis';
    f.version = '8.0.2';
    f.versionId = '8.0';
    f.modules = { known: true, value: [{ name: 'vectorset', version: '1' }] };
    expect(checkOne('IOC-UNKNOWN-MODULE', f, LIVE)).toMatchObject([{ status: 'pass', evidence: "only the server's built-in modules are loaded: vectorset built into Redis 8.0.2" }]);
    // With an allowlist that does not name it, too; other modules are still judged.
    f.modules = { known: true, value: [{ name: 'vectorset', version: '1' }, { name: 'search', version: '80200', path: '/usr/lib/redis/modules/redisearch.so' }] };
    expect(checkOne('IOC-UNKNOWN-MODULE', f, { ...LIVE, allowlists: { modules: ['search'] } })[0]?.evidence).toBe('modules search are allowlisted; vectorset built into Redis 8.0.2');
    expect(checkOne('IOC-UNKNOWN-MODULE', f, LIVE).map((x) => x.status)).toEqual(['unknown']);
    // A server newer than the tables (8.4) is judged with the 8.0 tables: vectorset is still built in.
    f.version = '8.4.0';
    f.modules = { known: true, value: [{ name: 'vectorset', version: '1' }] };
    expect(checkOne('IOC-UNKNOWN-MODULE', f, LIVE)[0]?.status).toBe('pass');
    // Before 8.0 no module is built in: a "vectorset" module on 7.4 is as unknown as any other.
    f.version = '7.4.1';
    f.versionId = '7.4';
    expect(checkOne('IOC-UNKNOWN-MODULE', f, LIVE)[0]?.status).toBe('unknown');
  });
  it('IOC-CRON-KEYS, IOC-LOG-XPROTO and IOC-HIJACKED-PASSWORD need opt-in data', () => {
    const f = baselineFacts();
    expect(checkOne('IOC-CRON-KEYS', f, LIVE)[0]?.status).toBe('not_applicable');
    f.suspiciousKeys = { known: true, value: ['backup1', 'backup2'] };
    expect(checkOne('IOC-CRON-KEYS', f, LIVE)[0]?.evidence).toBe('suspicious keys present: backup1, backup2');
    f.logScan = { known: true, value: { file: '/var/log/redis/redis-server.log', crossProtocolLines: [812, 900] } };
    expect(checkOne('IOC-LOG-XPROTO', f, LIVE)[0]).toMatchObject({ status: 'fail', location: { file: '/var/log/redis/redis-server.log', line: 812 } });
    expect(checkOne('IOC-HIJACKED-PASSWORD', f, LIVE)[0]?.status).toBe('not_applicable');
  });
  it('IOC-HIJACKED-PASSWORD compares enabled users with the baseline, hash to hash, and never prints a hash', () => {
    const baseline = parseBaseline(BASELINE_USERS.map((u) => `user ${u.name} ${u.rules}`).join('\n'), 'users.acl');
    const ctx = { ...LIVE, baseline };
    expect(checkOne('IOC-HIJACKED-PASSWORD', baselineFacts(), ctx)).toMatchObject([{ status: 'pass', evidence: '2 enabled user(s) match the baseline users.acl: no unknown user or password' }]);

    const f = baselineFacts();
    f.users = {
      known: true,
      value: [
        { name: 'default', rules: 'on nopass ~* +@all' },
        { name: 'admin', rules: `on #${'a'.repeat(64)} #${'e'.repeat(64)} ~* &* +@all` },
        { name: 'app', rules: BASELINE_USERS[2]!.rules },
        { name: 'intruder', rules: `on #${'f'.repeat(64)} ~* +@all` },
        { name: 'parked', rules: `off #${'c'.repeat(64)}` },
      ],
    };
    const found = checkOne('IOC-HIJACKED-PASSWORD', f, ctx);
    expect(found.map((r) => r.evidence)).toEqual([
      'user default is enabled; the baseline users.acl has it off',
      'user default accepts any password (nopass); the baseline does not',
      'user admin has 1 password(s) that are not in the baseline users.acl',
      'enabled user intruder is not in the baseline users.acl',
    ]);
    expect(JSON.stringify(found)).not.toMatch(/[0-9a-f]{64}/);
    expect(checkOne('IOC-HIJACKED-PASSWORD', f, { mode: 'lint', profile: null, baseline })[0]?.status).toBe('not_applicable');
  });
  it('IOC-UNKNOWN-CLIENTS with CIDR allowlists', () => {
    expect(inAllowlist('10.0.3.4', ['10.0.0.0/16'])).toBe(true);
    expect(inAllowlist('10.1.3.4', ['10.0.0.0/16'])).toBe(false);
    expect(inAllowlist('192.168.1.9', ['192.168.1.9'])).toBe(true);
    const f = baselineFacts();
    f.clients = { known: true, value: [{ addr: '10.0.0.7:50000', user: 'app', name: '' }, { addr: '198.51.100.4:4444', user: 'default', name: '' }] };
    expect(checkOne('IOC-UNKNOWN-CLIENTS', f, { ...LIVE, allowlists: { clients: ['10.0.0.0/24'] } })[0]?.evidence).toBe(
      '1 client(s) from outside the allowlist: 198.51.100.4:4444 (user default)',
    );
    expect(checkOne('IOC-UNKNOWN-CLIENTS', f, LIVE)[0]?.status).toBe('not_applicable');
  });
});
