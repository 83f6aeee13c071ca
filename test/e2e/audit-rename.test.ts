/**
 * rename-command against a real redis-server 7.0.15 booted with the directives: 7.x keeps a renamed
 * command's original name in COMMAND LIST while COMMAND INFO and the command itself say "unknown",
 * so the audit must fail ACL-RENAME-DEPRECATED with that evidence (not pass), tell a rename from
 * "" (disabled), and read CONFIG under --config-command NAME only once the server confirms NAME is
 * CONFIG (a wrong name must never be sent as `NAME GET *`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { rawConnect } from '../helpers/raw-client.js';
import { cli } from '../helpers/run-cli.js';
import { connect, parseTarget } from '../../src/resp/index.js';
import { collectTarget } from '../../src/audit/collect-target.js';
import { runRules } from '../../src/rules/index.js';
import { ForbiddenCommandError } from '../../src/errors.js';
import { diagnose } from '../../src/diagnose/index.js';

const ALIAS = 'cfg_9qT4zLw2';

describe('audit of a server with rename-command (redis-server 7.0.15)', () => {
  let server: RedisServer;
  let url: string;
  beforeAll(async () => {
    server = await startRedis({
      config: [`rename-command CONFIG ${ALIAS}`, 'rename-command FLUSHALL ""', 'user default on nopass ~* &* +@all'].join('\n'),
    });
    url = `redis://127.0.0.1:${server.port}`;
    const c = await rawConnect(server.port);
    await c.call('SET', 'canary', 'alive');
    c.close();
  });
  afterAll(async () => {
    await server?.stop();
  });

  const renameFindings = async (configCommand?: string) => {
    const facts = await collectTarget(parseTarget(url), { configCommand });
    return { facts, findings: runRules(facts, { mode: 'live', profile: null }).filter((f) => f.id === 'ACL-RENAME-DEPRECATED') };
  };

  it('fails with the contradiction as evidence: COMMAND LIST lists config, CONFIG GET is an unknown command', async () => {
    const { facts, findings } = await renameFindings();
    expect(facts.config.known).toBe(false);
    expect(findings.every((f) => f.status === 'fail')).toBe(true);
    const config = findings.find((f) => f.evidence.startsWith('CONFIG'));
    expect(config?.evidence).toContain('CONFIG is renamed to a name the server does not show');
    expect(config?.evidence).toContain('COMMAND LIST lists config, but COMMAND INFO config answers nil');
    expect(config?.evidence).toMatch(/CONFIG GET \* fails: ERR unknown command 'CONFIG'/);
    const flushall = findings.find((f) => f.evidence.startsWith('FLUSHALL'));
    expect(flushall?.evidence).toContain('FLUSHALL is disabled: rename-command FLUSHALL ""');
    expect(findings).toHaveLength(2);
  });

  it('--config-command reads CONFIG under its new name, and says so in the evidence', async () => {
    const { facts, findings } = await renameFindings(ALIAS);
    expect(facts.config.known && facts.config.value['port']?.value).toBe(String(server.port));
    expect(facts.configCommand).toMatchObject({ name: ALIAS, verified: true });
    const config = findings.find((f) => f.evidence.includes('CONFIG'));
    expect(config?.status).toBe('fail');
    expect(config?.evidence).toContain(`rename-command CONFIG (renamed; prefer ACL rules)`);
    expect(config?.evidence).toContain(`--config-command ${ALIAS}: COMMAND INFO ${ALIAS} answers for config`);
  });

  it('never sends a --config-command name the server does not call CONFIG', async () => {
    for (const name of ['SET', 'nosuchcmd', 'DEL']) {
      const facts = await collectTarget(parseTarget(url), { configCommand: name });
      expect(facts.configCommand?.verified).toBe(false);
      expect(facts.config.known).toBe(false);
      expect(!facts.config.known && facts.config.why).toContain(`--config-command ${name}:`);
    }
    const c = await rawConnect(server.port);
    // `SET GET *` would have created the key GET; `DEL GET *` would have deleted nothing visible, so check the canary too.
    expect(await c.call('EXISTS', 'GET')).toBe(0);
    expect(await c.call('GET', 'canary')).toBe('alive');
    c.close();
  });

  it('allows exactly NAME GET on that connection, nothing else of NAME', async () => {
    const conn = await connect(parseTarget(url), { configCommand: ALIAS });
    try {
      expect(conn.configCommand?.verified).toBe(true);
      const reply = await conn.call(['CONFIG', 'GET', 'maxmemory']);
      expect(reply).toEqual(['maxmemory', '0']);
      await expect(conn.call([ALIAS, 'SET', 'maxmemory', '1'])).rejects.toBeInstanceOf(ForbiddenCommandError);
      await expect(conn.call(['CONFIG', 'SET', 'maxmemory', '1'])).rejects.toBeInstanceOf(ForbiddenCommandError);
      await expect(conn.call([ALIAS, 'REWRITE'])).rejects.toBeInstanceOf(ForbiddenCommandError);
    } finally {
      conn.close();
    }
  });

  it('diagnose --config-command: verified and noted, or noted as not used', async () => {
    const ok = await diagnose({ url, env: {}, configCommand: ALIAS });
    expect(ok.notes.find((n) => n.name === 'CONFIG_COMMAND')).toMatchObject({ kind: 'used', summary: expect.stringContaining(`COMMAND INFO ${ALIAS} answers for config`) });
    const wrong = await diagnose({ url, env: {}, configCommand: 'SET' });
    expect(wrong.notes.find((n) => n.name === 'CONFIG_COMMAND')).toMatchObject({ kind: 'not-used', summary: expect.stringContaining("the server's 'set' command, not CONFIG") });
    const c = await rawConnect(server.port);
    expect(await c.call('EXISTS', 'GET')).toBe(0);
    c.close();
  });

  it('redsec audit --config-command: exit by findings, CONFIG read, one-line usage error for a bad name', async () => {
    const r = await cli(['audit', url, '--config-command', ALIAS, '--format', 'json', '--fail-on', 'critical']);
    const report = JSON.parse(r.stdout);
    const ev = JSON.stringify(report);
    expect(ev).toContain(`--config-command ${ALIAS}`);
    const bad = await cli(['audit', url, '--config-command', 'two words']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});
