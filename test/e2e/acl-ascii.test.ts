/**
 * Redis folds case byte-wise (A-Z only); JavaScript's toLowerCase also folds the Kelvin sign
 * (U+212A) to "k". The engine must answer like the server for such names, not like JavaScript.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { rawConnect, type RawClient } from '../helpers/raw-client.js';
import { evaluate, parseAclUser } from '../../src/acl/index.js';

const OPTS = { version: '7.0', debianBackports: true } as const;
const KELVIN = '\u212A';

describe('non-ASCII letters in command names, keywords and rules (live redis-server)', () => {
  let server: RedisServer;
  let c: RawClient;
  beforeAll(async () => {
    server = await startRedis();
    c = await rawConnect(server.port);
    await c.call('ACL', 'SETUSER', 'u', 'on', 'nopass', '+@all', '~*');
  });
  afterAll(async () => {
    c?.close();
    await server?.stop();
  });

  it('a Kelvin-sign KEYS is an unknown command for DRYRUN and for the engine', async () => {
    const reply = await c.call('ACL', 'DRYRUN', 'u', `${KELVIN}EYS`, 'x');
    expect(reply).toEqual({ error: `ERR Command '${KELVIN}EYS' not found` });
    const user = parseAclUser('u', ['on', 'nopass', '+@all', '~*'], OPTS);
    expect(() => evaluate(user, [`${KELVIN}EYS`, 'x'], OPTS)).toThrow(`Command '${KELVIN}EYS' not found`);
    // The ASCII spelling in any case still resolves.
    expect(await c.call('ACL', 'DRYRUN', 'u', 'kEyS', 'x')).toBe('OK');
    expect(evaluate(user, ['kEyS', 'x'], OPTS).allowed).toBe(true);
  });

  it.each([
    [`+${KELVIN}eys`, 'Unknown command or category name in ACL'],
    [`all${KELVIN}eys`, 'Syntax error'],
    [`+@${KELVIN}eyspace`, 'Unknown command or category name in ACL'],
  ])('ACL SETUSER %s fails with the same reason in the server and the engine', async (rule, reason) => {
    const reply = await c.call('ACL', 'SETUSER', 'v', rule);
    expect(reply).toEqual({ error: `ERR Error in ACL SETUSER modifier '${rule}': ${reason}` });
    expect(() => parseAclUser('v', [rule], OPTS)).toThrow(reason);
  });
});
