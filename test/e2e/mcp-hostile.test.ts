/**
 * The MCP server against a model steered by injected text (issue 10 items 10, 12-14 and the
 * "Also" list), over the real stdio transport of the built CLI: the read fence answers the same
 * whatever exists outside it, file modes it may not look at are unknown (never pass), a symlink
 * planted during generation redirects nothing, error text masks only URL passwords, and one slow
 * lint does not hold up the other tools.
 */
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/types.js';
import type { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { spawn } from 'node:child_process';
import { CLI, startMcp, structuredOf, textOf, type McpSession } from './mcp-client.js';

const base = realpathSync(mkdtempSync(join(tmpdir(), 'redsec-mcp-hostile-')));
const readRoot = join(base, 'read');
const writeRoot = join(base, 'write');
const outside = join(base, 'outside');
for (const d of [readRoot, writeRoot, outside]) mkdirSync(d);
writeFileSync(join(outside, 'world.key'), 'not really a key\n', { mode: 0o644 });
writeFileSync(join(readRoot, 'ok.conf'), 'port 6379\n', { mode: 0o600 });
symlinkSync(join(base, 'nowhere'), join(writeRoot, 'dangling'));

let mcp: McpSession;
beforeAll(async () => {
  mcp = await startMcp(['--allow-read', readRoot, '--allow-write', writeRoot]);
});
afterAll(async () => {
  await mcp?.close();
  rmSync(base, { recursive: true, force: true });
});

const lint = (config_text: string) => mcp.call('lint_config', { config_text, redis_version: '7.0' });

describe('item 12: the read fence answers before looking, the same whatever exists', () => {
  it('include of a hidden-file glob, a class glob and plain paths outside: one refusal naming the include as written', async () => {
    const cases: [string, string][] = [
      ['include /root/.*', 'include /root/.*'],
      ['include /etc/[b-z]*', 'include /etc/[b-z]*'],
      ['include /etc/[b-z]*-no-match-at-all', 'include /etc/[b-z]*-no-match-at-all'],
      [`include ${outside}/*.key`, `include ${outside}/*.key`],
    ];
    for (const [line] of cases) {
      const r = await lint(`${line}\n`);
      expect(r.isError, line).toBe(true);
      const text = textOf(r);
      expect(text, line).toMatch(/redis\.conf:1: include '.*' refused: outside the allowed read directories/);
      expect(text).not.toMatch(/bashrc|passwd|bash\.bashrc|world\.key/);
    }
  });

  it('tls-cert-file /etc/shadow and /etc/shadowXX get identical refusals', async () => {
    const a = textOf(await lint('tls-cert-file /etc/shadow\n'));
    const b = textOf(await lint('tls-cert-file /etc/shadowXX\n'));
    expect(a).toMatch(/refused: outside the allowed read directories/);
    expect(b.replace('shadowXX', 'shadow')).toBe(a);
  });

  it('config_path outside: same answer for a file that exists and one that does not', async () => {
    const a = textOf(await mcp.call('lint_config', { config_path: '/etc/passwd' }));
    const b = textOf(await mcp.call('lint_config', { config_path: '/etc/passwdXX' }));
    expect(b.replace('passwdXX', 'passwd')).toBe(a);
  });

  it('files inside the fence are still read', async () => {
    const r = await lint(`include ${readRoot}/*.conf\n`);
    expect(r.isError).toBeFalsy();
  });
});

describe('item 13: a file redsec may not look at is unknown, never closed or not applicable', () => {
  it('world-readable tls-key-file outside --allow-read and dir /tmp: AUTH-CONF-PERMS and DATA-DIR-PERMS unknown', async () => {
    const r = await lint(`tls-key-file ${outside}/world.key\ndir /tmp\n`);
    expect(r.isError).toBeFalsy();
    const report = structuredOf<Report>(r);
    for (const id of ['AUTH-CONF-PERMS', 'DATA-DIR-PERMS']) {
      const statuses = report.findings.filter((f) => f.id === id).map((f) => f.status);
      expect(statuses, id).toEqual(['unknown']);
      expect(report.findings.find((f) => f.id === id)?.evidence).toMatch(/--allow-read/);
    }
  });
});

describe('item 14 and the "Also" list: writing bundles', () => {
  it('a symlink planted while the keys are generated redirects nothing outside --allow-write', async () => {
    const pid = (mcp.client.transport as StdioClientTransport).pid!;
    // The server is frozen (SIGSTOP) the moment its claimed directory appears, so the swap surely
    // lands between the claim and the writes; an attempt where the files were already there is retried.
    for (let attempt = 0; attempt < 5; attempt++) {
      const name = `raced-${attempt}`;
      const target = join(writeRoot, name);
      const call = mcp.call('generate_security_config', {
        security_level: 'hardened',
        network_exposure: 'private_network',
        compliance_requirements: [],
        tls_key_algorithm: 'rsa-2048',
        out_dir: name,
      });
      while (!existsSync(target)) await new Promise((r) => setTimeout(r, 1));
      process.kill(pid, 'SIGSTOP');
      const early = readdirSync(target).length > 0;
      if (!early) {
        renameSync(target, join(writeRoot, `moved-${attempt}`));
        symlinkSync(outside, target);
      }
      process.kill(pid, 'SIGCONT');
      const r = await call;
      if (early) continue;
      expect(readdirSync(outside).sort()).toEqual(['world.key']);
      expect(r.isError).toBe(true);
      // Refused whether the swap lands before the directory is opened or during key generation.
      expect(textOf(r)).toMatch(/replaced while the bundle was generated|exists and is not a directory|outside the allowed write directory/);
      expect(readdirSync(join(writeRoot, `moved-${attempt}`))).toEqual([]);
      return;
    }
    throw new Error('the bundle was always written before the swap: the race was never exercised');
  }, 60_000);

  it('out_dir through a dangling symlink is refused cleanly (no internal error)', async () => {
    const r = await mcp.call('generate_security_config', { security_level: 'basic', network_exposure: 'localhost', compliance_requirements: [], out_dir: 'dangling/bundle' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/^input error: out_dir: .*symbolic link that leads nowhere/);
    expect(textOf(r)).not.toMatch(/internal|ENOENT/);
  });
});

describe('item 10: one slow tool call does not hold up the others', () => {
  it('list_checks and acl_check answer while a huge lint_config is still running', async () => {
    // 600,000 `save` lines (the final `save ""` keeps the report small), included from a file
    // under --allow-read (a request itself is capped at 10 MB by the transport): seconds of work.
    writeFileSync(join(readRoot, 'huge.conf'), `${'save 1 1\n'.repeat(600_000)}save ""\n`);
    const order: string[] = [];
    const slow = lint(`include ${readRoot}/huge.conf\n`).then((r) => {
      order.push('lint');
      return r;
    });
    await new Promise((r) => setTimeout(r, 300)); // the lint is under way
    const started = Date.now();
    const quick = await mcp.call('list_checks', {});
    order.push('list_checks');
    const quickMs = Date.now() - started;
    const acl = await mcp.call('acl_check', { rules: 'on nopass ~app:* +get', command: ['GET', 'app:1'], redis_version: '7.0' });
    order.push('acl_check');
    expect(quick.isError).toBeFalsy();
    expect(acl.isError, textOf(acl)).toBeFalsy();
    const r = await slow;
    expect(r.isError, textOf(r).slice(0, 200)).toBeFalsy();
    // The quick tools were answered before the lint finished, each in far less than it took.
    expect(order).toEqual(['list_checks', 'acl_check', 'lint']);
    expect(quickMs).toBeLessThan(5_000);
  }, 120_000);
});

describe('item 11 on the wire: no raw C1 or bidi character on stdout', () => {
  it('an argv echoed in text and structured content leaves as \\u escapes and parses back to the same string', async () => {
    const hostile = 'x\u009b2J\u202eevil\u2066';
    const child = spawn(process.execPath, [CLI, 'mcp'], { stdio: ['pipe', 'pipe', 'ignore'], env: { PATH: process.env.PATH ?? '' } });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    const lines = () => Buffer.concat(chunks).toString('utf8').split('\n').filter((l) => l !== '');
    const send = (m: unknown) => child.stdin.write(`${JSON.stringify(m)}\n`);
    send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'acl_check', arguments: { rules: 'on nopass ~app:* +get', redis_version: '7.0', command: ['GET', hostile] } } });
    try {
      const deadline = Date.now() + 15_000;
      while (!lines().some((l) => l.includes('"id":2'))) {
        if (Date.now() > deadline) throw new Error(`no reply: ${lines().join('\n').slice(0, 500)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      expect(raw).not.toMatch(/[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
      const reply = JSON.parse(lines().find((l) => l.includes('"id":2')) ?? '{}') as { result: { structuredContent: { argv: string[] } } };
      expect(reply.result.structuredContent.argv).toEqual(['GET', hostile]);
    } finally {
      child.kill();
    }
  });
});
