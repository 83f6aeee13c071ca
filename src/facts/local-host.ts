/**
 * Host facts (file modes, the server process's user and package, its logfile, its systemd unit)
 * for "(local)" checks. Only meaningful when the audited server runs on this machine: the live
 * collector calls it for loopback targets, the offline collector for the files it was given. This
 * is the filesystem edge of facts/.
 */
import { closeSync, constants, fstatSync, openSync, readdirSync, readFileSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import type { UnitText } from './systemd.js';
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
  osId?: string | undefined;
  osVersion?: string | undefined;
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
    const packageVersion = installedVersions(root).get(owner);
    // "5:7.0.15-1~deb12u10": epoch, upstream version, Debian revision.
    const upstream = packageVersion ? /^(?:\d+:)?([^-]+)/.exec(packageVersion)?.[1] : undefined;
    if (!packageVersion || upstream !== serverVersion) return undefined;
    const changelog = [owner, 'redis-server', 'valkey-server']
      .map((pkg) => readGzip(`${root}/usr/share/doc/${pkg}/changelog.Debian.gz`))
      .find((text) => text !== undefined && text.includes(`(${packageVersion})`));
    const os = readText(`${root}/etc/os-release`);
    const field = (key: string) => (os ? new RegExp(`^${key}="?([^"\\n]+)"?$`, 'm').exec(os)?.[1] : undefined);
    const name = field('PRETTY_NAME') ?? 'Debian';
    return {
      name,
      packageVersion,
      package: owner,
      changelogCves: changelog ? [...new Set(changelog.match(/CVE-\d{4}-\d{4,}/g) ?? [])] : [],
      osId: field('ID'),
      osVersion: field('VERSION_ID'),
    };
  } catch {
    return undefined;
  }
}

/**
 * Package → version from dpkg's status file (the first stanza of a name wins). The file is large
 * (hundreds of KiB) and a fleet audit asks once per local target: it is parsed again only when it
 * changes.
 */
let dpkgStatus: { key: string; versions: Map<string, string> } | undefined;

function installedVersions(root: string): Map<string, string> {
  const file = `${root}/var/lib/dpkg/status`;
  const st = statSync(file, { throwIfNoEntry: false });
  if (!st) return new Map();
  const key = `${file}|${st.mtimeMs}|${st.size}`;
  if (dpkgStatus?.key !== key) {
    const versions = new Map<string, string>();
    for (const stanza of readText(file)?.split(/\n\n+/) ?? []) {
      const name = /^Package: (.+)$/m.exec(stanza)?.[1];
      const version = /^Version: (.+)$/m.exec(stanza)?.[1];
      if (name && version && !versions.has(name) && stanza.startsWith(`Package: ${name}\n`)) versions.set(name, version);
    }
    dpkgStatus = { key, versions };
  }
  return dpkgStatus.versions;
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

/** What the server logs when an HTTP request reaches it (networking.c, securityWarningCommand). */
const CROSS_PROTOCOL_WARNING = 'Possible SECURITY ATTACK detected';
/** Logs are read from the end, at most this much: recent history is what an audit asks about. */
const LOG_SCAN_LIMIT = 64 * 1024 * 1024;

export interface LogScan {
  /** The file, with "(last 64 MiB)" when only its end was read. */
  file: string;
  /** 1-based lines of the cross-protocol warnings (counted from the start of what was read). */
  crossProtocolLines: number[];
}

/**
 * Scans a server's logfile (its last `limit` bytes, `chunkSize` at a time) for cross-protocol
 * scripting warnings. Throws the file system's error (missing file, permission denied) for the
 * caller to report as "could not verify".
 */
export function scanServerLog(path: string, limit = LOG_SCAN_LIMIT, chunkSize = 1 << 20): LogScan {
  const fd = openRegularFile(path);
  let size: number;
  try {
    size = fstatSync(fd).size;
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  const start = Math.max(0, size - limit);
  const crossProtocolLines: number[] = [];
  let line = 1;
  /** Finds the warnings in whole lines of text starting at `line`, then moves `line` past them. */
  const scan = (text: string) => {
    let counted = 0; // newlines before this offset are counted in line
    for (let hit = text.indexOf(CROSS_PROTOCOL_WARNING); hit >= 0; hit = text.indexOf(CROSS_PROTOCOL_WARNING, hit + 1)) {
      for (let nl = text.indexOf('\n', counted); nl >= 0 && nl < hit; nl = text.indexOf('\n', nl + 1)) {
        line++;
        counted = nl + 1;
      }
      crossProtocolLines.push(line);
    }
    for (let nl = text.indexOf('\n', counted); nl >= 0; nl = text.indexOf('\n', nl + 1)) line++;
  };
  // Read in chunks, each cut at its last newline (the rest waits for the next one): the warning has
  // no newline, so it never straddles two pieces, and memory stays at a chunk however long the log.
  const buf = Buffer.alloc(Math.min(chunkSize, Math.max(1, size - start)));
  let carry = '';
  // A partial first line (the file was cut) is dropped rather than half-matched.
  let dropping = start > 0;
  try {
    for (let pos = start; pos < size; ) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, size - pos), pos);
      if (n === 0) break;
      pos += n;
      let text = carry + buf.toString('latin1', 0, n);
      if (dropping) {
        const nl = text.indexOf('\n');
        carry = '';
        if (nl < 0) continue;
        text = text.slice(nl + 1);
        dropping = false;
      }
      const last = text.lastIndexOf('\n');
      scan(text.slice(0, last + 1));
      carry = text.slice(last + 1);
    }
  } finally {
    closeSync(fd);
  }
  if (!dropping) scan(carry);
  return { file: start > 0 ? `${path} (last ${limit >= 1 << 20 ? `${limit >> 20} MiB` : `${limit} bytes`})` : path, crossProtocolLines };
}

