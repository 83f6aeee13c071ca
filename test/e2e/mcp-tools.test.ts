/**
 * `redsec mcp` over stdio with the official MCP client: the tool list and its JSON Schemas, the
 * offline tools (list_checks, acl_check, acl_explain, lint_config, generate_security_config), the
 * read/write fences, and malformed calls that must leave the server serving.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { lintFiles } from '../../src/audit/index.js';
import { RULES } from '../../src/rules/index.js';
import { ReportSchema, type Report } from '../../src/report/index.js';
import { CLI, startMcp, structuredOf, textOf, type McpSession } from './mcp-client.js';

const base = mkdtempSync(join(tmpdir(), 'redsec-mcp-tools-'));
const readRoot = join(base, 'read');
const writeRoot = join(base, 'write');
const outside = join(base, 'outside');
for (const d of [readRoot, writeRoot, outside]) mkdirSync(d);

const CONF = ['bind 0.0.0.0', 'protected-mode no', 'port 6379', 'aclfile users.acl', ''].join('\n');
const ACL = ['user default on nopass ~* &* +@all', 'user app on >app-secret-pw-1234 ~app:* +@read', ''].join('\n');
writeFileSync(join(readRoot, 'redis.conf'), CONF);
writeFileSync(join(readRoot, 'users.acl'), ACL);
writeFileSync(join(readRoot, 'extra.conf'), 'maxclients 100\n');
writeFileSync(join(readRoot, 'with-include.conf'), 'include extra.conf\nbind 127.0.0.1\n');
writeFileSync(join(outside, 'secret.conf'), 'requirepass outside-secret-value\n');
writeFileSync(join(outside, 'users.acl'), 'user default on nopass ~* +@all\n');
symlinkSync(join(outside, 'secret.conf'), join(readRoot, 'link.conf'));
symlinkSync(outside, join(writeRoot, 'escape'));

const TOOLS = ['acl_check', 'acl_explain', 'audit_server', 'diagnose_connection', 'generate_security_config', 'lint_config', 'list_checks', 'plan_rotation'];

function schemaValidator(schema: Record<string, unknown>) {
  const is2020 = String(schema['$schema'] ?? '').includes('2020-12');
  const ajv = is2020 ? new Ajv2020({ strict: false }) : new Ajv({ strict: false });
  addFormats.default(ajv);
  return ajv.compile(schema);
}

const idsAndStatus = (r: Report) => r.findings.map((f) => `${f.id}:${f.status}`).sort();

describe('redsec mcp: tools over stdio', () => {
  let plain: McpSession;
  let fenced: McpSession;
  beforeAll(async () => {
    [plain, fenced] = await Promise.all([startMcp([]), startMcp(['--allow-read', readRoot, '--allow-write', writeRoot])]);
  });
  afterAll(async () => {
    await Promise.all([plain?.close(), fenced?.close()]);
    rmSync(base, { recursive: true, force: true });
  });

  it('lists every tool with input and output schemas that compile as JSON Schema', async () => {
    const { tools } = await fenced.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(TOOLS);
    for (const t of tools) {
      expect(t.description?.length, t.name).toBeGreaterThan(40);
      expect(t.inputSchema.type).toBe('object');
      expect(t.outputSchema?.type, t.name).toBe('object');
      expect(() => schemaValidator(t.inputSchema as Record<string, unknown>), t.name).not.toThrow();
      expect(() => schemaValidator(t.outputSchema as Record<string, unknown>), t.name).not.toThrow();
    }
    // The seed's input_schema is the generate tool's input: the three fields and their enums.
    const gen = tools.find((t) => t.name === 'generate_security_config')!;
    const props = gen.inputSchema.properties as Record<string, { enum?: string[]; items?: { enum?: string[] } }>;
    expect(props['security_level']?.enum).toEqual(['basic', 'standard', 'hardened', 'compliance']);
    expect(props['network_exposure']?.enum).toEqual(['localhost', 'private_network', 'public']);
    expect(props['compliance_requirements']?.items?.enum).toEqual(['pci_dss', 'hipaa', 'sox', 'gdpr']);
    expect(gen.inputSchema.required).toEqual(expect.arrayContaining(['security_level', 'network_exposure']));
    const out = gen.outputSchema!.properties as Record<string, { type?: string }>;
    expect(out['security_config']?.type).toBe('object');
    expect(out['acl_rules']?.type).toBe('array');
    expect(out['tls_config']?.type).toBe('object');
    expect(out['audit_checklist']?.type).toBe('array');
    expect(out['warnings']?.type).toBe('array');
  });

  it('sets annotations truthfully: offline tools read-only and closed-world, live tools open-world, generate writes only with --allow-write', async () => {
    const byName = async (s: McpSession) => new Map((await s.client.listTools()).tools.map((t) => [t.name, t.annotations ?? {}]));
    const f = await byName(fenced);
    const p = await byName(plain);
    for (const name of ['acl_check', 'acl_explain', 'lint_config', 'list_checks']) {
      expect(f.get(name)).toMatchObject({ readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false });
    }
    for (const name of ['audit_server', 'diagnose_connection', 'plan_rotation']) {
      expect(f.get(name)).toMatchObject({ readOnlyHint: true, destructiveHint: false, openWorldHint: true });
    }
    expect(p.get('generate_security_config')).toMatchObject({ readOnlyHint: true, openWorldHint: false });
    expect(f.get('generate_security_config')).toMatchObject({ readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false });
  });

  it('list_checks returns the whole catalog, and filters by severity and compliance', async () => {
    const all = await plain.call('list_checks', {});
    expect(all.isError).toBeFalsy();
    const s = all.structuredContent as { count: number; checks: { id: string; severity: string; compliance: string[]; level: number }[] };
    expect(s.count).toBe(RULES.length);
    expect(s.checks.map((c) => c.id)).toEqual(RULES.map((r) => r.id));
    expect(new Set(s.checks.map((c) => c.id)).size).toBe(s.count);
    expect(textOf(all)).toContain(s.checks[0]!.id);
    const hipaa = (await plain.call('list_checks', { compliance: 'hipaa' })).structuredContent as typeof s;
    expect(hipaa.count).toBeGreaterThan(0);
    expect(hipaa.count).toBeLessThan(s.count);
    for (const c of hipaa.checks) expect(c.compliance.some((x) => x.includes('HIPAA'))).toBe(true);
    const critical = (await plain.call('list_checks', { severity: 'critical' })).structuredContent as typeof s;
    expect(critical.checks.every((c) => c.severity === 'critical')).toBe(true);
    expect(critical.count).toBe(RULES.filter((r) => r.severity === 'critical').length);
  });

  it('acl_check: allowed and denied with the deciding rule, per version', async () => {
    const ok = await plain.call('acl_check', { rules: 'on nopass ~app:* +@read', command: ['GET', 'app:1'], redis_version: '7.0' });
    expect(ok.structuredContent).toMatchObject({ allowed: true, command: 'get', version: '7.0', decidedBy: '+@read' });
    const key = await plain.call('acl_check', { rules: 'on nopass ~app:* +@read', command: ['GET', 'other:1'] });
    expect(key.structuredContent).toMatchObject({ allowed: false, denial: 'key', object: 'other:1' });
    expect(textOf(key)).toMatch(/^denied \(key\)/);
    // A user from ACL text, chosen by name.
    const fromText = await plain.call('acl_check', { acl_text: ACL, user: 'app', command: ['SET', 'app:1', 'x'] });
    expect(fromText.structuredContent).toMatchObject({ user: 'app', allowed: false, denial: 'command' });
    // Selectors exist from 7.0 on; 6.2 refuses them as Redis would.
    const six = await plain.call('acl_check', { rules: 'on nopass (~x* +get)', command: ['GET', 'x1'], redis_version: '6.2' });
    expect(six.isError).toBe(true);
    const seven = await plain.call('acl_check', { rules: 'on nopass (~x* +get)', command: ['GET', 'x1'], redis_version: '7.2' });
    expect(seven.structuredContent).toMatchObject({ allowed: true, selector: 1, basis: 'acl' });
    // What happens when it runs, with ACL DRYRUN's different answer alongside.
    const sort = await plain.call('acl_check', { rules: 'on nopass (+sort ~mylist)', command: ['SORT', 'mylist', 'GET', 'v*'], redis_version: '7.0' });
    expect(sort.structuredContent).toMatchObject({ allowed: false, denial: 'run', basis: 'run', dryrun: { allowed: true, message: 'OK' } });
    expect(textOf(sort)).toMatch(/^denied when run: ERR GET option of SORT denied/);
    expect(textOf(sort)).toContain('note: ACL DRYRUN answers OK (allowed)');
    const quit = await plain.call('acl_check', { rules: 'on nopass -@all', command: ['QUIT'], redis_version: '6.2' });
    expect(quit.structuredContent).toMatchObject({ allowed: true, basis: 'run', command: 'quit' });
  });

  it('acl_explain: categories, patterns and risks; no password in the answer', async () => {
    const r = await plain.call('acl_explain', { acl_text: ACL, user: 'app' });
    expect(r.isError).toBeFalsy();
    const e = r.structuredContent as { user: string; categories: Record<string, string>; keyPatterns: string[]; allKeys: boolean };
    expect(e.user).toBe('app');
    expect(e.categories['read']).toBe('allowed');
    expect(e.categories['write']).toBe('denied');
    expect(e.keyPatterns).toEqual(['~app:*']);
    expect(e.allKeys).toBe(false);
    const admin = (await plain.call('acl_explain', { acl_text: ACL, user: 'default' })).structuredContent as { risks: { grant: string }[] };
    expect(admin.risks.length).toBeGreaterThan(0);
    expect(JSON.stringify(r)).not.toContain('app-secret-pw-1234');
  });

  it('lint_config on text gives the same findings as the linter on the same file, with file:line', async () => {
    const r = await fenced.call('lint_config', { config_text: CONF, acl_text: ACL });
    expect(r.isError).toBeFalsy();
    const report = ReportSchema.parse(r.structuredContent) as Report;
    const direct = lintFiles(join(readRoot, 'redis.conf'), { profile: null, aclPath: join(readRoot, 'users.acl') });
    // Same verdicts, except that text has no file mode: those checks are unknown, never pass.
    const fileModes = new Set(report.findings.filter((f) => f.status === 'unknown' && /allow-read/.test(f.evidence)).map((f) => f.id));
    expect([...fileModes]).toContain('AUTH-CONF-PERMS');
    const without = (ids: string[]) => ids.filter((x) => !fileModes.has(x.split(':')[0]!));
    expect(without(idsAndStatus(report))).toEqual(without(idsAndStatus(direct)));
    const bindAll = report.findings.find((f) => f.id === 'NET-BIND-ALL');
    expect(bindAll).toMatchObject({ status: 'fail', location: { file: 'redis.conf', line: 1 } });
    // The private scratch directory never shows.
    expect(JSON.stringify(r)).not.toContain('redsec-mcp-lint-');
    expect(report.target).toBe('redis.conf');
  });

  it('lint_config checks a systemd unit and a Compose file given as text', async () => {
    const r = await fenced.call('lint_config', {
      config_text: 'dir /var/lib/redis\n',
      systemd_unit_text: '[Service]\nNoNewPrivileges=true\nProtectSystem=strict\nReadWritePaths=/var/lib/redis\n',
      compose_text: 'services:\n  cache:\n    image: redis:7.2\n    ports: ["6379:6379"]\n',
    });
    expect(r.isError, textOf(r)).toBeFalsy();
    const findings = structuredOf<Report>(r).findings;
    expect(findings.find((f) => f.id === 'OS-SYSTEMD')).toMatchObject({ status: 'pass' });
    expect(findings.find((f) => f.id === 'OS-CONTAINER')).toMatchObject({ status: 'fail' });
    expect(findings.find((f) => f.id === 'OS-CONTAINER')?.evidence).toMatch(/^compose\.yml: services\.cache publishes 6379:6379 on all interfaces/);
    expect(JSON.stringify(r)).not.toContain('redsec-mcp-lint-');
  });

  it('lint_config reads files only under --allow-read', async () => {
    const inRoot = await fenced.call('lint_config', { config_path: 'redis.conf' });
    expect(inRoot.isError).toBeFalsy();
    const report = structuredOf<Report>(inRoot);
    expect(idsAndStatus(report)).toEqual(idsAndStatus(lintFiles(join(readRoot, 'redis.conf'), { profile: null })));

    // Includes inside the allowed directory are followed, with their own file:line.
    const included = await fenced.call('lint_config', { config_path: 'with-include.conf' });
    expect(included.isError, textOf(included)).toBeFalsy();
    const viaText = await fenced.call('lint_config', { config_text: 'include extra.conf\n', cwd: '.' });
    expect(viaText.isError, textOf(viaText)).toBeFalsy();

    const refusals: [McpSession, Record<string, unknown>][] = [
      [fenced, { config_path: join(outside, 'secret.conf') }],
      [fenced, { config_path: '../outside/secret.conf' }],
      [fenced, { config_path: 'link.conf' }], // a symlink inside the root to a file outside it
      [fenced, { config_text: `include ${join(outside, 'secret.conf')}\n` }],
      [fenced, { config_text: `aclfile ${join(outside, 'users.acl')}\n` }],
      [fenced, { config_text: 'bind 127.0.0.1\n', acl_path: join(outside, 'users.acl') }],
      [plain, { config_path: join(readRoot, 'redis.conf') }],
      [plain, { config_text: `include ${join(readRoot, 'redis.conf')}\n` }],
    ];
    for (const [session, args] of refusals) {
      const r = await session.call('lint_config', args);
      expect(r.isError, JSON.stringify(args)).toBe(true);
      expect(textOf(r)).toMatch(/outside the allowed|not enabled|refused/);
      expect(textOf(r)).not.toContain('outside-secret-value');
    }
  });

  it('lint_config: a malformed config is a tool error with file:line', async () => {
    const r = await plain.call('lint_config', { config_text: 'port 6379\nbind "127.0.0.1\n' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/redis\.conf:2/);
  });

  it("generate_security_config: the seed's output, no secrets, nothing written without out_dir", async () => {
    const before = readdirSync(writeRoot).sort();
    const r = await fenced.call('generate_security_config', { security_level: 'hardened', compliance_requirements: ['pci_dss'], network_exposure: 'private_network', redis_version: '7.0' });
    expect(r.isError).toBeFalsy();
    const s = r.structuredContent as Record<string, unknown> & { acl_rules: { user: string; rules: string; secret?: string }[]; tls_config: { enabled: boolean } };
    for (const key of ['security_config', 'acl_rules', 'tls_config', 'audit_checklist', 'warnings']) expect(s).toHaveProperty(key);
    expect(s.tls_config.enabled).toBe(true);
    for (const u of s.acl_rules) {
      // Neither a password nor its hash: only a placeholder naming the secrets.env variable.
      expect(u.rules).not.toMatch(/(^|\s)>/);
      expect(u.rules).not.toMatch(/[0-9a-f]{64}/);
      for (const m of u.rules.matchAll(/(?:^|\s)#(\S+)/g)) expect(m[1]).toMatch(/^<sha256$/);
      if (u.secret) expect(u.secret).toMatch(/^secrets\.env:REDIS_[A-Z0-9_]+_PASSWORD$/);
    }
    expect(readdirSync(writeRoot).sort()).toEqual(before);
  });

  it('generate_security_config writes a bundle under --allow-write only, with secrets 0600 and never in the result', async () => {
    const r = await fenced.call('generate_security_config', { security_level: 'standard', network_exposure: 'private_network', out_dir: 'bundles/one' });
    expect(r.isError, textOf(r)).toBeFalsy();
    const dir = join(writeRoot, 'bundles', 'one');
    const files = (r.structuredContent as { bundle: { dir: string; files: { path: string; mode: string }[] } }).bundle;
    expect(files.dir).toBe(join(realpathSync(writeRoot), 'bundles', 'one'));
    expect(files.files.map((f) => f.path)).toEqual(expect.arrayContaining(['redis.conf', 'users.acl', 'secrets.env']));
    expect(statSync(join(dir, 'secrets.env')).mode & 0o777).toBe(0o600);
    const secrets = readFileSync(join(dir, 'secrets.env'), 'utf8')
      .split('\n')
      .map((l) => /^[A-Z0-9_]+=(.+)$/.exec(l)?.[1]?.replace(/^'|'$/g, ''))
      .filter((v): v is string => v !== undefined && v.length >= 16);
    expect(secrets.length).toBeGreaterThan(0);
    const everything = JSON.stringify(r) + fenced.stderr();
    for (const pw of secrets) expect(everything).not.toContain(pw);

    // An existing non-empty directory is never replaced.
    const again = await fenced.call('generate_security_config', { security_level: 'standard', network_exposure: 'private_network', out_dir: 'bundles/one' });
    expect(again.isError).toBe(true);
    expect(readFileSync(join(dir, 'secrets.env'), 'utf8')).toContain(secrets[0]!);
  });

  it('generate_security_config refuses traversal, symlinks and absolute paths out of the write directory', async () => {
    const attempts = ['../outside/b1', join(outside, 'b2'), 'escape', 'escape/b3', 'bundles/../../outside/b4', '.', ''];
    for (const out_dir of attempts) {
      const r = await fenced.call('generate_security_config', { security_level: 'basic', network_exposure: 'localhost', out_dir });
      expect(r.isError, out_dir).toBe(true);
    }
    expect(readdirSync(outside).sort()).toEqual(['secret.conf', 'users.acl']);
    const r = await plain.call('generate_security_config', { security_level: 'basic', network_exposure: 'localhost', out_dir: 'x' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/--allow-write/);
  });

  it('malformed arguments give tool errors and the server keeps serving', async () => {
    const bad: [string, Record<string, unknown>][] = [
      ['acl_check', { rules: 5, command: 'GET' }],
      ['acl_check', { rules: 'on nopass', command: [] }],
      ['acl_check', { rules: 'on +nosuchcommand', command: ['GET', 'k'] }],
      ['acl_explain', { rules: 'on', acl_text: 'user x on' }],
      ['generate_security_config', { security_level: 'extreme', network_exposure: 'localhost' }],
      ['generate_security_config', { security_level: 'basic', network_exposure: 'public', compliance_requirements: ['pci_dss'], surprise: 1 }],
      ['lint_config', {}],
      ['list_checks', { level: 9 }],
      ['audit_server', {}],
      ['no_such_tool', {}],
    ];
    for (const [name, args] of bad) {
      const r = await plain.call(name, args);
      expect(r.isError, `${name} ${JSON.stringify(args)}`).toBe(true);
      expect(textOf(r).length).toBeGreaterThan(0);
      expect(textOf(r)).not.toMatch(/\n\s+at /); // no stack trace
    }
    const still = await plain.call('list_checks', { severity: 'high' });
    expect(still.isError).toBeFalsy();
  });

  it('refuses a bad start-up configuration with exit 2 and one line on stderr', () => {
    const cases: [string[], RegExp][] = [
      [['--target', 'prod=redis://audit:start-secret-77@127.0.0.1:6379'], /do not put the password in the URL/],
      [['--target', 'prod=redis://127.0.0.1:6379', '--password-env', 'prod=MCP_NOT_SET_ANYWHERE'], /MCP_NOT_SET_ANYWHERE is not set/],
      [['--target', 'prod=redis://127.0.0.1:6379', '--password-env', 'stage=X'], /'stage', which is not a --target/],
      [['--target', 'prod'], /NAME=VALUE/],
      [['--allow-read', join(base, 'no-such-dir')], /no such directory/],
      [['--timeout', 'soon'], /--timeout/],
    ];
    for (const [args, message] of cases) {
      const r = spawnSync(process.execPath, [CLI, 'mcp', ...args], { encoding: 'utf8', input: '', env: { PATH: process.env.PATH ?? '' } });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toContain('start-secret-77');
    }
  });

  it('writes only JSON-RPC messages to stdout', async () => {
    const child = spawn(process.execPath, [CLI, 'mcp'], { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const send = (m: unknown) => child.stdin.write(`${JSON.stringify(m)}\n`);
    send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'lint_config', arguments: { config_text: 'bind 0.0.0.0\n' } } });
    send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'acl_check', arguments: { rules: '(((' } } });
    send({ jsonrpc: '2.0', id: 4, method: 'tools/list' });
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && (out.match(/\n/g)?.length ?? 0) < 4) await new Promise((r) => setTimeout(r, 50));
    child.stdin.end();
    await new Promise((r) => child.once('exit', r));
    const lines = out.split('\n').filter((l) => l !== '');
    expect(lines.length).toBe(4);
    for (const l of lines) expect(JSON.parse(l)).toMatchObject({ jsonrpc: '2.0' });
    expect(lines.map((l) => (JSON.parse(l) as { id: number }).id).sort()).toEqual([1, 2, 3, 4]);
    expect(existsSync(CLI)).toBe(true);
  });
});
