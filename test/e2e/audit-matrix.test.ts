/**
 * The proof matrix: real redis-server 7.0.15 instances, each misconfigured in exactly one way,
 * audited live. Each must fail with the catalog's ID; the well-configured baseline must not fail
 * any of those IDs (so the detection comes from the misconfiguration, not from the rule).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer, type StartOptions } from '../helpers/redis-server.js';
import { testPki } from '../helpers/pki.js';
import { auditTarget, profileFromLevel, type AuditOptions } from '../../src/audit/index.js';
import type { Finding, Report } from '../../src/report/types.js';

const ADMIN = 'user admin on >matrix-admin-pw ~* &* +@all';
const APP_OK = 'user app on >matrix-app-pw ~app:* resetchannels -@all +@read +@write -@dangerous -@scripting';
const BASE = ['user default off', ADMIN, 'timeout 300', 'acllog-max-len 128', 'enable-debug-command no', 'sanitize-dump-payload yes'];

interface Case {
  name: string;
  id: string;
  /** Config lines replacing the baseline line of the same directive/user (or added). */
  config?: string[];
  start?: (pki: ReturnType<typeof testPki>) => Partial<StartOptions>;
  /** How the audit connects: default admin over plain TCP. */
  url?: (s: RedisServer) => string;
  tlsClient?: boolean;
  /** Connect without verifying the server certificate (--insecure). */
  tlsInsecure?: boolean;
  afterStart?: (s: RedisServer) => void;
  profile?: 'hardened';
}

/** A self-signed server certificate valid for 5 days, made with the openssl CLI. */
const tempDirs: string[] = [];
function shortLivedSelfSigned(): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'redsec-short-cert-'));
  tempDirs.push(dir);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem',
    '-days', '5', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { cwd: dir, stdio: 'pipe' });
  return { cert: join(dir, 'c.pem'), key: join(dir, 'k.pem') };
}

const plainAdmin = (s: RedisServer) => `redis://admin:matrix-admin-pw@127.0.0.1:${s.port}`;
const tlsAdmin = (s: RedisServer) => `rediss://admin:matrix-admin-pw@127.0.0.1:${s.tlsPort}`;
const tlsOnly = (pki: ReturnType<typeof testPki>, extra: Record<string, string> = {}): Partial<StartOptions> => ({
  tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca, authClients: 'yes', plain: false },
  overrides: extra,
});

const CASES: Case[] = [
  { name: 'no password on the default user', id: 'AUTH-NOPASS-DEFAULT', config: ['user default on nopass ~* &* +@all'], url: (s) => `redis://127.0.0.1:${s.port}` },
  { name: 'reachable without AUTH', id: 'NET-UNAUTH-REACHABLE', config: ['user default on nopass ~* &* +@all'], url: (s) => `redis://127.0.0.1:${s.port}` },
  { name: 'protected-mode off', id: 'NET-PROTECTED-MODE-OFF', start: () => ({ overrides: { 'protected-mode': 'no', bind: '0.0.0.0' } }) },
  { name: 'bind all interfaces', id: 'NET-BIND-ALL', start: () => ({ overrides: { 'protected-mode': 'no', bind: '0.0.0.0' } }) },
  { name: 'a nopass user', id: 'AUTH-ANY-NOPASS-USER', config: ['user guest on nopass ~cache:* resetchannels -@all +get'] },
  { name: 'app user with +@all', id: 'ACL-ALLCOMMANDS', config: ['user app on >matrix-app-pw ~app:* resetchannels +@all'] },
  { name: 'scripting allowed to an app', id: 'ACL-SCRIPTING', config: ['user app on >matrix-app-pw ~app:* resetchannels -@all +@read +@write +@scripting'] },
  { name: 'KEYS and FLUSHALL allowed to an app', id: 'CMD-KEYS-FLUSH', config: ['user app on >matrix-app-pw ~app:* resetchannels -@all +@read +@write +keys +flushall'] },
  { name: 'CONFIG allowed to an app', id: 'ACL-DANGEROUS', config: ['user app on >matrix-app-pw ~app:* resetchannels -@all +@read +config'] },
  { name: 'REPLICAOF allowed to an app', id: 'ACL-REPLICAOF', config: ['user app on >matrix-app-pw ~app:* resetchannels -@all +@read +replicaof'] },
  { name: 'MONITOR allowed to an app', id: 'CMD-MONITOR', config: ['user app on >matrix-app-pw ~app:* resetchannels -@all +@read +monitor'] },
  { name: 'enable-debug-command yes', id: 'CMD-DEBUG-CMD', config: ['enable-debug-command yes'] },
  { name: 'enable-debug-command local', id: 'CMD-LOCAL-MEANS-SSRF', config: ['enable-debug-command local'] },
  { name: 'enable-protected-configs yes', id: 'CMD-PROTECTED-CONFIGS', config: ['enable-protected-configs yes'] },
  { name: 'enable-module-command yes', id: 'CMD-MODULE-CMD', config: ['enable-module-command yes'] },
  { name: 'timeout 0', id: 'NET-IDLE-TIMEOUT', config: ['timeout 0'] },
  { name: 'acllog-max-len 0', id: 'ACL-LOG-CAPACITY', config: ['acllog-max-len 0'] },
  { name: 'dir world-writable', id: 'DATA-DIR-PERMS', afterStart: (s) => chmodSync(s.dir, 0o777) },
  { name: 'dbfilename authorized_keys', id: 'IOC-PERSIST-PATH', config: ['dbfilename authorized_keys'] },
  { name: 'rename-command CONFIG', id: 'ACL-RENAME-DEPRECATED', config: ['rename-command CONFIG ""'] },
  { name: 'skip-sanitize-payload user', id: 'ACL-SKIP-SANITIZE', config: ['user app on >matrix-app-pw ~app:* resetchannels -@all +@read +restore skip-sanitize-payload'] },
  {
    name: 'TLS with the plain port still open',
    id: 'NET-PLAINTEXT-PORT-WITH-TLS',
    start: (pki) => ({ tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca, authClients: 'yes' } }),
    url: tlsAdmin,
    tlsClient: true,
  },
  { name: 'TLS 1.1 allowed', id: 'TLS-PROTOCOLS', start: (pki) => tlsOnly(pki, { 'tls-protocols': 'TLSv1.1 TLSv1.2 TLSv1.3' }), url: tlsAdmin, tlsClient: true },
  { name: 'weak CBC ciphers', id: 'TLS-CIPHERS', start: (pki) => tlsOnly(pki, { 'tls-ciphers': 'ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES128-GCM-SHA256' }), url: tlsAdmin, tlsClient: true },
  {
    name: 'self-signed certificate expiring in 5 days',
    id: 'TLS-CERT',
    start: () => {
      const c = shortLivedSelfSigned();
      return { tls: { cert: c.cert, key: c.key, ca: c.cert, authClients: 'no', plain: false } };
    },
    url: tlsAdmin,
    tlsInsecure: true,
  },
  { name: 'tls-auth-clients no', id: 'TLS-CLIENT-AUTH', start: (pki) => tlsOnly(pki, { 'tls-auth-clients': 'no' }), url: tlsAdmin, tlsClient: true, profile: 'hardened' },
];

