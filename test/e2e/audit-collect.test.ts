import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { parseTarget } from '../../src/resp/index.js';
import { collectTarget } from '../../src/audit/collect-target.js';
import { testPki } from '../helpers/pki.js';
import { spawnSync } from 'node:child_process';
import { runRules } from '../../src/rules/index.js';

describe('live collector against redis-server 7.0.15', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis({
      config: [
        'user default on nopass ~* &* +@all',
        'user app on >app-pw ~app:* +@read +@write -@dangerous',
        'user admin on >admin-pw ~* &* +@all',
        // The least-privileged audit user the README documents.
        'user auditor on >auditor-pw nocommands +ping +info +config|get +acl|whoami +acl|list +acl|log +acl|dryrun +module|list +client|list +command|list +command|info +hello resetkeys resetchannels',
      ].join('\n'),
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('collects version, config, users, dryrun and the unauthenticated reply in a few round trips', async () => {
    const facts = await collectTarget(parseTarget(`redis://admin:admin-pw@127.0.0.1:${server.port}`), {});
    expect(facts).toMatchObject({ source: 'live', flavor: 'redis', version: '7.0.15', versionId: '7.0', auditUser: 'admin' });
    expect(facts.target).not.toContain('admin-pw');
    expect(facts.mode).toEqual({ known: true, value: 'standalone' });
    expect(facts.config.known && facts.config.value['port']?.value).toBe(String(server.port));
    expect(facts.users.known && facts.users.value.map((u) => u.name)).toEqual(['admin', 'app', 'auditor', 'default']);
    expect(facts.unauthenticated).toEqual({ known: true, value: { reply: 'PONG', reachable: true } });
    const dry = facts.dryrun.known ? facts.dryrun.value : {};
    expect(dry['app']?.['FLUSHALL']).toBe(false);
    expect(dry['app']?.['CONFIG GET x']).toBe(false);
    expect(dry['admin']?.['FLUSHALL']).toBe(true);
    expect(dry['default']?.['EVAL return 1 0']).toBe(true);
    expect(facts.renamedCommands).toEqual({ known: true, value: [] });
    expect(facts.files.known && facts.files.value.some((f) => f.kind === 'dir' && f.path === server.dir)).toBe(true);
    expect(facts.process.known && facts.process.value.uid).toBe(process.getuid?.());
    expect(facts.info.known && facts.info.value['commandstats']).toBeDefined();
    expect(facts.tls.known).toBe(false);
  });

  it('reads the Debian package of a local server and judges CVEs by its changelog, not by the version alone', async () => {
    const facts = await collectTarget(parseTarget(`redis://admin:admin-pw@127.0.0.1:${server.port}`), {});
    const dpkg = spawnSync('dpkg-query', ['-W', '-f=${Version}', 'redis-tools'], { encoding: 'utf8' });
    if (dpkg.status !== 0 || !dpkg.stdout.startsWith('5:7.0.15')) {
      // A redis-server that dpkg does not own: nothing may be claimed about backports.
      expect(facts.distro).toBeUndefined();
      return;
    }
    expect(facts.distro).toMatchObject({ known: true, value: { packageVersion: dpkg.stdout, package: 'redis-tools' } });
    // deb12u2 backported CVE-2024-31449 (shared spec, acl-semantics §0); the changelog on this host says so.
    expect(facts.distro?.known && facts.distro.value.changelogCves).toContain('CVE-2024-31449');
    const cve = runRules(facts, { mode: 'live', profile: null }).filter((f) => f.id === 'VER-CVE');
    // Every CVE in the data is decided by the changelog (none "cannot tell"); what stays unknown is only
    // the CVEs the changelog names that the data does not know (audit-cve-data.test.ts).
    expect(cve.map((f) => f.status)).not.toContain('fail');
    expect(cve.map((f) => f.evidence).join(' ')).not.toMatch(/version string alone|cannot tell for/);
  });

  it('the README\'s read-only audit user sees everything the rules need', async () => {
    const facts = await collectTarget(parseTarget(`redis://auditor:auditor-pw@127.0.0.1:${server.port}`), {});
    const parts = { info: facts.info, config: facts.config, users: facts.users, dryrun: facts.dryrun, modules: facts.modules, clients: facts.clients, aclLog: facts.aclLog, renamed: facts.renamedCommands };
    expect(Object.entries(parts).filter(([, k]) => !k.known).map(([n, k]) => `${n}: ${k.known ? '' : k.why}`)).toEqual([]);
    expect(facts.auditUser).toBe('auditor');
  });

  it('the opt-in key probe says unknown, not "no keys", when the audit user may not read them', async () => {
    const denied = await collectTarget(parseTarget(`redis://auditor:auditor-pw@127.0.0.1:${server.port}`), { probeKeys: true });
    expect(denied.suspiciousKeys).toMatchObject({ known: false });
    expect(!denied.suspiciousKeys?.known && denied.suspiciousKeys?.why).toMatch(/NOPERM/);
    const allowed = await collectTarget(parseTarget(`redis://admin:admin-pw@127.0.0.1:${server.port}`), { probeKeys: true });
    expect(allowed.suspiciousKeys).toEqual({ known: true, value: [] });
    const plain = await collectTarget(parseTarget(`redis://admin:admin-pw@127.0.0.1:${server.port}`), {});
    expect(plain.suspiciousKeys).toBeUndefined();
  });

  it('reports what a restricted audit user cannot see as unknown, never as empty', async () => {
    const facts = await collectTarget(parseTarget(`redis://app:app-pw@127.0.0.1:${server.port}`), {});
    expect(facts.config.known).toBe(false);
    expect(!facts.config.known && facts.config.why).toMatch(/NOPERM/);
    expect(facts.users.known).toBe(false);
    expect(facts.dryrun.known).toBe(false);
    // INFO is @dangerous: denied, but HELLO still names the server.
    expect(!facts.info.known && facts.info.why).toMatch(/NOPERM/);
    expect(facts).toMatchObject({ flavor: 'redis', version: '7.0.15', versionId: '7.0', auditUser: 'app' });
  });

  it('a plain target whose server also listens for TLS gets that listener probed', async () => {
    const pki = testPki();
    const both = await startRedis({ config: 'requirepass both-pw', tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca, authClients: 'yes' } });
    try {
      const facts = await collectTarget(parseTarget(`redis://:both-pw@127.0.0.1:${both.port}`), {});
      expect(facts.tls.known && facts.tls.value.protocols).toEqual(['TLSv1.2', 'TLSv1.3']);
      expect(facts.tls.known && facts.tls.value.clientAuth).toBe('required');
      expect(facts.certificates.map((c) => c.subject)).toEqual(['CN=localhost']);
    } finally {
      await both.stop();
    }
  });
});
