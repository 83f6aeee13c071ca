import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { debianPackage, openRegularFile, readSystemdUnit, scanServerLog, serviceOf } from './local-host.js';

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
      osId: 'debian',
      osVersion: undefined,
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

describe('scanServerLog', () => {
  const WARNING =
    '1:M 28 Nov 2026 22:31:41.123 # Possible SECURITY ATTACK detected. It looks like somebody is sending POST or Host: commands to Redis. This is likely due to an attacker attempting to use Cross Protocol Scripting to compromise your Redis instance. Connection aborted.';
  const logLines = ['1:M 28 Nov 2026 22:31:40.000 * Ready to accept connections tcp', WARNING, '1:M 28 Nov 2026 22:32:00.000 * DB saved on disk', WARNING, ''];

  function logFile(text: string): string {
    root = mkdtempSync(join(tmpdir(), 'redsec-log-'));
    const path = join(root, 'redis.log');
    writeFileSync(path, text);
    return path;
  }

  it('gives the line of each cross-protocol warning', () => {
    const path = logFile(logLines.join('\n'));
    expect(scanServerLog(path)).toEqual({ file: path, crossProtocolLines: [2, 4] });
    expect(scanServerLog(logFile('1:M * Ready to accept connections\n'))).toMatchObject({ crossProtocolLines: [] });
  });

  it('reads only the end of a long log, dropping the cut line, and says so', () => {
    const text = logLines.join('\n');
    const path = logFile(text);
    // Starting 100 bytes in cuts the first warning: what remains is the save line and the second warning.
    const limit = text.length - 100;
    const scan = scanServerLog(path, limit);
    expect(scan.file).toBe(`${path} (last ${limit} bytes)`);
    expect(scan.crossProtocolLines).toEqual([2]);
  });

  it('gives the same lines whatever the chunk size, as a whole-file reading would', () => {
    const pieces = ['1:M * Ready to accept connections', WARNING, 'x', '', `${'y'.repeat(40)}${WARNING}`, WARNING.slice(0, 20)];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 12 }), fc.boolean(), fc.integer({ min: 1, max: 80 }), fc.integer({ min: 20, max: 3000 }), (lines, trailing, chunk, limit) => {
        const text = lines.join('\n') + (trailing ? '\n' : '');
        const path = logFile(text);
        // The reference: the kept text split into lines (the cut first line dropped when the limit cuts).
        let kept = text.slice(Math.max(0, text.length - limit));
        if (text.length > limit) kept = kept.includes('\n') ? kept.slice(kept.indexOf('\n') + 1) : '';
        const expected = kept.split('\n').flatMap((l, i) => (l.includes('Possible SECURITY ATTACK detected') ? [i + 1] : []));
        expect(scanServerLog(path, limit, chunk).crossProtocolLines).toEqual(expected);
        rmSync(root, { recursive: true, force: true });
      }),
      { numRuns: 150, seed: 11 },
    );
  });

  it('throws the file system error for a missing log', () => {
    root = mkdtempSync(join(tmpdir(), 'redsec-log-'));
    expect(() => scanServerLog(join(root, 'nope.log'))).toThrow(/ENOENT/);
  });

  // A server names its logfile; a FIFO there (opened with a blocking open) used to hang the audit.
  it('refuses a FIFO named as the logfile without blocking, and a device without opening it', () => {
    root = mkdtempSync(join(tmpdir(), 'redsec-log-'));
    const fifo = join(root, 'redis.log');
    execFileSync('mkfifo', [fifo]);
    // Nobody ever writes to this FIFO: a blocking open would wait here forever (the test would time out).
    expect(() => scanServerLog(fifo)).toThrow(/is a FIFO, not a regular file/);
    expect(() => openRegularFile(fifo)).toThrow(expect.objectContaining({ code: 'ENOTREG' }));
    expect(() => scanServerLog('/dev/zero')).toThrow(/is a device, not a regular file/);
    expect(() => scanServerLog(root)).toThrow(/is a directory/);
    // A symlink to a regular file is the file it names.
    writeFileSync(join(root, 'real.log'), 'x\n');
    symlinkSync(join(root, 'real.log'), join(root, 'link.log'));
    expect(scanServerLog(join(root, 'link.log')).crossProtocolLines).toEqual([]);
    symlinkSync(fifo, join(root, 'fifo-link.log'));
    expect(() => scanServerLog(join(root, 'fifo-link.log'))).toThrow(/FIFO/);
  });
});

describe('systemd unit of a local server', () => {
  function hostWith(files: Record<string, string>): string {
    root = mkdtempSync(join(tmpdir(), 'redsec-systemd-'));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return root;
  }

  it('finds the service in the process cgroup (v2 and v1 layouts)', () => {
    const r = hostWith({
      'proc/10/cgroup': '0::/system.slice/redis-server.service\n',
      'proc/11/cgroup': '12:pids:/system.slice/redis-server@cache.service\n1:name=systemd:/system.slice/redis-server@cache.service\n',
      'proc/12/cgroup': '0::/user.slice/user-1000.slice/session-3.scope\n',
      'proc/14/cgroup': '0::/system.slice/containerd.service/kubepods-besteffort.slice/cri-containerd-1f2e.scope\n',
    });
    expect(serviceOf(10, r)).toBe('redis-server.service');
    expect(serviceOf(11, r)).toBe('redis-server@cache.service');
    expect(serviceOf(12, r)).toBeUndefined();
    expect(serviceOf(13, r)).toBeUndefined();
    expect(serviceOf(14, r)).toBeUndefined();
  });

  it('reads the unit where systemd would, then its drop-ins in file-name order, higher directories masking lower', () => {
    const r = hostWith({
      'lib/systemd/system/redis-server.service': '[Service]\nNoNewPrivileges=true\n',
      'lib/systemd/system/redis-server.service.d/20-vendor.conf': '[Service]\nProtectSystem=full\n',
      'lib/systemd/system/redis-server.service.d/50-local.conf': '[Service]\nProtectSystem=no\n',
      'etc/systemd/system/redis-server.service.d/50-local.conf': '[Service]\nProtectSystem=strict\n',
      'etc/systemd/system/redis-server.service.d/README': 'not a drop-in',
    });
    expect(readSystemdUnit('redis-server.service', r)?.map((p) => p.file)).toEqual([
      '/lib/systemd/system/redis-server.service',
      '/lib/systemd/system/redis-server.service.d/20-vendor.conf',
      '/etc/systemd/system/redis-server.service.d/50-local.conf',
    ]);
    expect(readSystemdUnit('valkey.service', r)).toBeUndefined();
  });

  it('falls back from an instance to its template, with the instance drop-ins last', () => {
    const r = hostWith({
      'lib/systemd/system/redis-server@.service': '[Service]\n',
      'etc/systemd/system/redis-server@.service.d/a.conf': '[Service]\n',
      'etc/systemd/system/redis-server@cache.service.d/b.conf': '[Service]\n',
    });
    expect(readSystemdUnit('redis-server@cache.service', r)?.map((p) => p.file)).toEqual([
      '/lib/systemd/system/redis-server@.service',
      '/etc/systemd/system/redis-server@.service.d/a.conf',
      '/etc/systemd/system/redis-server@cache.service.d/b.conf',
    ]);
  });
});
