import { describe, expect, it } from 'vitest';
import { RespError } from '../resp/reply.js';
import { commandStats, infoNumber, parseAclLogRecords, parseSnapshot, pollCommands, POLL_INFO_SECTIONS } from './snapshot.js';
import { isAllowed } from '../resp/allowlist.js';

const meta = { target: 'redis://127.0.0.1:6379', at: 1_700_000_000_000, durationMs: 3, commandsSent: 10 };

/** Replies shaped as Redis 7.0.15 sends them (RESP2). */
function replies7(opts: { aclLog?: unknown; clients?: string } = {}): unknown[] {
  return [
    '# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n',
    '# Clients\r\nconnected_clients:3\r\nmaxclients:10000\r\n',
    '# Stats\r\ntotal_connections_received:42\r\nrejected_connections:0\r\n',
    '# Commandstats\r\ncmdstat_config|set:calls=2,usec=75,usec_per_call=37.50,rejected_calls=0,failed_calls=1\r\ncmdstat_debug:calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0\r\n',
    '# Replication\r\nrole:master\r\nconnected_slaves:0\r\n',
    ['dir', '/var/lib/redis', 'Protected-Mode', 'yes'],
    ['user default on nopass ~* &* +@all', 'user app on #abc ~app:* resetchannels -@all +@read'],
    opts.aclLog ?? [],
    [],
    ...(opts.clients !== undefined ? [opts.clients] : []),
  ];
}

describe('watch snapshot', () => {
  it('the poll is a fixed, bounded list of allowlisted reads (CLIENT LIST only when asked, no MONITOR)', () => {
    const plain = pollCommands();
    const withClients = pollCommands({ clients: true });
    expect(plain.length).toBeLessThanOrEqual(10);
    expect(withClients.length).toBe(plain.length + 1);
    for (const c of withClients) expect(isAllowed(c)).toBe(true);
    expect(withClients.map((c) => c[0])).not.toContain('MONITOR');
    expect(plain.map((c) => c.join(' '))).not.toContain('CLIENT LIST');
  });

  it('reads INFO, CONFIG GET *, ACL LIST, commandstats and version from 7.0 replies', () => {
    const s = parseSnapshot(replies7(), meta);
    expect(s.version).toBe('7.0.15');
    expect(s.versionId).not.toBeNull();
    expect(infoNumber(s, 'stats', 'total_connections_received')).toBe(42);
    expect(infoNumber(s, 'clients', 'maxclients')).toBe(10000);
    expect(infoNumber(s, 'stats', 'acl_access_denied_auth')).toBeUndefined();
    expect(s.config).toEqual({ known: true, value: { dir: '/var/lib/redis', 'protected-mode': 'yes' } });
    expect(s.users.known && s.users.value.map((u) => u.name)).toEqual(['default', 'app']);
    expect(commandStats(s)).toEqual({ 'config|set': { calls: 2, rejectedCalls: 0, failedCalls: 1 }, debug: { calls: 0, rejectedCalls: 1, failedCalls: 0 } });
    expect(s.clients).toBeUndefined();
    expect(s.certificates).toEqual([]);
  });

  it('a refused command is unknown with the server\'s reason, the rest still read', () => {
    const r = replies7();
    r[5] = new RespError('NOPERM this user has no permissions to run the \'config|get\' command');
    r[7] = new RespError('NOPERM no acl|log');
    const s = parseSnapshot(r, meta);
    expect(s.config.known).toBe(false);
    expect(!s.config.known && s.config.why).toMatch(/^CONFIG GET \* failed: NOPERM/);
    expect(s.aclLog.known).toBe(false);
    expect(s.users.known).toBe(true);
    expect(s.info.known).toBe(true);
  });

  it('ACL LOG: 7.0 entries without entry-id, 7.2 entries with entry-id and timestamp-created', () => {
    const v70 = ['count', '3', 'reason', 'auth', 'context', 'toplevel', 'object', 'AUTH', 'username', 'nosuch', 'age-seconds', '0.037999999999999999', 'client-info', 'id=3 addr=127.0.0.1:43686 laddr=127.0.0.1:16399 fd=7 name= cmd=auth user=default'];
    const v72 = [...v70, 'entry-id', 7, 'timestamp-created', 1_700_000_000_123, 'timestamp-last-updated', 1_700_000_000_456];
    expect(parseAclLogRecords([v70])).toEqual([{ reason: 'auth', context: 'toplevel', object: 'AUTH', username: 'nosuch', count: 3, ageSeconds: 0.038, clientAddr: '127.0.0.1:43686', entryId: null, timestampCreated: null }]);
    expect(parseAclLogRecords([v72])?.[0]).toMatchObject({ entryId: 7, timestampCreated: 1_700_000_000_123 });
    expect(parseAclLogRecords('nope')).toBeUndefined();
    expect(parseAclLogRecords([['odd']])).toBeUndefined();
  });

  it('CLIENT LIST records keep id, addr, user, name and the last command', () => {
    const s = parseSnapshot(replies7({ clients: 'id=5 addr=127.0.0.2:5000 laddr=127.0.0.1:6379 fd=8 name=worker age=1 cmd=get user=app\nid=6 addr=127.0.0.1:5001 name= cmd=client|list user=default\n' }), meta, { clients: true });
    expect(s.clients).toEqual({
      known: true,
      value: [
        { id: '5', addr: '127.0.0.2:5000', user: 'app', name: 'worker', cmd: 'get' },
        { id: '6', addr: '127.0.0.1:5001', user: 'default', name: '', cmd: 'client|list' },
      ],
    });
  });

  it('INFO that is not text makes info unknown, not a crash', () => {
    const r = replies7();
    r[0] = ['not', 'text'];
    const s = parseSnapshot(r, meta);
    expect(s.info.known).toBe(false);
    expect(s.version).toBeNull();
    expect(commandStats(s)).toBeUndefined();
    expect(POLL_INFO_SECTIONS).toContain('commandstats');
  });
});
