import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AclRuleError, ConfigSyntaxError } from '../../src/errors.js';
import { describeRules, evaluateDryrun, parseAclFile, parseAclUser, type AclOptions } from '../../src/acl/index.js';
import { rawConnect, type RawClient, type Reply } from '../helpers/raw-client.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { argvArb, grantingRuleListArb, normaliseDescription, ruleListArb } from './acl-gen.js';

// The installed server is Debian's 7.0.15, which carries the backported `%`-rule and glob fixes.
const OPTS: AclOptions = { version: '7.0', debianBackports: true };
const SEED = Number(process.env.ACL_SEED ?? Date.now() % 1_000_000);
// CI runs ~2,000 evaluations; ACL_SCALE=10 gives a longer local soak.
const SCALE = Math.max(1, Number(process.env.ACL_SCALE ?? 1));

let server: RedisServer;
let client: RawClient;

beforeAll(async () => {
  server = await startRedis({ config: 'aclfile users.acl', files: { 'users.acl': 'user default on nopass ~* &* +@all\n' } });
  client = await rawConnect(server.port);
});
afterAll(async () => {
  client?.close();
  await server?.stop();
});

function isError(r: Reply): r is { error: string } {
  return typeof r === 'object' && r !== null && !Array.isArray(r) && 'error' in r;
}

async function serverDescriptions(): Promise<Map<string, string>> {
  const list = (await client.call('ACL', 'LIST')) as string[];
  return new Map(list.map((l) => [l.split(' ')[1]!, l.split(' ').slice(2).join(' ')]));
}

describe(`ACL engine vs live redis-server 7.0.15 (seed ${SEED})`, () => {
  it('parses rule lists like ACL SETUSER: same errors, same ACL LIST description', async () => {
    const cases = fc.sample(ruleListArb('7.0', true), { numRuns: 400 * SCALE, seed: SEED });
    const replies = await client.pipeline(cases.map((rules, i) => ['ACL', 'SETUSER', `p${i}`, ...rules]));
    const described = await serverDescriptions();
    let errors = 0;
    cases.forEach((rules, i) => {
      const reply = replies[i]!;
      let mine: string;
      try {
        parseAclUser(`p${i}`, rules, OPTS);
        mine = 'OK';
      } catch (e) {
        if (!(e instanceof AclRuleError)) throw e;
        mine = e.reason.startsWith('Unmatched') ? `ERR ${e.reason}` : `ERR Error in ACL SETUSER modifier '${e.rule}': ${e.reason}`;
      }
      // The engine never repeats a password, so the server's echo of `<pw` is masked the same way.
      const theirs = (isError(reply) ? reply.error : String(reply)).replace(/modifier '([<>])[^']*'/, "modifier '$1***'");
      expect({ rules, result: mine }).toEqual({ rules, result: theirs });
      if (theirs === 'OK') {
        const user = parseAclUser(`p${i}`, rules, OPTS);
        expect({ rules, desc: normaliseDescription(describeRules(user, OPTS)) }).toEqual({
          rules,
          desc: normaliseDescription(described.get(`p${i}`) ?? '<missing>'),
        });
      } else errors++;
    });
    // The generator must exercise both outcomes.
    expect(errors).toBeGreaterThan(20);
    expect(errors).toBeLessThan(cases.length - 20);
  });

  it('decides command lines like ACL DRYRUN: allowed, or the same denial kind, object and message', async () => {
    const users = fc.sample(grantingRuleListArb('7.0'), { numRuns: 300 * SCALE, seed: SEED + 1 });
    const lines = fc.sample(argvArb('7.0'), { numRuns: 1800 * SCALE, seed: SEED + 2 });
    const setup = await client.pipeline(users.map((rules, i) => ['ACL', 'SETUSER', `e${i}`, ...rules]));
    const parsed = users.map((rules, i) => {
      try {
        return parseAclUser(`e${i}`, rules, OPTS);
      } catch {
        return undefined;
      }
    });
    // Users must be created on both sides or on neither.
    setup.forEach((r, i) => expect({ rules: users[i], ok: !isError(r) }).toEqual({ rules: users[i], ok: parsed[i] !== undefined }));
    const cases = lines.map((argv, i) => ({ user: i % users.length, argv }));
    const live = cases.filter((c) => parsed[c.user] !== undefined);
    const replies = await client.pipeline(live.map((c) => ['ACL', 'DRYRUN', `e${c.user}`, ...c.argv]));
    const tally = { allowed: 0, command: 0, key: 0, channel: 0, run: 0, error: 0 };
    live.forEach((c, i) => {
      const reply = replies[i]!;
      let mine: string;
      try {
        const v = evaluateDryrun(parsed[c.user]!, c.argv, OPTS);
        mine = v.message;
        tally[v.allowed ? 'allowed' : v.denial!]++;
      } catch (e) {
        mine = `ERR ${(e as Error).message.replace(/^command: /, '')}`;
        tally.error++;
      }
      const theirs = isError(reply) ? reply.error : String(reply);
      expect({ rules: users[c.user], argv: c.argv, verdict: mine }).toEqual({ rules: users[c.user], argv: c.argv, verdict: theirs });
    });
    // Each outcome must actually be exercised, or the comparison proves little.
    expect(tally.allowed).toBeGreaterThan(100);
    expect(tally.command).toBeGreaterThan(100);
    expect(tally.key).toBeGreaterThan(50);
    expect(tally.channel).toBeGreaterThan(0);
    // DRYRUN's evaluation never answers for the run (that is evaluate's job).
    expect(tally.run).toBe(0);
  });
});

describe(`ACL files vs ACL LOAD on redis-server 7.0.15 (seed ${SEED})`, () => {
  it('loads generated files like ACL LOAD: same first error at file:line, same ACL LIST', async () => {
    const cases = fc.sample(ruleListArb('7.0', true), { numRuns: 150 * SCALE, seed: SEED + 3 });
    let failures = 0;
    for (const [i, rules] of cases.entries()) {
      // Selector arguments become space-separated tokens in a file; the loader merges them back.
      const text = `user default on nopass ~* &* +@all\nuser f${i} ${rules.join(' ')}\n`;
      writeFileSync(join(server.dir, 'users.acl'), text);
      const reply = await client.call('ACL', 'LOAD');
      let mine: Error | undefined;
      try {
        const parsed = parseAclFile(text, 'users.acl', OPTS);
        if (reply === 'OK') {
          const line = ((await client.call('ACL', 'LIST')) as string[]).find((l) => l.startsWith(`user f${i} `))!;
          expect({ rules, desc: normaliseDescription(`user f${i} ${describeRules(parsed.users.get(`f${i}`)!, OPTS)}`) }).toEqual({
            rules,
            desc: normaliseDescription(line),
          });
        }
      } catch (e) {
        if (!(e instanceof ConfigSyntaxError || e instanceof AclRuleError)) throw e;
        mine = e;
      }
      expect({ rules, ok: mine === undefined }).toEqual({ rules, ok: reply === 'OK' });
      if (mine) {
        failures++;
        const theirs = (isError(reply) ? reply.error : String(reply)).replace(/'([<>])[^']*'/g, "'$1***'");
        const e = mine as ConfigSyntaxError | AclRuleError;
        const expected = e instanceof AclRuleError ? `users.acl:2: Error in applying operation '${e.rule}': ${e.reason}.` : `users.acl:2: ${e.reason}.`;
        expect({ rules, theirs }).toEqual({ rules, theirs: expect.stringContaining(expected) });
      }
    }
    expect(failures).toBeGreaterThan(10);
    expect(failures).toBeLessThan(cases.length - 10);
  });
});
