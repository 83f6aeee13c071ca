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
      if (cmd === 'MODULE LIST') return [];
      if (cmd === 'CLIENT LIST') return 'id=3 addr=127.0.0.1:50000 laddr=127.0.0.1:6379 fd=8 name= age=0 idle=0 flags=N db=0 user=default cmd=client\n';
      if (cmd === 'COMMAND LIST') return new RespError("ERR Unknown subcommand or wrong number of arguments for 'LIST'. Try COMMAND HELP.");
      if (cmd === 'COMMAND INFO') return WATCHED_COMMANDS.map((c) => (c === 'flushall' ? null : [c]));
      if (cmd === 'HELLO 2') return ['server', 'redis', 'version', '6.2.16'];
      throw new Error(`unexpected ${args.join(' ')}`);
    });
    const facts = await collectLive(conn, 'redis://127.0.0.1:6379');
    expect(facts).toMatchObject({ flavor: 'redis', version: '6.2.16', versionId: '6.2', auditUser: 'default' });
    expect(facts.dryrun).toEqual({ known: false, why: 'ACL DRYRUN is not available on 6.2 (7.0+)' });
    expect(conn.sent.some((c) => c[1] === 'DRYRUN')).toBe(false);
    expect(facts.renamedCommands).toEqual({ known: true, value: [{ command: 'flushall', to: '' }] });
    expect(facts.config.known && facts.config.value['acl-pubsub-default']?.value).toBe('allchannels');
    expect(facts.clients).toEqual({ known: true, value: [{ addr: '127.0.0.1:50000', user: 'default', name: '' }] });
    expect(conn.sent.filter((c) => c[0] === 'INFO').map((c) => c[1])).toEqual([...INFO_SECTIONS]);
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
