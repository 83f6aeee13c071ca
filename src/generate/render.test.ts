import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { tokenizeLine } from '../config/index.js';
import { parseProfile } from '../profile/index.js';
import { buildPlan } from './plan.js';
import { generateBundle } from './bundle.js';
import { renderRedisConf } from './render/redis-conf.js';
import { renderAwsSecurityGroup, renderIptables, renderK8sNetworkPolicy, renderNftables, renderUfw } from './render/firewall.js';
import { renderOutput } from './render/output.js';
import { generatePassword, passwordHash } from './secrets.js';

const profile = (extra: Record<string, unknown> = {}) =>
  parseProfile({ security_level: 'hardened', network_exposure: 'private_network', redis_version: '7.4', replication: true, ...extra });

describe('secrets', () => {
  it('draws 256-bit hex secrets and redraws one without a letter or a digit', () => {
    const draws = [Buffer.alloc(32, 0x11), Buffer.alloc(32, 0xaa), Buffer.from('0123456789abcdef'.repeat(4), 'hex')];
    const pw = generatePassword(() => draws.shift() ?? Buffer.alloc(32));
    expect(pw).toBe('0123456789abcdef'.repeat(4));
    expect(draws).toEqual([]);
    expect(generatePassword()).toMatch(/^[0-9a-f]{64}$/);
    expect(passwordHash('foo')).toBe('2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae');
  });
});

describe('redis.conf', () => {
  it('puts a reason comment above every directive, and every line round-trips through the config tokenizer', () => {
    const plan = buildPlan(profile());
    const lines = renderRedisConf(plan).trimEnd().split('\n');
    const directives = lines.filter((l) => l !== '' && !l.startsWith('#'));
    expect(directives).toHaveLength(plan.directives.length);
    directives.forEach((line, i) => {
      const d = plan.directives[i]!;
      expect(tokenizeLine(line)).toEqual([d.name, ...d.args]);
      expect(lines[lines.indexOf(line) - 1]).toBe(`# ${d.reason}`);
    });
  });
});

