/**
 * The live collector's branches that the local 7.0.15 server cannot take, replayed from the real
 * 6.2.16 server's replies (INFO server, CONFIG GET * and ACL LIST as stored in data/versions; the
 * 6.2 "Unknown subcommand" error for COMMAND LIST): no ACL DRYRUN before 7.0, COMMAND INFO as the
 * rename fallback, and every refusal turned into `unknown` with the server's reason.
 */
import { describe, expect, it } from 'vitest';
import { versionTable } from '../versions/index.js';
import { RespError } from '../resp/index.js';
import { collectLive, INFO_SECTIONS, type ProbeConnection } from './live.js';
import { WATCHED_COMMANDS } from './probes.js';
import { RULES, runRules } from '../rules/index.js';

const t62 = versionTable('6.2');
const INFO_SERVER_62 = '# Server\r\nredis_version:6.2.16\r\nredis_git_sha1:00000000\r\nredis_mode:standalone\r\ntcp_port:18102\r\n';

function replay(answer: (args: string[]) => unknown): ProbeConnection & { sent: string[][] } {
  const sent: string[][] = [];
  return {
    sent,
    pipeline: async (commands) => {
      sent.push(...commands);
      return commands.map(answer);
    },
  };
}

describe('collectLive on a 6.2 server (replayed replies)', () => {
  it('skips ACL DRYRUN, falls back to COMMAND INFO and keeps the rest', async () => {
    const conn = replay((args) => {
      const cmd = args.slice(0, 2).join(' ').toUpperCase();
      if (args[0] === 'INFO') return args[1] === 'server' ? INFO_SERVER_62 : `# ${args[1]}\r\n`;
      if (cmd === 'CONFIG GET') return Object.entries(t62.config).flat();
      if (cmd === 'ACL LIST') return t62.defaultAclList;
      if (cmd === 'ACL WHOAMI') return 'default';
      if (cmd === 'ACL LOG') return [];
      if (cmd === 'ACL CAT') return args.length === 2 ? t62.categories : new RespError('ERR not expected');
      if (cmd === 'MODULE LIST') return [];
      if (cmd === 'CLIENT LIST') return 'id=3 addr=127.0.0.1:50000 laddr=127.0.0.1:6379 fd=8 name= age=0 idle=0 flags=N db=0 user=default cmd=client\n';
      if (cmd === 'COMMAND LIST') return new RespError("ERR Unknown subcommand or wrong number of arguments for 'LIST'. Try COMMAND HELP.");
      if (cmd === 'COMMAND INFO') return args.slice(2).map((c) => (c === 'flushall' ? null : [c]));
      if (cmd === 'HELLO 2') return ['server', 'redis', 'version', '6.2.16'];
      throw new Error(`unexpected ${args.join(' ')}`);
    });
    const facts = await collectLive(conn, 'redis://127.0.0.1:6379');
    expect(facts).toMatchObject({ flavor: 'redis', version: '6.2.16', versionId: '6.2', auditUser: 'default' });
    expect(facts.dryrun).toEqual({ known: false, why: 'ACL DRYRUN is not available on 6.2 (7.0+)' });
    expect(conn.sent.some((c) => c[1] === 'DRYRUN')).toBe(false);
    // 6.2's COMMAND INFO cannot tell a rename from "": the new name is not visible (to: null).
    expect(facts.renamedCommands).toEqual({ known: true, value: [{ command: 'flushall', to: null, ambiguous: true, evidence: expect.stringContaining('6.2 has no COMMAND LIST') }] });
    // FUNCTION and FCALL do not exist before 7.0: not asked about, so never "renamed or disabled".
    const asked = conn.sent.find((c) => c[0] === 'COMMAND' && c[1] === 'INFO')!.slice(2);
    expect(asked).toEqual(WATCHED_COMMANDS.filter((c) => c !== 'function' && c !== 'fcall'));
    expect(facts.config.known && facts.config.value['acl-pubsub-default']?.value).toBe('allchannels');
    expect(facts.clients).toEqual({ known: true, value: [{ addr: '127.0.0.1:50000', user: 'default', name: '' }] });
    expect(conn.sent.filter((c) => c[0] === 'INFO').map((c) => c[1])).toEqual([...INFO_SECTIONS]);
    // ACL CAT names only the table's categories: nothing more to read.
    expect(facts.extraAclCategories).toEqual({ known: true, value: {} });
  });

  it('turns refusals into unknown with the server’s words, never into empty lists', async () => {
    const noperm = (what: string) => new RespError(`NOPERM this user has no permissions to run the '${what}' command or its subcommand`);
    const conn = replay((args) => (args[0] === 'HELLO' ? ['server', 'redis', 'version', '6.2.16', 'mode', 'standalone'] : noperm(args[0]?.toLowerCase() ?? '')));
    const facts = await collectLive(conn, 'redis://127.0.0.1:6379', { authenticatedAs: 'app' });
    for (const k of ['info', 'config', 'users', 'modules', 'clients', 'aclLog', 'renamedCommands'] as const) {
      const v = facts[k];
      expect(v.known, k).toBe(false);
      expect(!v.known && v.why, k).toMatch(/NOPERM/);
    }
    expect(facts).toMatchObject({ version: '6.2.16', versionId: '6.2', auditUser: 'app', mode: { known: true, value: 'standalone' } });
  });
});

