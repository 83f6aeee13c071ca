/**
 * A network namespace joined to the root namespace by a veth pair, so a test client can reach a
 * server from a non-loopback address (what protected mode refuses). The /30 lives only on this
 * machine: 10.213.N.0/30 with N from the pid, host side .1, namespace side .2. Needs root and
 * `ip`; `netnsAvailable()` says whether this machine allows it.
 */
import { execFile, execFileSync } from 'node:child_process';

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
