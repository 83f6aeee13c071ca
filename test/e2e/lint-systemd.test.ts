/**
 * OS-SYSTEMD from `redsec lint --systemd-unit`, on the unit Debian's redis-server package installs
 * (the same package provides the test servers, so it is on every machine the suite runs on).
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/run-cli.js';

const DEBIAN_UNIT = '/lib/systemd/system/redis-server.service';
const root = mkdtempSync(join(tmpdir(), 'redsec-systemd-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const conf = join(root, 'redis.conf');
writeFileSync(conf, 'dir /var/lib/redis\nlogfile /var/log/redis/redis-server.log\n', { mode: 0o600 });

async function systemdFinding(unit: string) {
  const r = await cli(['lint', conf, '--redis-version', '7.0.15', '--systemd-unit', unit, '--format', 'json']);
  const report = JSON.parse(r.stdout) as { findings: { id: string; status: string; evidence: string }[] };
  return report.findings.filter((f) => f.id === 'OS-SYSTEMD');
}

describe('lint --systemd-unit', () => {
  it("reads Debian's unit: sandboxed, but /etc/redis is writable beyond the data directory", async () => {
    const findings = await systemdFinding(DEBIAN_UNIT);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ status: 'fail' });
    expect(findings[0]?.evidence).toBe(`${DEBIAN_UNIT}: ReadWritePaths beyond the data directory: /etc/redis`);
  });

  it('applies a drop-in next to the unit, as `systemctl edit` writes it', async () => {
    const unit = join(root, 'redis-server.service');
    copyFileSync(DEBIAN_UNIT, unit);
    mkdirSync(`${unit}.d`);
    writeFileSync(`${unit}.d/override.conf`, '[Service]\nReadWritePaths=\nReadWritePaths=-/var/lib/redis -/var/log/redis -/run/redis\n');
    const findings = await systemdFinding(unit);
    expect(findings.map((f) => f.status)).toEqual(['pass']);
    expect(findings[0]?.evidence).toMatch(/\+ 1 drop-in: NoNewPrivileges, ProtectSystem=strict, ReadWritePaths limited$/);
  });

  it('an unreadable unit is bad input: one line, exit 2', async () => {
    const r = await cli(['lint', conf, '--systemd-unit', join(root, 'missing.service')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/missing\.service.*ENOENT/);
  });
});