/** An error like the file system's own, for a path that is not a regular file. */
function notRegular(path: string, what: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${path} is ${what}, not a regular file`), { code: 'ENOTREG' });
}

function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  if (st.isDirectory()) return 'a directory';
  return 'not a regular file';
}

/**
 * Opens a file a server named (its logfile) for reading only if it is a regular file: stat'ed
 * before opening (a device is never opened: opening some has effects), opened non-blocking (a
 * FIFO swapped in meanwhile cannot hang us) and checked again on the open descriptor, which must
 * be the very file stat'ed. Throws with code ENOTREG otherwise.
 */
export function openRegularFile(path: string): number {
  const before = statSync(path);
  if (!before.isFile()) throw notRegular(path, kindOf(before));
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw notRegular(path, kindOf(st));
    if (st.dev !== before.dev || st.ino !== before.ino) throw notRegular(path, 'replaced while being opened');
    return fd;
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** Where systemd looks for unit files, highest precedence first. */
const UNIT_DIRS = ['/etc/systemd/system', '/run/systemd/system', '/usr/local/lib/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system'];

/** The systemd service a process runs in, from its cgroup path ("0::/system.slice/redis-server.service"). */
export function serviceOf(pid: number, root = ''): string | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  for (const line of readText(`${root}/proc/${pid}/cgroup`)?.split('\n') ?? []) {
    // The process must sit in the service's own cgroup: one nested deeper (a container under
    // containerd.service, say) belongs to something else.
    const last = line.split(':').slice(2).join(':').split('/').pop() ?? '';
    if (last.endsWith('.service')) return last;
  }
  return undefined;
}

/**
 * A service's unit file and its drop-ins, found as systemd finds them: the unit in the first
 * directory that has it (an instance `name@x.service` falls back to its template `name@.service`),
 * then the `*.conf` drop-ins of every directory in file-name order, a drop-in in a higher directory
 * masking a same-named one below. Undefined when no unit file is found.
 */
export function readSystemdUnit(service: string, root = ''): UnitText[] | undefined {
  const template = /^([^@]+@)[^@]+(\.service)$/.exec(service);
  const names = template ? [service, `${template[1]}${template[2]}`] : [service];
  let unit: UnitText | undefined;
  for (const name of names) {
    for (const dir of UNIT_DIRS) {
      const text = readText(`${root}${dir}/${name}`);
      if (text !== undefined) {
        unit = { file: `${dir}/${name}`, text };
        break;
      }
    }
    if (unit) break;
  }
  if (!unit) return undefined;
  const dropIns = new Map<string, UnitText>();
  // Template drop-ins first, then the instance's; lower directories first so higher ones mask them.
  for (const name of [...names].reverse()) {
    for (const dir of [...UNIT_DIRS].reverse()) {
      let entries: string[];
      try {
        entries = readdirSync(`${root}${dir}/${name}.d`);
      } catch {
        continue;
      }
      for (const entry of entries) {
        if (!entry.endsWith('.conf')) continue;
        const text = readText(`${root}${dir}/${name}.d/${entry}`);
        if (text !== undefined) dropIns.set(entry, { file: `${dir}/${name}.d/${entry}`, text });
      }
    }
  }
  return [unit, ...[...dropIns.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, part]) => part)];
}
