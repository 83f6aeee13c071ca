import { describe, expect, it } from 'vitest';
import { known, unknown } from '../facts/types.js';
import type { AclLogRecord, WatchSnapshot } from '../watch/snapshot.js';
import type { Report } from '../report/types.js';
import { EMPTY_ACL_LOG_TALLY, newLogEvents, type AclLogTally } from '../watch/detect/index.js';
import { findingVerdicts, newTargetState, observe, OTHER_USERS, type ObserveOptions } from './observe.js';

const OFF: ObserveOptions = { labelUsers: 0 };

function snap(over: Partial<WatchSnapshot> = {}): WatchSnapshot {
  return {
    target: 't',
    at: Date.parse('2026-01-01T00:00:00Z'),
    durationMs: 1,
    commandsSent: 9,
    version: '7.0.15',
    versionId: '7.0',
    info: known({ stats: { total_connections_received: '10', rejected_connections: '0' }, clients: { connected_clients: '2' }, commandstats: { 'cmdstat_config|get': 'calls=3,usec=1' } }),
    config: known({ maxclients: '10000', dir: '/var/lib/redis' }),
    users: known([{ name: 'default', rules: 'on nopass ~* &* +@all' }]),
    aclLog: known([]),
    modules: known([]),
    certificates: [],
    ...over,
  };
}

const log = (reason: string, username: string, count: number, entryId: number | null = null): AclLogRecord => ({
  reason, context: 'toplevel', object: reason === 'auth' ? 'AUTH' : 'get', username, count, ageSeconds: 0, clientAddr: '127.0.0.1:5000', entryId, timestampCreated: null,
});