describe('bundle contents', () => {
  it('keeps secrets out of everything but secrets.env, and hashes out of stdout', async () => {
    const bundle = await generateBundle(profile({ sentinel: true }));
    const secrets = bundle.files.find((f) => f.path === 'secrets.env')!;
    const passwords = [...secrets.content.matchAll(/^REDIS_\w+_PASSWORD=([0-9a-f]{64})$/gm)].map((m) => m[1]!);
    expect(passwords).toHaveLength(bundle.plan.users.filter((u) => u.password).length);
    expect(new Set(passwords).size).toBe(passwords.length);
    for (const f of bundle.files.filter((x) => x.path !== 'secrets.env')) for (const pw of passwords) expect(f.content).not.toContain(pw);
    const acl = bundle.files.find((f) => f.path === 'users.acl')!.content;
    for (const pw of passwords) expect(acl).toContain(`#${passwordHash(pw)}`);
    expect(acl).not.toMatch(/(^|\s)[>#](?![0-9a-f]{64}(\s|$))/m);
    expect(acl.split('\n').filter(Boolean).every((l) => l.startsWith('user '))).toBe(true);
    const stdout = JSON.stringify(renderOutput(bundle.plan, { certificates: bundle.certificates }));
    for (const pw of passwords) {
      expect(stdout).not.toContain(pw);
      expect(stdout).not.toContain(passwordHash(pw));
    }
    expect(stdout).not.toContain('PRIVATE KEY');
    expect(Object.keys(JSON.parse(stdout))).toEqual(expect.arrayContaining(['security_config', 'acl_rules', 'tls_config', 'audit_checklist', 'warnings']));
  });

  it('writes keys 0600 and certificates 0644, and inventories every certificate', async () => {
    const bundle = await generateBundle(profile({ hostnames: ['redis.internal'], ips: ['10.0.0.5'] }));
    for (const f of bundle.files) {
      if (f.path.endsWith('.key') || f.path === 'secrets.env' || f.path === 'users.acl') expect(f.mode).toBe(0o600);
      if (f.path.endsWith('.crt')) expect(f.mode).toBe(0o644);
    }
    const server = bundle.certificates.find((c) => c.role === 'server')!;
    expect(server.dnsNames).toEqual(['redis.internal', 'localhost']);
    expect(server.ips).toEqual(['10.0.0.5', '127.0.0.1', '::1']);
    expect(bundle.certificates.filter((c) => c.role === 'client').map((c) => c.subject)).toEqual(['CN=app', 'CN=admin', 'CN=monitor']);
    expect(bundle.plan.bind).toEqual(['10.0.0.5', '127.0.0.1', '-::1']);
  });
});

describe('firewall', () => {
  it('allows only named sources per port, IPv4 and IPv6 apart, never everyone', () => {
    const fw = buildPlan(parseProfile({ security_level: 'standard', network_exposure: 'private_network', app_cidrs: ['10.1.0.0/24', 'fd00:1::/64'], peer_cidrs: ['10.2.0.0/24'], cluster: true, sentinel: true })).firewall;
    expect(fw.ports.map((p) => p.port)).toEqual([6379, 16379, 26379]);
    const ipt = renderIptables(fw);
    expect(ipt).toContain('iptables -A REDSEC-REDIS -p tcp --dport 6379 -s 10.1.0.0/24 -j ACCEPT');
    expect(ipt).toContain('ip6tables -A REDSEC-REDIS -p tcp --dport 6379 -s fd00:1::/64 -j ACCEPT');
    expect(ipt).not.toMatch(/iptables -A \S+ .*-s fd00/);
    expect(ipt).not.toContain('--dport 16379 -s 10.1.0.0/24');
    expect(ipt).toContain('--dport 16379 -s 10.2.0.0/24 -j ACCEPT');
    for (const text of [ipt, renderNftables(fw), renderUfw(fw), renderAwsSecurityGroup(fw), renderK8sNetworkPolicy(fw)]) {
      expect(text).not.toMatch(/0\.0\.0\.0\/0|::\/0/);
    }
    const sg = JSON.parse(renderAwsSecurityGroup(fw)) as { IpPermissions: { FromPort: number; IpRanges: { CidrIp: string }[]; Ipv6Ranges: { CidrIpv6: string }[] }[] };
    expect(sg.IpPermissions.find((p) => p.FromPort === 16379)?.IpRanges.map((r) => r.CidrIp)).toEqual(['10.2.0.0/24']);
    expect(sg.IpPermissions.find((p) => p.FromPort === 6379)?.Ipv6Ranges.map((r) => r.CidrIpv6)).toEqual(['fd00:1::/64']);
    expect(renderK8sNetworkPolicy(fw)).toContain('port: 16379');
    // The shell scripts at least parse (the firewall tools themselves are not on the test host).
    for (const script of [ipt, renderUfw(fw)]) execFileSync('sh', ['-n'], { input: script });
  });

  it('drops everything off-host for localhost and rate-limits public sources', () => {
    const local = buildPlan(parseProfile({ security_level: 'basic', network_exposure: 'localhost' })).firewall;
    expect(renderIptables(local)).not.toContain('-s ');
    expect(JSON.parse(renderAwsSecurityGroup(local))).toMatchObject({ IpPermissions: [] });
    expect(renderK8sNetworkPolicy(local)).toContain('ingress: []');
    const pub = buildPlan(parseProfile({ security_level: 'hardened', network_exposure: 'public', app_cidrs: ['198.51.100.7'] })).firewall;
    expect(renderIptables(pub)).toContain('--hashlimit-above 30/minute');
    expect(renderNftables(pub)).toContain('limit rate over 30/minute');
    expect(renderUfw(pub)).toContain('ufw limit from 198.51.100.7 to any port 6379');
    expect(JSON.parse(renderAwsSecurityGroup(pub)).IpPermissions[0].IpRanges[0].CidrIp).toBe('198.51.100.7/32');
  });
});
