/**
 * The ACL rules decide with live ACL DRYRUN when the audit gathered it and with the ACL engine on
 * the users' rules otherwise. Against a real redis-server 7.0.15 both paths must give the same
 * verdicts for every user, so lint (engine only) and audit (DRYRUN) agree.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { collectTarget } from '../../src/audit/index.js';
import { parseTarget } from '../../src/resp/index.js';
import type { ServerFacts } from '../../src/facts/types.js';
import { runRules } from '../../src/rules/index.js';

const PW = 'agree-admin-pw-9c1e';
const USERS = [
  'user default off',
  `user admin on >${PW} ~* &* +@all`,
  'user app1 on >x1-long-secret ~app:* resetchannels -@all +@read +@write -@dangerous',
  'user app2 on >x2-long-secret ~app:* resetchannels +@all -@dangerous',
  'user app3 on >x3-long-secret ~* resetchannels -@all +@read +@write +@scripting +config|get',
  'user app4 on >x4-long-secret ~app:* resetchannels -@all +@keyspace +monitor +replicaof',
  'user app5 on >x5-long-secret ~app:* resetchannels -@all +@admin -acl',
  'user app6 on >x6-long-secret resetchannels -@all +get (~cache:* +@all)',
  'user replica-link on >x7-long-secret -@all +psync +replconf +ping',
  'user exporter on >x8-long-secret -@all +info +ping +client|list +eval allkeys',
];
const ACL_IDS = ['ACL-DANGEROUS', 'ACL-SCRIPTING', 'ACL-REPLICAOF', 'CMD-KEYS-FLUSH', 'CMD-MONITOR', 'CMD-LUA-LIMITS', 'ACL-ROLE-TEMPLATES'];

describe('ACL verdicts: live DRYRUN and the engine agree on a real server', () => {
  let server: RedisServer;
  let facts: ServerFacts;

  beforeAll(async () => {
    server = await startRedis({ config: USERS.join('\n') });
    facts = await collectTarget(parseTarget(`redis://admin:${PW}@127.0.0.1:${server.port}`), {});
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('DRYRUN was gathered for every user', () => {
    expect(facts.dryrun.known).toBe(true);
    if (facts.dryrun.known) expect(Object.keys(facts.dryrun.value).sort()).toEqual(['admin', 'app1', 'app2', 'app3', 'app4', 'app5', 'app6', 'default', 'exporter', 'replica-link']);
  });

  it('gives the same status and subjects with DRYRUN as with the engine alone', () => {
    const ctx = { mode: 'live' as const, profile: null };
    const shape = (f: ServerFacts) =>
      runRules(f, ctx)
        .filter((x) => ACL_IDS.includes(x.id))
        .map((x) => `${x.id} ${x.status} ${x.evidence.replace(/ \(decided by [^)]*\)/, '')}`);
    const withDryrun = shape(facts);
    const engineOnly = shape({ ...facts, dryrun: { known: false, why: 'hidden for the comparison' } });
    expect(engineOnly).toEqual(withDryrun);
    // And the verdicts are the expected ones, not vacuous agreement.
    expect(withDryrun).toContain('ACL-DANGEROUS fail user app3 may run CONFIG GET x, FLUSHALL');
    expect(withDryrun.filter((l) => l.startsWith('ACL-DANGEROUS fail')).map((l) => l.split(' ')[3])).toEqual(['app3', 'app4', 'app5', 'app6']);
    // app4's +@keyspace carries FLUSHALL (@keyspace @write @dangerous): both the server and the engine say so.
    expect(withDryrun).toContain('CMD-MONITOR fail user app4 may run MONITOR');
    expect(withDryrun).toContain('ACL-REPLICAOF fail user app4 may run REPLICAOF NO ONE');
    expect(runRules(facts, ctx).find((x) => x.id === 'ACL-DANGEROUS' && x.evidence.includes('app3'))?.evidence).toContain('decided by ACL DRYRUN');
  });
});
