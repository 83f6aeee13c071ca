/**
 * The RESP client against a real redis-server 7.0.15 over plain TCP: authentication (AUTH and
 * HELLO), exact error codes, pipelining order, and the allowlist proven on the server side.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { rawConnect, type RawClient } from '../helpers/raw-client.js';
import { connect, parseTarget, RespError, type RespReply } from '../../src/resp/index.js';
import { ForbiddenCommandError } from '../../src/errors.js';
import { failure } from '../helpers/connection-failure.js';

const ADMIN_PASSWORD = 'adm1n-Pass-0001';
const APP_PASSWORD = 'app-Pass-0002';

let server: RedisServer;
let admin: RawClient;

beforeAll(async () => {
  server = await startRedis({ config: `requirepass ${ADMIN_PASSWORD}` });
  admin = await rawConnect(server.port);
  await admin.call('AUTH', ADMIN_PASSWORD);
  await admin.call('ACL', 'SETUSER', 'app', 'on', `>${APP_PASSWORD}`, '~app:*', '+@read', '+ping', '+acl|whoami', '+info');
  await admin.call('ACL', 'SETUSER', 'offuser', 'off', `>${APP_PASSWORD}`, '+@all');
  await admin.call('SET', 'app:1', 'x');
});

afterAll(async () => {
  admin?.close();
  await server?.stop();
});

const url = () => parseTarget(`redis://127.0.0.1:${server.port}`);


/** INFO stats/commandstats through the unrestricted test client. */
async function serverStats(): Promise<Record<string, string>> {
  const text = (await admin.call('INFO', 'everything')) as string;
  const out: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

describe('RESP client against redis-server (plain)', () => {
  it('AUTH with user and password, first and only when asked', async () => {
    const conn = await connect(url(), { auth: { user: 'app', password: APP_PASSWORD } });
    expect(conn.authReply).toBe('OK');
    expect(await conn.call(['ACL', 'WHOAMI'])).toBe('app');
    conn.close();
  });

  it('AUTH with the password only authenticates the default user', async () => {
    const conn = await connect(url(), { auth: { password: ADMIN_PASSWORD } });
    expect(await conn.call(['ACL', 'WHOAMI'])).toBe('default');
    conn.close();
  });

  it('HELLO 3 AUTH switches to RESP3 and authenticates', async () => {
    const conn = await connect(url(), { auth: { user: 'app', password: APP_PASSWORD, via: 'HELLO', protocol: 3 } });
    expect(conn.authReply).toBeInstanceOf(Map);
    const hello = conn.authReply as Map<RespReply, RespReply>;
    expect(hello.get('server')).toBe('redis');
    expect(hello.get('proto')).toBe(3);
    expect(await conn.call(['ACL', 'WHOAMI'])).toBe('app');
    conn.close();
  });

  it('PING before AUTH, then AUTH and the first commands in the same write: the PING runs unauthenticated, the rest as the user', async () => {
    const conn = await connect(url(), {
      auth: { user: 'app', password: APP_PASSWORD },
      pingBeforeAuth: true,
      initialCommands: [['ACL', 'WHOAMI'], ['PING']],
    });
    expect(conn.unauthenticatedReply).toBeInstanceOf(RespError);
    expect((conn.unauthenticatedReply as RespError).code).toBe('NOAUTH');
    expect(conn.authReply).toBe('OK');
    expect(conn.initialReplies).toEqual(['app', 'PONG']);
    conn.close();
    // A wrong password still fails the connection, whatever was queued behind AUTH.
    const e = await failure(connect(url(), { auth: { user: 'app', password: 'wrong-Pass-9' }, pingBeforeAuth: true, initialCommands: [['ACL', 'WHOAMI']] }));
    expect(e.code).toBe('E603');
    expect(e.message).not.toContain('wrong-Pass-9');
  });

  it('a closed connection refuses further commands with CLOSED', async () => {
    const conn = await connect(url(), { auth: { password: ADMIN_PASSWORD } });
    conn.close();
    expect(conn.closed).toBe(true);
    const e = await failure(conn.call(['PING']));
    expect(e.code).toBe('CLOSED');
    expect(e.message).toContain('closed by redsec');
  });

  it('NOAUTH is returned with its exact code when no credentials are given', async () => {
    const conn = await connect(url());
    const reply = await conn.call(['PING']);
    expect(reply).toBeInstanceOf(RespError);
    expect((reply as RespError).code).toBe('NOAUTH');
    expect((reply as RespError).message).toBe('NOAUTH Authentication required.');
    conn.close();
  });

  it('WRONGPASS on AUTH becomes E603 without the password in the message', async () => {
    const wrong = 'not-the-Right-one';
    const e = await failure(connect(url(), { auth: { user: 'app', password: wrong } }));
    expect(e.code).toBe('E603');
    expect(e.fault).toBe('wrongpass');
    expect(e.serverText).toBe('WRONGPASS invalid username-password pair or user is disabled.');
    expect(e.message).not.toContain(wrong);
    const hello = await failure(connect(url(), { auth: { user: 'app', password: wrong, via: 'HELLO', protocol: 3 } }));
    expect(hello.code).toBe('E603');
    expect(hello.message).not.toContain(wrong);
  });

  it('a disabled user is WRONGPASS (E603) as well', async () => {
    const e = await failure(connect(url(), { auth: { user: 'offuser', password: APP_PASSWORD } }));
    expect(e.code).toBe('E603');
  });

  it('NOPERM is returned with its exact code, and the connection stays usable', async () => {
    const conn = await connect(url(), { auth: { user: 'app', password: APP_PASSWORD } });
    const reply = await conn.call(['CONFIG', 'GET', 'maxmemory']);
    expect(reply).toBeInstanceOf(RespError);
    expect((reply as RespError).code).toBe('NOPERM');
    expect(await conn.call(['PING'])).toBe('PONG');
    conn.close();
  });

  it('pipelines in one write and keeps reply order', async () => {
    const conn = await connect(url(), { auth: { password: ADMIN_PASSWORD } });
    const commands = Array.from({ length: 200 }, (_, i) => (i % 50 === 7 ? ['CONFIG', 'GET', 'port'] : ['PING', `m${i}`]));
    const replies = await conn.pipeline(commands);
    expect(replies).toHaveLength(200);
    replies.forEach((r, i) => expect(r).toEqual(i % 50 === 7 ? ['port', String(server.port)] : `m${i}`));
    const mixed = await conn.pipeline([['ACL', 'WHOAMI'], ['DBSIZE'], ['ACL', 'GETUSER', 'nobody'], ['ROLE']]);
    expect(mixed[0]).toBe('default');
    expect(mixed[1]).toBe(1);
    expect(mixed[2]).toBeNull();
    expect((mixed[3] as RespReply[])[0]).toBe('master');
    conn.close();
  });

  it('refuses writes and MONITOR without sending a byte (checked on the server)', async () => {
    const conn = await connect(url(), { auth: { password: ADMIN_PASSWORD } });
    const before = await serverStats();
    const refused: string[][] = [
      ['CONFIG', 'SET', 'requirepass', 'leaked-if-sent'],
      ['FLUSHALL'],
      ['KEYS', '*'],
      ['ACL', 'LOG', 'RESET'],
      ['acl', 'log', 'reset'],
      ['MONITOR'],
      ['SET', 'k', 'v'],
      ['HELLO', '3', 'SETNAME', 'x'],
      ['SCAN', '0'],
      ['EVAL', 'return 1', '0'],
    ];
    for (const args of refused) {
      const err = await conn.call(args).then(() => undefined, (e: unknown) => e);
      expect(err, args.join(' ')).toBeInstanceOf(ForbiddenCommandError);
      expect((err as Error).message).not.toContain('leaked-if-sent');
    }
    // A pipeline with one forbidden command sends nothing at all.
    await expect(conn.pipeline([['PING'], ['FLUSHDB']])).rejects.toBeInstanceOf(ForbiddenCommandError);
    const after = await serverStats();
    // Only the admin's own INFO arrived in between: one command, and exactly its bytes.
    const infoBytes = '*2\r\n$4\r\nINFO\r\n$10\r\neverything\r\n'.length;
    expect(Number(after['total_commands_processed']) - Number(before['total_commands_processed'])).toBe(1);
    expect(Number(after['total_net_input_bytes']) - Number(before['total_net_input_bytes'])).toBe(infoBytes);
    for (const stat of ['cmdstat_flushall', 'cmdstat_flushdb', 'cmdstat_keys', 'cmdstat_monitor', 'cmdstat_config|set', 'cmdstat_acl|log', 'cmdstat_set', 'cmdstat_eval', 'cmdstat_scan']) {
      expect(after[stat], stat).toBe(before[stat]);
    }
    expect(await admin.call('DBSIZE')).toBe(1);
    // The connection is still in step after the refusals.
    expect(await conn.call(['PING', 'still'])).toBe('still');
    conn.close();
  });

  it('key reads are opt-in and capped', async () => {
    const conn = await connect(url(), { auth: { password: ADMIN_PASSWORD }, keyReads: { maxScanCount: 100 } });
    const scan = (await conn.call(['SCAN', '0', 'MATCH', 'app:*', 'COUNT', '100'])) as RespReply[];
    expect(scan[1]).toEqual(['app:1']);
    expect(await conn.call(['EXISTS', 'app:1'])).toBe(1);
    await expect(conn.call(['SCAN', '0', 'COUNT', '1000'])).rejects.toBeInstanceOf(ForbiddenCommandError);
    await expect(conn.call(['KEYS', '*'])).rejects.toBeInstanceOf(ForbiddenCommandError);
    conn.close();
  });

  it('sends nothing on connect: no HELLO, CLIENT SETINFO, SELECT or INFO', async () => {
    const before = await serverStats();
    const conn = await connect(url());
    // Wait for the server to have seen the connection, then close without a command.
    await new Promise((r) => setTimeout(r, 100));
    conn.close();
    await new Promise((r) => setTimeout(r, 100));
    const after = await serverStats();
    expect(Number(after['total_connections_received']) - Number(before['total_connections_received'])).toBe(1);
    expect(Number(after['total_commands_processed']) - Number(before['total_commands_processed'])).toBe(1);
    const infoBytes = '*2\r\n$4\r\nINFO\r\n$10\r\neverything\r\n'.length;
    expect(Number(after['total_net_input_bytes']) - Number(before['total_net_input_bytes'])).toBe(infoBytes);
  });

  it('connection refused on a closed port is CONNREFUSED', async () => {
    const e = await failure(connect(parseTarget('redis://127.0.0.1:1'), { retries: 0 }));
    expect(e.code).toBe('CONNREFUSED');
  });
});
