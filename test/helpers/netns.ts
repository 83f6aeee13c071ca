/**
 * A network namespace joined to the root namespace by a veth pair, so a test client can reach a
 * server from a non-loopback address (what protected mode refuses). The /30 lives only on this
 * machine: 10.213.N.0/30 with N from the pid, host side .1, namespace side .2. Needs root and
 * `ip`; `netnsAvailable()` says whether this machine allows it.
 */
import { execFile, execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';

export interface NetNs {
  name: string;
  /** Address of the root-namespace end (bind the server here). */
  hostAddr: string;
  /** Address of the client inside the namespace. */
  nsAddr: string;
  /** Runs a program inside the namespace; resolves with its exit code and output. */
  exec(argv: string[], opts?: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number }): Promise<{ code: number; stdout: string; stderr: string }>;
  teardown(): void;
}

function ip(args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe' });
}

/** True when this process may create namespaces (root with iproute2); never throws. */
export function netnsAvailable(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  const probe = `rsdprobe${process.pid % 100000}`;
  try {
    ip(['netns', 'add', probe]);
    ip(['netns', 'del', probe]);
    return true;
  } catch {
    return false;
  }
}

export function createNetns(): NetNs {
  const id = process.pid % 100000;
  const subnet = 16 + (process.pid % 200);
  const name = `redsec-diag-${id}`;
  const hostIf = `rsd${id}h`;
  const nsIf = `rsd${id}n`;
  const hostAddr = `10.213.${subnet}.1`;
  const nsAddr = `10.213.${subnet}.2`;
  const teardown = () => {
    // Deleting one end of a veth pair deletes both; each step may already be gone.
    for (const args of [['link', 'del', hostIf], ['netns', 'del', name]]) {
      try {
        ip(args);
      } catch {
        /* already removed */
      }
    }
  };
  teardown();
  try {
    ip(['netns', 'add', name]);
    ip(['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf]);
    ip(['link', 'set', nsIf, 'netns', name]);
    ip(['addr', 'add', `${hostAddr}/30`, 'dev', hostIf]);
    ip(['link', 'set', hostIf, 'up']);
    ip(['netns', 'exec', name, 'ip', 'addr', 'add', `${nsAddr}/30`, 'dev', nsIf]);
    ip(['netns', 'exec', name, 'ip', 'link', 'set', nsIf, 'up']);
    ip(['netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up']);
  } catch (e) {
    teardown();
    throw e;
  }
  return {
    name,
    hostAddr,
    nsAddr,
    exec: (argv, opts = {}) =>
      new Promise((resolve) => {
        execFile(
          'ip',
          ['netns', 'exec', name, ...argv],
          { env: opts.env ?? process.env, cwd: opts.cwd, timeout: opts.timeoutMs ?? 30_000, encoding: 'utf8' },
          (err, stdout, stderr) => {
            const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
            resolve({ code, stdout, stderr });
          },
        );
      }),
    teardown,
  };
}

export interface ServerNetns {
  name: string;
  /** The namespace's address on a link whose host end is 10.x (a private source). */
  privateAddr: string;
  /** The namespace's address on a link whose host end is 198.18.x (a public-range source). */
  publicAddr: string;
  /** Runs a command inside the namespace to completion. */
  run(argv: string[]): { code: number; output: string };
  /** Starts a long-running program inside the namespace; killed by teardown. */
  spawn(argv: string[]): ChildProcess;
  teardown(): void;
}

/**
 * A namespace for a server, reached from the root namespace over two veth links: one whose host
 * end has a private address (10.215.N.1) and one from the benchmarking range 198.18.N.1, which no
 * private-network allowlist contains. Firewall rules applied inside stay inside.
 */
export function createServerNetns(): ServerNetns {
  const id = process.pid % 100000;
  const n = 16 + (process.pid % 200);
  const name = `redsec-fw-${id}`;
  const links = [
    { host: `rfw${id}a`, ns: `rfw${id}A`, hostAddr: `10.215.${n}.1`, nsAddr: `10.215.${n}.2` },
    { host: `rfw${id}b`, ns: `rfw${id}B`, hostAddr: `198.18.${n}.1`, nsAddr: `198.18.${n}.2` },
  ];
  const children: ChildProcess[] = [];
  const teardown = () => {
    for (const c of children) c.kill('SIGKILL');
    for (const args of [...links.map((l) => ['link', 'del', l.host]), ['netns', 'del', name]]) {
      try {
        ip(args);
      } catch {
        /* already removed */
      }
    }
  };
  teardown();
  try {
    ip(['netns', 'add', name]);
    ip(['netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up']);
    for (const l of links) {
      ip(['link', 'add', l.host, 'type', 'veth', 'peer', 'name', l.ns]);
      ip(['link', 'set', l.ns, 'netns', name]);
      ip(['addr', 'add', `${l.hostAddr}/30`, 'dev', l.host]);
      ip(['link', 'set', l.host, 'up']);
      ip(['netns', 'exec', name, 'ip', 'addr', 'add', `${l.nsAddr}/30`, 'dev', l.ns]);
      ip(['netns', 'exec', name, 'ip', 'link', 'set', l.ns, 'up']);
    }
  } catch (e) {
    teardown();
    throw e;
  }
  return {
    name,
    privateAddr: links[0]!.nsAddr,
    publicAddr: links[1]!.nsAddr,
    run: (argv) => {
      const r = spawnSync('ip', ['netns', 'exec', name, ...argv], { encoding: 'utf8' });
      return { code: r.status ?? 1, output: `${r.stdout}${r.stderr}` };
    },
    spawn: (argv) => {
      const child = spawn('ip', ['netns', 'exec', name, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      return child;
    },
    teardown,
  };
}
