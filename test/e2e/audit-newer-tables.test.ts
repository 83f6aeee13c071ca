/**
 * Servers newer than redsec's tables (issue 13): a replay proxy answers with a real 7.0.15 server's
 * replies but claims Redis 8.4.0 (with Redis 8's built-in vectorset module and the module categories
 * @search/@json of a "with modules" build) or Valkey 9.0.0. The audit works from the nearest tables
 * and says so; the real 7.0.15 server, audited directly, is judged by its own tables with no note.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReplayProxy, type FakeRespServer } from '../helpers/fake-resp-server.js';
import type { Reply } from '../helpers/raw-client.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { cli } from '../helpers/run-cli.js';
import { lintFiles } from '../../src/audit/index.js';
import type { Report } from '../../src/report/types.js';

const ENV = { REDSEC_PASSWORD: undefined, REDISCLI_AUTH: undefined };
const SEARCHER = 'user searcher on nopass ~* resetchannels -@all +@read +@search';

/** Replaces the version lines of INFO and HELLO; everything else is the real server's reply. */
function claim(version: string, valkey: boolean) {
  return (args: string[], reply: Reply): Reply => {
    const cmd = args.map((a) => a.toUpperCase());
    if (cmd[0] === 'INFO' && typeof reply === 'string') {
      return reply.replace(/redis_version:7\.0\.15/, valkey ? `redis_version:7.2.4\r\nserver_name:valkey\r\nvalkey_version:${version}` : `redis_version:${version}`);
    }
    if (cmd[0] === 'HELLO' && Array.isArray(reply)) {
      return reply.map((x, i) => (reply[i - 1] === 'version' ? version : reply[i - 1] === 'server' && valkey ? 'valkey' : x));
    }
    if (valkey) return reply;
    // What a Redis 8 "with modules" build adds: the built-in vectorset, module categories, a user naming one.
    if (cmd[0] === 'MODULE' && cmd[1] === 'LIST') return [['name', 'vectorset', 'ver', 1, 'path', '', 'args', []]];
    if (cmd[0] === 'ACL' && cmd[1] === 'CAT' && cmd.length === 2 && Array.isArray(reply)) return [...reply, 'search', 'json'];
    if (cmd[0] === 'ACL' && cmd[1] === 'CAT' && cmd[2] === 'SEARCH') return ['ft.search', 'ft.info', 'ft.aggregate'];
    if (cmd[0] === 'ACL' && cmd[1] === 'CAT' && cmd[2] === 'JSON') return ['json.get', 'json.set'];
    if (cmd[0] === 'ACL' && cmd[1] === 'LIST' && Array.isArray(reply)) return [...reply, SEARCHER];
    return reply;
  };
}

async function audit(port: number, format = 'json'): Promise<string> {
  const r = await cli(['audit', `redis://127.0.0.1:${port}`, '--format', format, '--timeout', '5000'], ENV);
  expect(r.stderr).toBe('');
  return r.stdout;
}
const findings = (report: Report, id: string) => report.findings.filter((f) => f.id === id);

describe('audit of servers newer than the tables', () => {
  let real: RedisServer;
  let redis84: FakeRespServer;
  let valkey90: FakeRespServer;
  beforeAll(async () => {
    real = await startRedis({});
    [redis84, valkey90] = await Promise.all([startReplayProxy(real.port, claim('8.4.0', false)), startReplayProxy(real.port, claim('9.0.0', true))]);
  });
  afterAll(async () => {
    await Promise.all([redis84?.stop(), valkey90?.stop()]);
    await real?.stop();
  });

  it('the real 7.0.15 is judged by its own tables, with no note', async () => {
    const report = JSON.parse(await audit(real.port)) as Report;
    expect(report.server).toEqual({ flavor: 'redis', version: '7.0.15', tables: { id: '7.0', from: 'Redis 7.0.15' } });
  });

  it('Redis 8.4.0: the 8.0 tables, the note, vectorset built in, @search read live from ACL CAT', async () => {
    const report = JSON.parse(await audit(redis84.port)) as Report;
    expect(report.error).toBeUndefined();
    expect(report.server).toEqual({
      flavor: 'redis',
      version: '8.4.0',
      tables: { id: '8.0', from: 'Redis 8.0.2', note: "Redis 8.4.0 is newer than redsec's tables: judged with the 8.0 tables (from Redis 8.0.2); commands, categories and directives those tables lack are judged unknown" },
    });
    expect(findings(report, 'IOC-UNKNOWN-MODULE')).toMatchObject([{ status: 'pass', evidence: "only the server's built-in modules are loaded: vectorset built into Redis 8.4.0" }]);
    // The user whose rules name @search is evaluated, not rejected: the category came from ACL CAT.
    const text = JSON.stringify(report.findings);
    expect(text).not.toContain('rejects the rules of searcher');
    expect(text).not.toContain('a category the tables lack');
    expect(redis84.commands.filter((c) => c[0]?.toUpperCase() === 'ACL' && c[1]?.toUpperCase() === 'CAT')).toEqual([['ACL', 'CAT'], ['ACL', 'CAT', 'search'], ['ACL', 'CAT', 'json']]);
    const shown = await audit(redis84.port, 'text');
    expect(shown.split('\n')).toContain(`note: ${report.server.tables?.note}`);
  });

  it('the same user offline: the rules name a category the tables lack, judged unknown and said so', () => {
    const dir = mkdtempSync(join(tmpdir(), 'redsec-newer-'));
    writeFileSync(join(dir, 'users.acl'), `user default on nopass ~* &* +@all\n${SEARCHER}\n`);
    writeFileSync(join(dir, 'redis.conf'), `bind 127.0.0.1\naclfile ${join(dir, 'users.acl')}\n`);
    const report = lintFiles(join(dir, 'redis.conf'), { profile: null, redisVersion: '8.0' });
    expect(JSON.stringify(report.findings)).toContain('the rules of searcher name a category the tables lack: @search is not a category of the 8.0 tables (a module category');
  });

  it('Valkey 9.0.0: the valkey-8.1 tables and the note', async () => {
    const report = JSON.parse(await audit(valkey90.port)) as Report;
    expect(report.error).toBeUndefined();
    expect(report.server).toEqual({
      flavor: 'valkey',
      version: '9.0.0',
      tables: { id: 'valkey-8.1', from: 'Valkey 8.1.1', note: "Valkey 9.0.0 is newer than redsec's tables: judged with the valkey-8.1 tables (from Valkey 8.1.1); commands, categories and directives those tables lack are judged unknown" },
    });
  });
});