/** Baseline lines minus those the case replaces (same directive, or same user). */
function configFor(c: Case): string {
  const extra = c.config ?? [];
  const key = (l: string) => (l.startsWith('user ') ? l.split(' ').slice(0, 2).join(' ') : l.split(' ')[0]);
  const replaced = new Set(extra.map(key));
  return [...BASE.filter((l) => !replaced.has(key(l))), ...(extra.some((l) => l.startsWith('user app ')) ? [] : [APP_OK]), ...extra].join('\n');
}

const show = (fs: Finding[]) => fs.map((f) => `${f.id}=${f.status}: ${f.evidence}`).join('\n');

describe('audit matrix: one misconfiguration per redis-server 7.0.15', () => {
  const servers = new Map<string, RedisServer>();
  const reports = new Map<string, Report>();
  let baseline: Report;
  let baselineServer: RedisServer;

  beforeAll(async () => {
    const pki = testPki();
    const tlsAudit = (c: Case): AuditOptions['tls'] | undefined =>
      c.tlsInsecure ? { insecure: true } : c.tlsClient ? { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey } : undefined;
    baselineServer = await startRedis({ config: configFor({ name: 'baseline', id: '' }) });
    await Promise.all(
      CASES.map(async (c) => {
        const s = await startRedis({ config: configFor(c), ...(c.start?.(pki) ?? {}) });
        servers.set(c.name, s);
        c.afterStart?.(s);
      }),
    );
    // Audits run a few at a time: the machine is shared.
    for (const c of CASES) {
      const s = servers.get(c.name) as RedisServer;
      const tls = tlsAudit(c);
      reports.set(c.name, await auditTarget((c.url ?? plainAdmin)(s), { profile: c.profile ? profileFromLevel(c.profile) : null, ...(tls ? { tls } : {}) }));
    }
    baseline = await auditTarget(plainAdmin(baselineServer), { profile: null });
  }, 120_000);

  afterAll(async () => {
    await Promise.all([...servers.values(), baselineServer].map((s) => s?.stop()));
    for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
  });

  it.each(CASES.map((c) => [c.name, c.id] as const))('%s → %s fails', (name, id) => {
    const report = reports.get(name) as Report;
    const mine = report.findings.filter((f) => f.id === id);
    expect(mine.length, `no finding ${id}`).toBeGreaterThan(0);
    expect(mine.some((f) => f.status === 'fail'), show(mine)).toBe(true);
    expect(report.server).toEqual({ flavor: 'redis', version: '7.0.15', tables: { id: '7.0', from: 'Redis 7.0.15' } });
  });

  it('the baseline fails none of the matrix IDs', () => {
    const ids = new Set(CASES.map((c) => c.id));
    const failing = baseline.findings.filter((f) => ids.has(f.id) && f.status === 'fail');
    expect(failing, show(failing)).toEqual([]);
  });

  it('every rule appears in every report, and no password appears anywhere', () => {
    for (const r of [baseline, ...reports.values()]) {
      const text = JSON.stringify(r);
      expect(text).not.toMatch(/matrix-(admin|app)-pw/);
      expect(new Set(r.findings.map((f) => f.id)).size).toBeGreaterThanOrEqual(60);
    }
  });

  it('TLS 1.1: says whether this OpenSSL let the server offer it', () => {
    const r = reports.get('TLS 1.1 allowed') as Report;
    const f = r.findings.find((x) => x.id === 'TLS-PROTOCOLS');
    // Debian 12's OpenSSL (MinProtocol TLSv1.2, SECLEVEL 2) refuses TLS 1.1 even when redis.conf allows it;
    // the rule still fails on the configuration. The evidence records what the handshake showed.
    expect(f?.evidence).toMatch(/TLSv1\.1/);
  });
});
