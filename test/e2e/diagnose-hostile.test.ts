/**
 * Attacks on diagnose and its MCP tool (issue 10, items 1-4 and 11), against real servers:
 * - a stock 7.0 server with AUTH renamed echoes AUTH's arguments ("with args beginning with:
 *   'user' '<password>'"); nothing redsec prints may hold the password or a prefix of it, also when
 *   Redis cut the echo at 128 characters (CLI diagnose text and JSON, audit's stderr, MCP);
 * - the command to check may never change the connection's identity or state (AUTH, HELLO,
 *   SELECT, CLIENT ...): refused before any connection, on the CLI and over MCP;
 * - a password in a command-line URL gets one warning on stderr;
 * - user names planted in ACL LOG by failed AUTHs (ESC sequences, "\n[PASS] ...") are shown as
 *   escapes, never as terminal codes or lines that look like redsec's own.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnose, renderDiagnosisText } from '../../src/diagnose/index.js';
import { MIN_SECRET_PREFIX } from '../../src/resp/index.js';
import { URL_PASSWORD_WARNING } from '../../src/cli/url-password.js';
import { startFakeResp, type FakeRespServer } from '../helpers/fake-resp-server.js';
import { rawConnect } from '../helpers/raw-client.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { cli } from '../helpers/run-cli.js';
import { startMcp, textOf, type McpSession } from './mcp-client.js';

// Distinctive heads, so that finding MIN_SECRET_PREFIX of their characters in output means a leak.
const SHORT_PW = `Qz7k-${randomBytes(8).toString('hex')}`;
const LONG_PW = `Wx4j-${randomBytes(100).toString('hex')}`;
const ADMIN_PW = `Adm9-${randomBytes(8).toString('hex')}`;
/** Long enough that Redis's 128-character cut falls inside the password that follows it. */
const LONG_USER = `u${'s'.repeat(79)}`;

const dir = mkdtempSync(join(tmpdir(), 'redsec-diag-hostile-'));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, `${content}\n`, { mode: 0o600 });
  return path;
};
const SHORT_FILE = file('short.pw', SHORT_PW);
const LONG_FILE = file('long.pw', LONG_PW);
const ADMIN_FILE = file('admin.pw', ADMIN_PW);

/** No fragment of the secret long enough to matter appears in `text`. */
function expectNoLeak(text: string, secret: string): void {
  expect(text.length).toBeGreaterThan(0);
  expect(text).not.toContain(secret.slice(0, MIN_SECRET_PREFIX));
}

let renamed: RedisServer;
let acl: RedisServer;
let fake: FakeRespServer;

beforeAll(async () => {
  [renamed, acl] = await Promise.all([
    // AUTH under another name: the server answers AUTH with "unknown command", echoing its arguments.
    startRedis({ config: 'rename-command AUTH auth-renamed-by-operator' }),
    startRedis({ config: ['user default off', `user admin on >${ADMIN_PW} ~* &* +@all`, 'user app on >app-pw-1 ~app:* +@read'].join('\n') }),
  ]);
  fake = await startFakeResp();
});