describe('a hardened 6.2 baseline (replayed from the 6.2.16 facts; 6.2 cannot be installed here)', () => {
  // What generate --redis-version 6.2 --level hardened sets up: DEBUG and MODULE disabled with
  // rename-command "" (6.2 has no enable-*-command), users restricted by ACL.
  const USERS = [
    'user default off nopass -@all',
    'user admin on #0a0e3a9d1c2f1e0b8c6f6d3f1f4f7c2d5e9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c ~* &* +@all',
    'user app on #1b1f4bae2d3a2f1c9d7a7e4a2a5b8d3e6fac9b8d7e6f5a4b3c2d1e0fa9b8c7d6 ~app:* resetchannels -@all +@read +@write -@dangerous -@scripting',
  ];
  const conn = replay((args) => {
    const cmd = args.slice(0, 2).join(' ').toUpperCase();
    if (args[0] === 'INFO') return args[1] === 'server' ? INFO_SERVER_62 : `# ${args[1]}\r\n`;
    if (cmd === 'CONFIG GET') return Object.entries({ ...t62.config, 'acl-pubsub-default': 'resetchannels', 'sanitize-dump-payload': 'yes' }).flat();
    if (cmd === 'ACL LIST') return USERS;
    if (cmd === 'ACL WHOAMI') return 'admin';
    if (cmd === 'ACL LOG' || cmd === 'MODULE LIST') return [];
    if (cmd === 'ACL CAT') return t62.categories;
    if (cmd === 'CLIENT LIST') return '';
    if (cmd === 'COMMAND LIST') return new RespError("ERR Unknown subcommand or wrong number of arguments for 'LIST'. Try COMMAND HELP.");
    // Every command 6.2 has answers, except the two the baseline disabled.
    if (cmd === 'COMMAND INFO') return args.slice(2).map((c) => (c === 'debug' || c === 'module' ? null : [c]));
    if (cmd === 'HELLO 2') return ['server', 'redis', 'version', '6.2.16'];
    throw new Error(`unexpected ${args.join(' ')}`);
  });

  it('has no finding about commands 6.2 never had, and no failing ACL rule', async () => {
    const facts = await collectLive(conn, 'redis://127.0.0.1:6379');
    const acl = RULES.filter((r) => r.id.startsWith('ACL-'));
    const findings = runRules(facts, { mode: 'live', profile: null }, acl);
    const shown = findings.map((f) => `${f.id} ${f.status}: ${f.evidence}`).join('\n');
    expect(shown).not.toMatch(/\b(function|fcall|FUNCTION|FCALL)\b.*(renamed|disabled)/);
    expect(findings.filter((f) => f.status === 'fail'), shown).toEqual([]);
    // The ACL rules that probe FCALL/FUNCTION decide them from the command table, not "unknown".
    const scripting = findings.filter((f) => f.id === 'ACL-SCRIPTING');
    expect(scripting.length).toBeGreaterThan(0);
    expect(scripting.every((f) => f.status === 'pass'), shown).toBe(true);
    // DEBUG/MODULE: renamed or disabled, the server does not show which: unknown, not fail.
    const rename = findings.filter((f) => f.id === 'ACL-RENAME-DEPRECATED');
    expect(rename.map((f) => f.status)).toEqual(['unknown', 'unknown']);
  });
});
