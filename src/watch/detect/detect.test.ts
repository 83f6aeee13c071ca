import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../report/types.js';
import type { AclLogRecord, WatchSnapshot } from '../snapshot.js';
import { emptyTargetState, userDigest, type TargetState } from '../target-state.js';
import { newLogEvents } from './acl-log.js';
import { detectSnapshot } from './detect.js';
import { detectFindings } from './findings.js';
import { canonicalName, driftWeight } from './config.js';

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);

function snap(over: Partial<WatchSnapshot> = {}, at = 1_700_000_000_000): WatchSnapshot {
  return {
    target: 'redis://127.0.0.1:6379',
    at,
    durationMs: 1,
    commandsSent: 10,
    version: '7.0.15',
    versionId: '7.0',
    info: { known: true, value: { stats: { total_connections_received: '10', rejected_connections: '0' }, clients: { connected_clients: '2', maxclients: '100' }, commandstats: {} } },
    config: { known: true, value: { dir: '/var/lib/redis', requirepass: 'hunter2-secret', slaveof: '', replicaof: '' } },
    users: { known: true, value: [{ name: 'default', rules: `on #${HASH_A} ~* &* +@all` }] },
    aclLog: { known: true, value: [] },
    modules: { known: true, value: [] },
    certificates: [],
    ...over,
  };
}

function entry(over: Partial<AclLogRecord>): AclLogRecord {
  return { reason: 'auth', context: 'toplevel', object: 'AUTH', username: 'app', count: 1, ageSeconds: 0, clientAddr: '10.0.0.9:5000', entryId: null, timestampCreated: null, ...over };
}

/** Two polls 15 s apart; the second's events. */
function twoPolls(a: WatchSnapshot, b: WatchSnapshot, prev: TargetState = emptyTargetState()) {
  const first = detectSnapshot(prev, a, { anomaly: false });
  return detectSnapshot(first.state, b, { anomaly: false });
}

