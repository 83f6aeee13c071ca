/**
 * Host facts (file modes, the server process's user) for "(local)" checks. Only meaningful when
 * the audited server runs on this machine: the live collector calls it for loopback targets, the
 * offline collector for the files it was given. This is the filesystem edge of facts/.
 */
import { readFileSync, statSync } from 'node:fs';
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
