/**
 * E605 PROTECTED for real: protected mode only refuses non-loopback peers, so the redsec CLI runs
 * inside its own network namespace (veth pair, private /30) against a redis-server bound to the
 * root-namespace end. The same server then gets a password over loopback and the namespace client
 * sees NOAUTH instead, then works with the password: the preferred fix, proven. Without
 * namespaces (not root, no iproute2) a fake server sends the exact DENIED text, and the test says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { diagnose, DiagnosisSchema } from '../../src/diagnose/index.js';
import { createNetns, netnsAvailable, type NetNs } from '../helpers/netns.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { rawConnect } from '../helpers/raw-client.js';
import { PROTECTED_MODE_DENIED, startFakeResp, type FakeRespServer } from '../helpers/fake-resp-server.js';

const ROOT = resolve(import.meta.dirname, '../..');
const useNetns = netnsAvailable();

/**
 * Builds the CLI into a scratch tree shaped like the package (dist/ beside package.json, data/ and
 * node_modules/), so the namespace can run `node dist/cli.js` without touching the shared dist/.
 */
function buildCli(): Promise<{ cli: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'redsec-diag-cli-'));
  for (const name of ['package.json', 'data', 'node_modules']) symlinkSync(join(ROOT, name), join(dir, name));
  return new Promise((res, rej) => {
    // tsc exits non-zero when any file of the tree has a type error but still emits; the check is that cli.js runs.
    execFile('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', join(dir, 'dist'), '--declaration', 'false'], { cwd: ROOT }, () => {
      execFile('node', [join(dir, 'dist', 'cli.js'), 'diagnose', '--help'], (err) => (err ? rej(err) : res({ cli: join(dir, 'dist', 'cli.js'), dir })));
    });
  });
}

describe('E605 PROTECTED from a real non-loopback peer (network namespace)', () => {
  let ns: NetNs;
  let server: RedisServer;
  let build: { cli: string; dir: string };
  let pwFile: string;

  let fake: FakeRespServer | undefined;

  beforeAll(async () => {
    if (!useNetns) {
      console.warn('diagnose-protected: network namespaces unavailable (needs root and iproute2); FELL BACK to a fake server sending the exact DENIED text');
      fake = await startFakeResp({ onConnect: ({ socket }) => socket.end(PROTECTED_MODE_DENIED) });
      return;
    }
    ns = createNetns();
    // 7.0+: an explicit bind to the private address does NOT lift protection.
    [server, build] = await Promise.all([startRedis({ overrides: { bind: `${ns.hostAddr} 127.0.0.1` } }), buildCli()]);
    pwFile = join(build.dir, 'pw');
    writeFileSync(pwFile, 'ns-Secret-1\n', { mode: 0o600 });
  }, 300_000);

  afterAll(async () => {
    await fake?.stop();
    await server?.stop();
    ns?.teardown();
    if (build) rmSync(build.dir, { recursive: true, force: true });
  });

  const run = (...args: string[]) =>
    ns.exec(['node', build.cli, 'diagnose', `redis://${ns.hostAddr}:${server.port}`, '--format', 'json', ...args], { env: { PATH: process.env.PATH ?? '' } });

  it('names E605 with the 7.0+ rule, exits 3, and lists the fixes in order of preference', async () => {
    if (fake) {
      const d = await diagnose({ url: `redis://127.0.0.1:${fake.port}`, env: {} });
      expect(d).toMatchObject({ ok: false, code: 'E605', problem: { kind: 'default-user-password' } });
      return;
    }
    const r = await run();
    expect(r.code, r.stderr).toBe(3);
    const d = DiagnosisSchema.parse(JSON.parse(r.stdout));
    expect(d).toMatchObject({ ok: false, code: 'E605', problem: { name: 'PROTECTED', kind: 'default-user-password' } });
    expect(d.problem?.evidence[0]).toMatch(/^server replied: DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user/);
    expect(d.problem?.cause).toMatch(/whatever "bind" says/);
    const fixes = d.problem?.fixes.map((f) => f.text) ?? [];
    expect(fixes[0]).toMatch(/^Preferred: give the application its own ACL user/);
    expect(fixes.at(-1)).toMatch(/^Last resort: turn protected mode off/);
    // The pre-7.0 bind fix is not offered for a 7.0+ server.
    expect(fixes.some((f) => /bind explicitly/.test(f))).toBe(false);
  });

  it('after the default user gets a password (over loopback), the same client sees NOAUTH, then works with it', async () => {
    if (fake) {
      // Fallback: DENIED arrives before any AUTH reply, so a password does not change the diagnosis.
      const d = await diagnose({ url: `redis://127.0.0.1:${fake.port}`, env: { REDSEC_PASSWORD: 'x-Secret' } });
      expect(d).toMatchObject({ code: 'E605', credentials: { source: 'REDSEC_PASSWORD' } });
      return;
    }
    const admin = await rawConnect(server.port);
    expect(await admin.call('CONFIG', 'SET', 'requirepass', 'ns-Secret-1')).toBe('OK');
    admin.close();
    const noauth = await run();
    expect(noauth.code).toBe(3);
    expect(JSON.parse(noauth.stdout)).toMatchObject({ code: 'E601' });
    const ok = await run('--password-file', pwFile);
    expect(ok.code, ok.stdout).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, code: 'OK', server: { version: '7.0.15' } });
    expect(ok.stdout).not.toContain('ns-Secret-1');
  });

  it('DNS failure: inside the namespace no name server is reachable (no query leaves the machine)', async () => {
    if (fake) {
      console.warn('diagnose-protected: the DNS check needs a network namespace; not run');
      expect(useNetns).toBe(false);
      return;
    }
    const r = await ns.exec(['node', build.cli, 'diagnose', 'redis://redsec-no-such-host.invalid:6379', '--format', 'json', '--timeout', '2000'], { env: { PATH: process.env.PATH ?? '' } });
    expect(r.code, r.stderr).toBe(3);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, code: 'DNS', problem: { name: 'DNS_FAILURE' } });
  });
});

describe('E605 rule per version', () => {
  it('a 6.2 DENIED text selects the bind rule and offers the bind fix', async () => {
    const text =
      '-DENIED Redis is running in protected mode because protected mode is enabled, no bind address was specified, no authentication password is requested to clients. In this mode connections are only accepted from the loopback interface.\r\n';
    const fake = await startFakeResp({ onConnect: ({ socket }) => socket.end(text) });
    try {
      const d = await diagnose({ url: `redis://127.0.0.1:${fake.port}`, env: {} });
      expect(d.problem).toMatchObject({ code: 'E605', kind: 'bind-or-password' });
      expect(d.problem?.fixes.some((f) => /6\.2 and older only: bind explicitly/.test(f.text))).toBe(true);
    } finally {
      await fake.stop();
    }
  });
});
