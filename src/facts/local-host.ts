/**
 * Host facts (file modes, the server process's user) for "(local)" checks. Only meaningful when
 * the audited server runs on this machine: the live collector calls it for loopback targets, the
 * offline collector for the files it was given. This is the filesystem edge of facts/.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { FileFacts } from './types.js';

export function statFile(path: string, kind: FileFacts['kind']): FileFacts | undefined {
  try {
    // A missing file is common (no aclfile, no TLS): no exception for it, they cost a stack trace each.
    const st = statSync(path, { throwIfNoEntry: false });
    return st ? { path, kind, mode: st.mode & 0o7777, owner: String(st.uid) } : undefined;
  } catch {
    return undefined;
  }
}

/** Stats each existing path once; missing files are simply absent (the server may run elsewhere). */
export function statFiles(paths: { path: string | undefined; kind: FileFacts['kind'] }[]): FileFacts[] {
  const seen = new Set<string>();
  const out: FileFacts[] = [];
  for (const { path, kind } of paths) {
    if (!path || seen.has(path)) continue;
    seen.add(path);
    const f = statFile(path, kind);
    if (f) out.push(f);
  }
  return out;
}

/**
 * The user a local server process runs as, read from /proc. Returns undefined unless the pid
 * really is a redis/valkey server here (a container's pid may name another process on the host).
 */
export function processUser(pid: number): { user: string; uid: number } | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    if (!/^(redis|valkey)-(server|sentinel)/.test(comm) && !/^(redis|valkey)/.test(comm)) return undefined;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^Uid:\s+(\d+)/m.exec(status);
    if (!m) return undefined;
    const uid = Number(m[1]);
    return { uid, user: userName(uid) ?? String(uid) };
  } catch {
    return undefined;
  }
}

/** uid → name from /etc/passwd, read once per process (a fleet audit asks for every target). */
let passwd: Map<string, string> | undefined;

function userName(uid: number): string | undefined {
  if (!passwd) {
    passwd = new Map();
    try {
      for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
        const parts = line.split(':');
        if (parts[0] && parts[2] && !passwd.has(parts[2])) passwd.set(parts[2], parts[0]);
      }
    } catch {
      // no passwd file: the numeric uid is enough for OS-ROOT
    }
  }
  return passwd.get(String(uid));
}

export interface DistroPackage {
  name: string;
  packageVersion: string;
  package: string;
  changelogCves: string[];
}

/** Debian-family packages that may own a redis/valkey server binary. */
const SERVER_PACKAGES = ['redis-server', 'redis-tools', 'valkey-server', 'valkey-tools'] as const;
const DPKG_ARCH: Partial<Record<string, string>> = { x64: 'amd64', arm64: 'arm64', ia32: 'i386', arm: 'armhf' };

/**
 * The distribution package of a local server process, read from dpkg's database: which package
 * owns the binary the process runs, its version, and the CVE ids its changelog.Debian names.
 * Distributions backport fixes without changing the upstream version (Debian 12 ships 7.0.15 with
 * the 2024-2026 fixes), so this is the only honest way to judge such a build. Returns undefined
 * unless the package's upstream version equals what the server reports (a replaced binary).
 */
export function debianPackage(pid: number, serverVersion: string | null, root = ''): DistroPackage | undefined {
  if (!Number.isInteger(pid) || pid <= 0 || !serverVersion) return undefined;
  try {
    const exe = realpathSync(`${root}/proc/${pid}/exe`).slice(root.length);
    const arch = DPKG_ARCH[process.arch];
    const owner = SERVER_PACKAGES.find((pkg) =>
      [pkg, ...(arch ? [`${pkg}:${arch}`] : [])].some((name) => readText(`${root}/var/lib/dpkg/info/${name}.list`)?.split('\n').includes(exe)),
    );
    if (!owner) return undefined;
    const stanza = readText(`${root}/var/lib/dpkg/status`)?.split(/\n\n+/).find((s) => s.startsWith(`Package: ${owner}\n`));
    const packageVersion = stanza ? /^Version: (.+)$/m.exec(stanza)?.[1] : undefined;
    // "5:7.0.15-1~deb12u10": epoch, upstream version, Debian revision.
    const upstream = packageVersion ? /^(?:\d+:)?([^-]+)/.exec(packageVersion)?.[1] : undefined;
    if (!packageVersion || upstream !== serverVersion) return undefined;
    const changelog = [owner, 'redis-server', 'valkey-server']
      .map((pkg) => readGzip(`${root}/usr/share/doc/${pkg}/changelog.Debian.gz`))
      .find((text) => text !== undefined && text.includes(`(${packageVersion})`));
    const os = readText(`${root}/etc/os-release`);
    const name = (os && /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(os)?.[1]) ?? 'Debian';
    return { name, packageVersion, package: owner, changelogCves: changelog ? [...new Set(changelog.match(/CVE-\d{4}-\d{4,}/g) ?? [])] : [] };
  } catch {
    return undefined;
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function readGzip(path: string): string | undefined {
  try {
    return gunzipSync(readFileSync(path)).toString('utf8');
  } catch {
    return undefined;
  }
}