describe('observe', () => {
  it('reads INFO counters and maxclients, and counts dangerous commands from a fixed list', () => {
    const o = observe(newTargetState(), snap({ info: known({ stats: { total_connections_received: '10', rejected_connections: '3' }, clients: { connected_clients: '2' }, commandstats: { 'cmdstat_flushall': 'calls=2,usec=5', 'cmdstat_config|set': 'calls=1', 'cmdstat_made|up': 'calls=9' } }) }), OFF);
    expect(o).toMatchObject({ connectionsReceived: 10, rejectedConnections: 3, connectedClients: 2, maxclients: 10000 });
    expect(o.dangerous?.get('flushall')).toBe(2);
    expect(o.dangerous?.get('config|set')).toBe(1);
    expect(o.dangerous?.get('shutdown')).toBe(0);
    expect(o.dangerous?.has('made|up')).toBe(false);
  });

  it('leaves out what a hostile or denied reply does not show (no guessing)', () => {
    const o = observe(newTargetState(), snap({ info: known({ stats: { total_connections_received: '1e999', rejected_connections: '-5' }, clients: { connected_clients: 'lots' } }), config: unknown('CONFIG GET * failed: NOPERM'), users: unknown('denied'), aclLog: unknown('denied') }), OFF);
    expect(o.connectionsReceived).toBeUndefined();
    expect(o.rejectedConnections).toBeUndefined();
    expect(o.connectedClients).toBeUndefined();
    expect(o.maxclients).toBeUndefined();
    expect(o.authFailures).toBeUndefined();
    expect(o.aclDenied).toBeUndefined();
    expect(o.aclUsers).toBeUndefined();
    expect(o.driftDirectives).toBeUndefined();
  });

  it('prefers INFO acl_access_denied_* (7.2+) over ACL LOG', () => {
    const info = known({ stats: { acl_access_denied_auth: '7', acl_access_denied_cmd: '1', acl_access_denied_key: '2', acl_access_denied_channel: '3' } });
    const o = observe(newTargetState(), snap({ info, aclLog: known([log('auth', 'x', 50)]) }), OFF);
    expect(o.authFailures).toBe(7);
    expect(o.aclDenied).toEqual({ command: 1, key: 2, channel: 3 });
  });

  it('counts ACL LOG growth by grouping key when entries have no id (7.0)', () => {
    const state = newTargetState();
    expect(observe(state, snap({ aclLog: known([log('auth', 'a', 2), log('command', 'app', 1)]) }), OFF)).toMatchObject({ authFailures: 2, aclDenied: { command: 1, key: 0, channel: 0 } });
    // The same entries grew, one new entry of the same key (a later grouping window) and a key denial.
    const o = observe(state, snap({ aclLog: known([log('auth', 'a', 3), log('auth', 'a', 5), log('command', 'app', 1), log('key', 'app', 4)]) }), OFF);
    expect(o.authFailures).toBe(8);
    expect(o.aclDenied).toEqual({ command: 1, key: 4, channel: 0 });
    // Nothing new: nothing counted; the counter never goes down when entries fall off the log.
    expect(observe(state, snap({ aclLog: known([log('auth', 'a', 5)]) }), OFF).authFailures).toBe(8);
  });

  it('follows entries by entry-id (7.2+) and starts again when the ids do (server restart)', () => {
    const state = newTargetState();
    observe(state, snap({ aclLog: known([log('auth', 'a', 2, 4), log('auth', 'b', 1, 3)]) }), OFF);
    expect(observe(state, snap({ aclLog: known([log('auth', 'a', 6, 4), log('auth', 'b', 1, 3), log('auth', 'a', 1, 5)]) }), OFF).authFailures).toBe(8);
    expect(observe(state, snap({ aclLog: known([log('auth', 'z', 2, 0)]) }), OFF).authFailures).toBe(10);
  });

  it('counts exactly what the watcher reports as new (one reading of the log)', () => {
    const state = newTargetState();
    const polls = [[log('auth', 'a', 2, 5)], [log('auth', 'a', 3, 6), log('auth', 'a', 4, 5), log('auth', 'b', 9, 1)], [log('auth', 'c', 1, 0)]];
    let prev: AclLogTally = EMPTY_ACL_LOG_TALLY;
    for (const records of polls) {
      const { fresh, counts } = newLogEvents(records, prev);
      prev = counts;
      const before = state.authFromLog;
      observe(state, snap({ aclLog: known(records) }), OFF);
      expect(state.authFromLog - before).toBe(fresh.reduce((s, f) => s + f.count, 0));
    }
    // History 2; then id 6 (3) and id 5's rise (2), id 1 below the ids seen is old; then a restart (ids back to 0).
    expect(state.authFromLog).toBe(8);
  });

  it('labels failures by user only when asked, capped, the rest as (other)', () => {
    const state = newTargetState();
    const o = observe(state, snap({ aclLog: known([log('auth', 'u1', 1), log('auth', 'u2', 2), log('auth', 'u3', 3)]) }), { labelUsers: 2 });
    expect(o.authFailuresByUser).toEqual(new Map([['u1', 1], ['u2', 2], [OTHER_USERS, 3]]));
    expect(observe(newTargetState(), snap({ aclLog: known([log('auth', 'u1', 1)]) }), OFF).authFailuresByUser).toBeUndefined();
  });

  it('compares users and config with the first poll', () => {
    const state = newTargetState();
    expect(observe(state, snap(), OFF)).toMatchObject({ aclUsers: 1, userChanges: { added: 0, removed: 0, modified: 0 }, driftDirectives: [] });
    const o = observe(state, snap({
      users: known([{ name: 'default', rules: 'off nopass ~* &* +@all' }, { name: 'intruder', rules: 'on #ab ~* +@all' }]),
      config: known({ maxclients: '10000', dir: '/tmp/x', 'new-one': 'x' }),
    }), OFF);
    expect(o.userChanges).toEqual({ added: 1, removed: 0, modified: 1 });
    expect(o.driftDirectives).toEqual(['dir', 'new-one']);
  });

  it('compares users with a users.acl baseline: enabled, nopass and password hashes', () => {
    const baseline = { file: 'users.acl', users: [{ name: 'app', enabled: true, hashes: ['AB'], nopass: false }, { name: 'gone', enabled: true, hashes: [], nopass: false }] };
    const o = observe(newTargetState(), snap({ users: known([{ name: 'app', rules: 'on #ab ~app:* +get' }, { name: 'default', rules: 'off nopass' }]) }), { labelUsers: 0, userBaseline: baseline });
    expect(o.userChanges).toEqual({ added: 1, removed: 1, modified: 0 });
    const changed = observe(newTargetState(), snap({ users: known([{ name: 'app', rules: 'on #cd ~app:* +get' }]) }), { labelUsers: 0, userBaseline: baseline });
    expect(changed.userChanges).toEqual({ added: 0, removed: 1, modified: 1 });
  });

  it('compares config with the plan when one is given (only the directives it sets)', () => {
    const o = observe(newTargetState(), snap({ config: known({ maxclients: '10000', 'protected-mode': 'no', other: 'x' }) }), { labelUsers: 0, configBaseline: () => ({ 'protected-mode': 'yes', maxclients: '10000' }) });
    expect(o.driftDirectives).toEqual(['protected-mode']);
  });

  it('dates the served chain by its earliest expiry, negative once expired', () => {
    const cert = (notAfter: string) => ({ notAfter } as WatchSnapshot['certificates'][number]);
    expect(observe(newTargetState(), snap({ certificates: [cert('2026-01-02T00:00:00Z'), cert('2026-01-01T01:00:00Z')] }), OFF).certExpirySeconds).toBe(3600);
    expect(observe(newTargetState(), snap({ certificates: [cert('2025-12-31T23:00:00Z')] }), OFF).certExpirySeconds).toBe(-3600);
  });
});

describe('findingVerdicts', () => {
  it('one verdict per rule and severity: failing when any finding fails; unknown and not applicable have none', () => {
    const f = (id: string, status: string, severity = 'high') => ({ id, status, severity }) as Report['findings'][number];
    const report = { findings: [f('A', 'pass'), f('A', 'fail'), f('B', 'waived'), f('C', 'unknown'), f('D', 'not_applicable'), f('E', 'pass', 'low')] } as Report;
    expect(findingVerdicts(report)).toEqual([
      { rule: 'A', severity: 'high', failing: 1 },
      { rule: 'B', severity: 'high', failing: 0 },
      { rule: 'E', severity: 'low', failing: 0 },
    ]);
  });
});
