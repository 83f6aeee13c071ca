import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { debianPackage } from './local-host.js';

const ARCH = { x64: 'amd64', arm64: 'arm64' }[process.arch as 'x64'] ?? 'amd64';
let root = '';
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A host root with dpkg's database laid out as Debian 12 has it (redis-server links to redis-tools' binary). */
function host(opts: { packageVersion: string; changelog: string; listName?: string }): string {
  root = mkdtempSync(join(tmpdir(), 'redsec-dpkg-'));
  const put = (path: string, data: string | Buffer) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), data);
  };
  put('usr/bin/redis-check-rdb', 'ELF');
  mkdirSync(join(root, 'proc/4242'), { recursive: true });
  symlinkSync(join(root, 'usr/bin/redis-check-rdb'), join(root, 'proc/4242/exe'));
  put(`var/lib/dpkg/info/${opts.listName ?? 'redis-tools'}.list`, '/.\n/usr\n/usr/bin\n/usr/bin/redis-check-rdb\n/usr/bin/redis-cli\n');
  put('var/lib/dpkg/status', `Package: redis-server\nStatus: install ok installed\nVersion: ${opts.packageVersion}\n\nPackage: redis-tools\nStatus: install ok installed\nVersion: ${opts.packageVersion}\n`);
  put('usr/share/doc/redis-server/changelog.Debian.gz', gzipSync(opts.changelog));
  put('etc/os-release', 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n');
  return root;
}

const CHANGELOG = `redis (5:7.0.15-1~deb12u6) bookworm-security; urgency=medium

  * CVE-2025-46817 / CVE-2025-46818 / CVE-2025-49844 / CVE-2025-46819

redis (5:7.0.15-1~deb12u2) bookworm-security; urgency=medium

  * CVE-2024-31227, CVE-2024-31228, CVE-2024-31449
`;

describe('debianPackage', () => {
  it('finds the package owning the running binary, its version and the CVEs its changelog names', () => {
    const r = host({ packageVersion: '5:7.0.15-1~deb12u6', changelog: CHANGELOG });
    expect(debianPackage(4242, '7.0.15', r)).toEqual({
      name: 'Debian GNU/Linux 12 (bookworm)',
      packageVersion: '5:7.0.15-1~deb12u6',
      package: 'redis-tools',
      changelogCves: ['CVE-2025-46817', 'CVE-2025-46818', 'CVE-2025-49844', 'CVE-2025-46819', 'CVE-2024-31227', 'CVE-2024-31228', 'CVE-2024-31449'],
    });
  });

  it('reads arch-qualified list files (multi-arch installs)', () => {
    const r = host({ packageVersion: '5:7.0.15-1~deb12u6', changelog: CHANGELOG, listName: `redis-tools:${ARCH}` });
    expect(debianPackage(4242, '7.0.15', r)?.package).toBe('redis-tools');
  });

  it('gives nothing when the server reports another version than the package (a replaced binary)', () => {
    const r = host({ packageVersion: '5:7.0.15-1~deb12u6', changelog: CHANGELOG });
    expect(debianPackage(4242, '7.2.4', r)).toBeUndefined();
  });

  it('gives no CVEs when the changelog does not describe the installed version', () => {
    const r = host({ packageVersion: '5:7.0.15-1~deb12u9', changelog: CHANGELOG });
    expect(debianPackage(4242, '7.0.15', r)?.changelogCves).toEqual([]);
  });

  it('gives nothing for a process it cannot see', () => {
    const r = host({ packageVersion: '5:7.0.15-1~deb12u6', changelog: CHANGELOG });
    expect(debianPackage(1, '7.0.15', r)).toBeUndefined();
    expect(debianPackage(0, '7.0.15', r)).toBeUndefined();
  });
});