describe('ACL LOG: what is new', () => {
  it('7.0 (no entry-id): the rise of each group\'s summed count; a trimmed or reset log is no event', () => {
    const first = newLogEvents([entry({ count: 3 })], undefined);
    expect(first.fresh).toEqual([]);
    const second = newLogEvents([entry({ count: 7 })], first.counts);
    expect(second.fresh).toEqual([expect.objectContaining({ username: 'app', source: '10.0.0.9', count: 4 })]);
    expect(newLogEvents([], second.counts).fresh).toEqual([]);
  });

  it('7.2+ (entry-id): a new id counts whole, a known one by its rise, an id older than any seen is not new', () => {
    const first = newLogEvents([entry({ entryId: 5, count: 2 })], undefined);
    const second = newLogEvents([entry({ entryId: 6, count: 3 }), entry({ entryId: 5, count: 4 }), entry({ entryId: 1, count: 9 })], first.counts);
    expect(second.fresh.map((f) => f.count).sort()).toEqual([2, 3]);
  });

  it('7.2+ restart: when the highest id goes down the ids started again, so every listed entry is new', () => {
    const first = newLogEvents([entry({ entryId: 41, count: 2 }), entry({ entryId: 40, count: 1 })], undefined);
    const second = newLogEvents([entry({ entryId: 1, count: 5, username: 'x' }), entry({ entryId: 0, count: 2 })], first.counts);
    expect(second.fresh.map((f) => [f.username, f.count])).toEqual([['x', 5], ['app', 2]]);
  });

  it('an empty log or a changed form (upgrade) leaves nothing to match: every listed event is new', () => {
    const empty = newLogEvents([], undefined);
    expect(newLogEvents([entry({ entryId: 0, count: 3 })], empty.counts).fresh.map((f) => f.count)).toEqual([3]);
    const old = newLogEvents([entry({ count: 9 })], undefined);
    expect(newLogEvents([entry({ entryId: 0, count: 2 })], old.counts).fresh.map((f) => f.count)).toEqual([2]);
  });

  it('property: never a negative count, nothing on the first poll, and growth of one group is reported exactly (bounded)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { minLength: 1, maxLength: 20 }), (counts) => {
        let prev: ReturnType<typeof newLogEvents>['counts'] | undefined;
        let max = 0;
        for (const c of counts) {
          const r = newLogEvents([entry({ count: c })], prev);
          for (const f of r.fresh) expect(f.count).toBeGreaterThan(0);
          if (prev === undefined) expect(r.fresh).toEqual([]);
          else expect(r.fresh.reduce((s, f) => s + f.count, 0)).toBe(Math.max(0, c - (prev.counts[Object.keys(prev.counts)[0] ?? ''] ?? 0)));
          max = Math.max(max, c);
          prev = r.counts;
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('detectors', () => {
  it('a changed secret directive is reported without either value; slaveof beside replicaof is one event', () => {
    const b = snap({ config: { known: true, value: { dir: '/var/lib/redis', requirepass: 'other-secret-77', slaveof: '10.9.9.9 6379', replicaof: '10.9.9.9 6379' } } }, 1_700_000_015_000);
    const { events, state } = twoPolls(snap(), b);
    const text = JSON.stringify({ events, state });
    expect(text).not.toContain('hunter2-secret');
    expect(text).not.toContain('other-secret-77');
    const drift = events.filter((e) => e.kind === 'config-drift');
    expect(drift.map((e) => e.evidence['directive']).sort()).toEqual(['replicaof', 'requirepass']);
    expect(drift.find((e) => e.evidence['directive'] === 'requirepass')?.evidence).toMatchObject({ old: null, new: null, secret: true });
    expect(drift.find((e) => e.evidence['directive'] === 'replicaof')?.severity).toBe('critical');
    expect(canonicalName('slave-read-only')).toBe('replica-read-only');
    expect(driftWeight('enable-debug-command').severity).toBe('high');
    expect(driftWeight('maxmemory').severity).toBe('low');
  });

  it('dangerous commands: every rise of FLUSHALL is reported; a routine EVAL only the first time it is seen', () => {
    const withStats = (at: number, stats: Record<string, string>): WatchSnapshot => {
      const base = snap({}, at);
      if (!base.info.known) throw new Error('fixture');
      return { ...base, info: { known: true, value: { ...base.info.value, commandstats: stats } } };
    };
    const cmd = (calls: number) => `calls=${calls},usec=1,usec_per_call=1.00,rejected_calls=0,failed_calls=0`;
    const polls = [
      withStats(0, {}),
      withStats(15_000, { cmdstat_eval: cmd(40), cmdstat_flushall: cmd(1) }),
      withStats(30_000, { cmdstat_eval: cmd(90), cmdstat_flushall: cmd(2) }),
      withStats(45_000, { cmdstat_eval: cmd(150), cmdstat_flushall: cmd(2) }),
    ];
    let state = emptyTargetState();
    const seen: string[][] = [];
    for (const p of polls) {
      const r = detectSnapshot(state, p, { anomaly: false });
      state = r.state;
      seen.push(r.events.filter((e) => e.kind === 'dangerous-command').map((e) => `${String(e.evidence['command'])}:${String(e.evidence['calls'])}`));
    }
    expect(seen).toEqual([[], ['flushall:1', 'eval:40'], ['flushall:1'], []]);
  });

  it('a user given another password: acl-change without the hash; wider rules are high', () => {
    const b = snap({ users: { known: true, value: [{ name: 'default', rules: `on #${HASH_B} ~* &* +@all` }, { name: 'app', rules: 'on nopass ~app:* +@read' }] } }, 1_700_000_015_000);
    const { events } = twoPolls(snap(), b);
    expect(JSON.stringify(events)).not.toMatch(/[ab]{64}/);
    expect(events.filter((e) => e.kind === 'acl-change').map((e) => `${e.evidence['user']}:${e.evidence['change']}:${e.severity}`).sort()).toEqual(['app:added:critical', 'default:password:high']);
    expect(userDigest(`on #${HASH_A} ~*`).passwords).not.toContain(HASH_A);
  });

  it('the first poll against --baseline users.acl: an unapproved password hash is critical', () => {
    const { events } = detectSnapshot(emptyTargetState(), snap(), { anomaly: false, baselineUsers: { file: 'users.acl', users: [{ name: 'default', enabled: true, hashes: [HASH_B], nopass: false }] } });
    expect(events.map((e) => `${e.kind}:${e.evidence['change']}:${e.severity}`)).toEqual(['acl-change:password:critical']);
  });

  it('a certificate in the window is reported once; a renewed one is new', () => {
    const cert = (serialHex: string, days: number) => ({ subject: 'CN=x', issuer: 'CN=ca', selfSigned: false, dnsNames: [], ipAddresses: [], keyType: 'ec' as const, keyBits: 256, signatureAlgorithm: 'ecdsa', notBefore: '2020-01-01T00:00:00.000Z', notAfter: new Date(1_700_000_000_000 + days * 86_400_000).toISOString(), serialHex });
    const first = detectSnapshot(emptyTargetState(), snap({ certificates: [cert('01', 3)] }), { anomaly: false });
    expect(first.events.map((e) => `${e.kind}:${e.severity}`)).toEqual(['cert-expiry:high']);
    const again = detectSnapshot(first.state, snap({ certificates: [cert('01', 3)] }, 1_700_000_015_000), { anomaly: false });
    expect(again.events).toEqual([]);
    const renewed = detectSnapshot(again.state, snap({ certificates: [cert('02', 90)] }, 1_700_000_030_000), { anomaly: false });
    expect(renewed.events).toEqual([]);
  });

  it('CLIENT LIST: the poll\'s own connection, loopback and unix sockets are not strangers; a stranger once', () => {
    const clients = { known: true as const, value: [
      { id: '1', addr: '10.0.0.1:4000', user: 'default', name: '', cmd: 'client|list' },
      { id: '2', addr: '127.0.0.1:4001', user: 'default', name: '', cmd: 'get' },
      { id: '3', addr: '/run/redis.sock:0', user: 'default', name: '', cmd: 'get' },
      { id: '4', addr: '192.0.2.7:4002', user: 'app', name: 'x', cmd: 'get' },
      { id: '5', addr: '10.1.2.3:4003', user: 'app', name: '', cmd: 'get' },
    ] };
    const opts = { anomaly: false as const, allowClients: ['10.1.0.0/16'] };
    const first = detectSnapshot(emptyTargetState(), snap({ clients }), opts);
    expect(first.events.map((e) => `${e.kind}:${e.evidence['source']}`)).toEqual(['client-outside-allowlist:192.0.2.7']);
    expect(detectSnapshot(first.state, snap({ clients }, 1_700_000_015_000), opts).events).toEqual([]);
  });

  it('findings over time: the first audit is the baseline; new and resolved after it; unknown neither', () => {
    const f = (id: string, status: Finding['status']): Finding => ({ id, title: id, severity: 'high', status, evidence: 'e', remediation: { text: 'r' }, compliance: [] });
    const first = detectFindings(emptyTargetState(), [f('A', 'fail'), f('B', 'pass')], 1, 't');
    expect(first.events).toEqual([]);
    const second = detectFindings({ ...emptyTargetState(), ...first.state }, [f('A', 'pass'), f('B', 'fail'), f('C', 'unknown')], 2, 't');
    expect(second.events.map((e) => `${e.kind}:${e.evidence['rule']}`).sort()).toEqual(['finding-new:B', 'finding-resolved:A']);
  });
});