afterAll(async () => {
  await Promise.all([renamed?.stop(), acl?.stop(), fake?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('secrets echoed by a server (items 1 and 2)', () => {
  it('the server really echoes the password (the attack is real)', async () => {
    const raw = await rawConnect(renamed.port);
    const reply = (await raw.call('AUTH', 'someuser', SHORT_PW)) as { error: string };
    raw.close();
    expect(reply.error).toContain(`'someuser' '${SHORT_PW}'`);
  });

  it('diagnose (library, CLI text, CLI JSON) never shows it', async () => {
    const url = `redis://someuser@127.0.0.1:${renamed.port}`;
    const d = await diagnose({ url, passwordFile: SHORT_FILE, env: {} });
    expect(d.ok).toBe(false);
    const text = renderDiagnosisText(d);
    expect(text).toMatch(/with args beginning with: \*\*\*/);
    expectNoLeak(text, SHORT_PW);
    expectNoLeak(JSON.stringify(d), SHORT_PW);
    for (const format of ['text', 'json']) {
      const r = await cli(['diagnose', url, '--password-file', SHORT_FILE, '--format', format], { REDSEC_PASSWORD: undefined, REDISCLI_AUTH: undefined });
      expectNoLeak(r.stdout + r.stderr, SHORT_PW);
    }
  });

  it('a password cut by the 128-character echo limit leaks no prefix through diagnose or audit stderr', async () => {
    const raw = await rawConnect(renamed.port);
    const reply = (await raw.call('AUTH', LONG_USER, LONG_PW)) as { error: string };
    raw.close();
    // The server shows the password's first characters only: an exact match would miss them.
    expect(reply.error).toContain(LONG_PW.slice(0, 40));
    expect(reply.error).not.toContain(LONG_PW);
    const url = `redis://${LONG_USER}@127.0.0.1:${renamed.port}`;
    const env = { REDSEC_PASSWORD: undefined, REDISCLI_AUTH: undefined };
    const d = await cli(['diagnose', url, '--password-file', LONG_FILE, '--format', 'json'], env);
    expectNoLeak(d.stdout + d.stderr, LONG_PW);
    const a = await cli(['audit', url, '--password-file', LONG_FILE], env);
    expect(a.code).toBe(3);
    expect(a.stderr).toMatch(/E603/);
    expectNoLeak(a.stdout + a.stderr, LONG_PW);
  });

  it('MCP diagnose_connection hands the model no password', async () => {
    const mcp: McpSession = await startMcp(['--target', `renamed=redis://someuser@127.0.0.1:${renamed.port}`, '--password-file', `renamed=${SHORT_FILE}`]);
    try {
      const r = await mcp.call('diagnose_connection', { target: 'renamed' });
      expectNoLeak(JSON.stringify(r), SHORT_PW);
      expect(textOf(r)).toMatch(/unknown command 'AUTH', with args beginning with: \*\*\*/);
    } finally {
      await mcp.close();
    }
  });
});

describe('the command to check never changes the connection (item 3)', () => {
  const refused = ['AUTH admin guess', 'auth guess', 'HELLO 3 AUTH admin guess', 'HELLO 3', 'hello', 'SELECT 1', 'CLIENT SETNAME x', 'CLIENT INFO', 'RESET', 'MULTI', 'SUBSCRIBE ch', 'QUIT'];

  it('the CLI refuses each with exit 2, naming the command only, before any connection', async () => {
    const before = fake.connections;
    for (const command of refused) {
      const r = await cli(['diagnose', `redis://127.0.0.1:${fake.port}`, '--command', command]);
      expect(r.code, command).toBe(2);
      expect(r.stderr).toMatch(/diagnose does not check '(AUTH|HELLO|SELECT|CLIENT|RESET|MULTI|SUBSCRIBE|QUIT)': it changes the connection's identity or state/);
      expect(r.stderr).not.toContain('guess');
    }
    await expect(diagnose({ url: `redis://127.0.0.1:${fake.port}`, command: ['Auth', 'admin', 'guess'], env: {} })).rejects.toThrow(/does not check 'AUTH'/);
    expect(fake.connections).toBe(before);
  });

  it('over MCP, a model cannot try passwords or switch users: tool error, no connection, no AUTH sent', async () => {
    const mcp = await startMcp(['--target', `acl=redis://admin@127.0.0.1:${acl.port}`, '--password-file', `acl=${ADMIN_FILE}`, '--target', `fake=redis://127.0.0.1:${fake.port}`]);
    try {
      const raw = await rawConnect(acl.port);
      expect(await raw.call('AUTH', 'admin', ADMIN_PW)).toBe('OK');
      await raw.call('ACL', 'LOG', 'RESET');
      const before = fake.connections;
      for (const command of ['AUTH app app-pw-1', 'HELLO 3 AUTH app app-pw-1', 'HELLO 3 AUTH app app-pw-1 SETNAME x', 'CLIENT SETNAME pwned', 'SELECT 2']) {
        for (const target of ['acl', 'fake']) {
          const r = await mcp.call('diagnose_connection', { target, command });
          expect(r.isError, `${target}: ${command}`).toBe(true);
          expect(textOf(r)).toMatch(/^usage error: diagnose does not check/);
          expect(textOf(r)).not.toContain('app-pw-1');
        }
      }
      expect(fake.connections).toBe(before);
      // The server saw no authentication attempt as 'app': no oracle, no success, no failure.
      const stats = (await raw.call('ACL', 'LOG')) as unknown[];
      expect(JSON.stringify(stats)).not.toContain('"app"');
      const clients = (await raw.call('CLIENT', 'LIST')) as string;
      expect(clients).not.toMatch(/user=app\b|name=pwned/);
      raw.close();
      // A read-only command is still checked, as the same user (admin), on the same server.
      const ok = await mcp.call('diagnose_connection', { target: 'acl', command: 'GET app:1' });
      expect(ok.isError).toBeFalsy();
    } finally {
      await mcp.close();
    }
  });
});

describe('a password in a command-line URL (item 4)', () => {
  it('is warned about once on stderr, with where it belongs, and never echoed', async () => {
    const env = { REDSEC_PASSWORD: undefined, REDISCLI_AUTH: undefined };
    const d = await cli(['diagnose', `redis://someuser:${SHORT_PW}@127.0.0.1:${renamed.port}`], env);
    expect(d.stderr.split(URL_PASSWORD_WARNING)).toHaveLength(2);
    expect(d.stderr).toMatch(/--password-file.*REDSEC_PASSWORD/);
    expectNoLeak(d.stdout + d.stderr, SHORT_PW);
    const a = await cli(['audit', `redis://:${SHORT_PW}@127.0.0.1:${renamed.port}`, `redis://u:${SHORT_PW}@127.0.0.1:${fake.port}`], env);
    expect(a.stderr.split(URL_PASSWORD_WARNING)).toHaveLength(2);
    expectNoLeak(a.stdout + a.stderr, SHORT_PW);
    const none = await cli(['diagnose', `redis://someuser@127.0.0.1:${renamed.port}`, '--password-file', SHORT_FILE], env);
    expect(none.stderr).not.toContain(URL_PASSWORD_WARNING);
  });
});

describe('user names planted in ACL LOG by failed AUTHs (item 11)', () => {
  const HOSTILE = ['\x1b[2J\x1b[31mevil', 'x\n[PASS] AUTH-NOPASS-DEFAULT no default user', 'bidi\u202eevil\r\n[PASS] TLS-ON'];

  beforeAll(async () => {
    // Anyone who reaches the port can do this: no credentials needed to fail an AUTH.
    const attacker = await rawConnect(acl.port);
    for (const name of HOSTILE) await attacker.call('AUTH', name, 'whatever');
    attacker.close();
  });

  it('diagnose text (CLI and MCP) shows them as escapes: no ESC, no forged line', async () => {
    const r = await cli(['diagnose', `redis://admin@127.0.0.1:${acl.port}`, '--password-file', ADMIN_FILE], { REDSEC_PASSWORD: undefined, REDISCLI_AUTH: undefined });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("user 'x\\n[PASS] AUTH-NOPASS-DEFAULT no default user' auth");
    expect(r.stdout).toContain('\\x1b[2J\\x1b[31mevil');
    expect(r.stdout).toContain('\\u202e');
    for (const out of [r.stdout, r.stderr]) {
      expect(out).not.toMatch(/[\x1b\r\u202e]/);
      expect(out.split('\n').some((l) => l.trimStart().startsWith('[PASS]'))).toBe(false);
    }
    const mcp = await startMcp(['--target', `acl=redis://admin@127.0.0.1:${acl.port}`, '--password-file', `acl=${ADMIN_FILE}`]);
    try {
      const text = textOf(await mcp.call('diagnose_connection', { target: 'acl' }));
      expect(text).toContain('AUTH-NOPASS-DEFAULT');
      expect(text).not.toMatch(/[\x1b\r\u202e]/);
      expect(text.split('\n').some((l) => l.trimStart().startsWith('[PASS]'))).toBe(false);
    } finally {
      await mcp.close();
    }
  });
});
