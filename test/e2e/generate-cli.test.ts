/** `redsec generate` through the real CLI entry (in-process): exit codes, atomic output, no secrets on stdout. */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli as runCli } from '../helpers/run-cli.js';

const root = mkdtempSync(join(tmpdir(), 'redsec-gen-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const cli = (args: string[]) => runCli(['generate', ...args]);

const secretsOf = (dir: string): string[] => [...readFileSync(join(dir, 'secrets.env'), 'utf8').matchAll(/=([0-9a-f]{64})$/gm)].map((m) => m[1]!);

describe('redsec generate (CLI)', () => {
  it.each([
    [['--level', 'paranoid', '--exposure', 'localhost'], /^redsec: security_level: Invalid option/],
    [['--exposure', 'localhost'], /^redsec: security_level: required field is missing/],
    [['--level', 'basic', '--exposure', 'lan'], /^redsec: network_exposure: Invalid option/],
    [['--level', 'basic', '--exposure', 'localhost', '--port', 'abc'], /^redsec: port: Invalid input: expected number/],
    [['--level', 'basic', '--exposure', 'private_network', '--bind', '10.0.0.1,10.0.0.999'], /^redsec: bind\[1\]: expected an IPv4 or IPv6 address/],
    [['--level', 'basic', '--exposure', 'localhost', '--redis-version', '5.0'], /^redsec: --redis-version: Redis 5\.0 is older than the oldest supported line \(Redis 6\.2\)/],
    [['--level', 'basic', '--exposure', 'localhost', '--redis-version', 'latest'], /^redsec: --redis-version: unknown version 'latest'/],
    [['--level', 'basic', '--exposure', 'localhost', '--compliance', 'pci_dss,iso27001'], /^redsec: compliance_requirements\[1\]: Invalid option/],
    [['--level', 'basic', '--exposure', 'public', '--compliance', 'pci_dss'], /^redsec: network_exposure: public exposure is not allowed with pci_dss/],
    [['--level', 'basic', '--exposure', 'localhost', '--app', 'noprefix'], /^redsec: --app\[0\]: expected NAME=PREFIX/],
  ])('exits 2 for %j, naming the field, and writes nothing', async (args, message) => {
    const out = join(root, `bad-${Math.random().toString(36).slice(2)}`);
    const r = await cli([...args, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(root).filter((n) => n.includes('.redsec-'))).toEqual([]);
  });

  it('--redis-version 8.2 (newer than the tables): built from the 8.0 tables with a warning that says so', async () => {
    const r = await cli(['--level', 'hardened', '--exposure', 'localhost', '--redis-version', '8.2', '--format', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { profile: { redis_version: string }; warnings: { id: string; message: string }[] };
    expect(out.profile.redis_version).toBe('8.0');
    expect(out.warnings[0]).toEqual({
      id: 'VERSION-NEWER-THAN-TABLES',
      severity: 'warning',
      message: "Redis 8.2 is newer than redsec's tables: generated for the 8.0 tables (from Redis 8.0.2), so only directives and commands 8.0 has are used; check the release notes of 8.2 for anything new it would need",
    });
    const exact = JSON.parse((await cli(['--level', 'hardened', '--exposure', 'localhost', '--redis-version', '8.0', '--format', 'json'])).stdout) as { warnings: { id: string }[] };
    expect(exact.warnings.map((w) => w.id)).not.toContain('VERSION-NEWER-THAN-TABLES');
  });

  it.each([
    [{ security_level: 'standard', network_exposure: 'private_network', extra: true }, /^redsec: extra: unknown field/],
    [{ security_level: 'standard', network_exposure: 'private_network', applications: [{ name: 'a', key_prefixes: ['a:'], access: 'rw' }] }, /^redsec: applications\[0\]\.access: Invalid option/],
    [{ security_level: 'standard', network_exposure: 'private_network', ips: [42] }, /^redsec: ips\[0\]: expected an IPv4 or IPv6 address/],
    [{ security_level: 'standard', network_exposure: 'private_network', sentinel: 'yes' }, /^redsec: sentinel: Invalid input: expected boolean/],
  ])('exits 2 for the profile file %j, naming the field', async (profile, message) => {
    const file = join(root, `p-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(profile));
    const out = join(root, 'never');
    const r = await cli(['--profile', file, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  it('exits 2 for an unreadable or malformed profile file', async () => {
    expect((await cli(['--profile', join(root, 'missing.json')])).stderr).toMatch(/missing\.json: cannot read profile \(ENOENT\)/);
    const file = join(root, 'broken.json');
    writeFileSync(file, '{"security_level": "basic",');
    const r = await cli(['--profile', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.json: not valid JSON/);
  });

  it('writes the bundle, prints the seed JSON without secrets, and refuses a non-empty directory unless --force', async () => {
    const out = join(root, 'bundle');
    const r = await cli(['--level', 'standard', '--exposure', 'private_network', '--redis-version', '7.0', '--ip', '10.0.0.5', '--out', out, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(expect.arrayContaining(['security_config', 'acl_rules', 'tls_config', 'audit_checklist', 'warnings']));
    expect(readdirSync(out).sort()).toEqual(['CHECKLIST.md', 'firewall', 'monitoring', 'plan.json', 'redis.conf', 'secrets.env', 'tls', 'users.acl']);
    expect(readdirSync(join(out, 'monitoring')).sort()).toEqual(['alertmanager-example.yml', 'prometheus-rules.yml']);
    expect(readdirSync(join(out, 'firewall')).sort()).toEqual(['aws-security-group.json', 'iptables.sh', 'k8s-networkpolicy.yaml', 'nftables.nft', 'ufw.sh']);
    const first = secretsOf(out);
    expect(first.length).toBeGreaterThan(3);
    for (const s of first) expect(r.stdout).not.toContain(s);

    const again = await cli(['--level', 'standard', '--exposure', 'private_network', '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/bundle: directory exists and is not empty \(use --force/);
    expect(secretsOf(out)).toEqual(first);

    const forced = await cli(['--level', 'hardened', '--exposure', 'localhost', '--out', out, '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/Bundle written to/);
    expect(secretsOf(out)).not.toEqual(first);
    expect(readFileSync(join(out, 'redis.conf'), 'utf8')).toContain('tls-auth-clients yes');
  });

  it('writes into an existing empty directory and prints only a plan without --out', async () => {
    const empty = join(root, 'empty');
    mkdirSync(empty);
    expect((await cli(['--level', 'basic', '--exposure', 'localhost', '--out', empty])).code).toBe(0);
    expect(existsSync(join(empty, 'users.acl'))).toBe(true);
    const before = readdirSync(root).sort();
    const r = await cli(['--level', 'basic', '--exposure', 'localhost']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Nothing written: pass --out DIR/);
    expect(readdirSync(root).sort()).toEqual(before);
  });
});
