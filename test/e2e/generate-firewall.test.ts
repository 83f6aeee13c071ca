/**
 * The firewall rules `redsec generate` writes, applied for real: a redis-server runs in its own
 * network namespace, reachable from a private source (10.x) and from a public-range one (198.18.x).
 * With the private_network rules loaded (nftables, then the iptables script), the private source
 * gets PONG and the other gets nothing; without them both get PONG. Needs root, iproute2, nftables
 * and iptables; elsewhere it falls back to nft's own syntax check and says so.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/run-cli.js';
import { createServerNetns, netnsAvailable, type ServerNetns } from '../helpers/netns.js';

// nft, iptables and ip live in sbin, which a non-login PATH may lack.
process.env.PATH = [process.env.PATH, '/usr/sbin', '/sbin'].filter(Boolean).join(':');

const out = join(mkdtempSync(join(tmpdir(), 'redsec-fw-')), 'bundle');
const data = mkdtempSync(join(tmpdir(), 'redsec-fw-data-'));
const useNetns = netnsAvailable() && ['nft', 'iptables'].every((c) => hasCommand(c));

function hasCommand(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/** PONG, an error line, or 'no answer' when nothing comes back within the time (SYN dropped). */
function ping(host: string, port: number, ms = 1500): Promise<string> {
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    const done = (answer: string) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done('no answer'), ms);
    sock.on('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => done(d.toString().trim()));
    sock.on('error', (e) => done(`error ${(e as NodeJS.ErrnoException).code}`));
  });
}

describe('generated firewall rules, applied in a network namespace', () => {
  let ns: ServerNetns;

  beforeAll(async () => {
    const gen = await cli(['generate', '--level', 'standard', '--exposure', 'private_network', '--out', out]);
    expect(gen.code, gen.stderr).toBe(0);
    if (!useNetns) {
      console.warn('generate-firewall: network namespaces, nft or iptables unavailable (needs root); FELL BACK to `nft -c` syntax checks');
      return;
    }
    ns = createServerNetns();
    // Protected mode off and no password: only the firewall decides who gets an answer.
    const server = ns.spawn(['redis-server', '--port', '6379', '--bind', '0.0.0.0', '-::*', '--protected-mode', 'no', '--save', '', '--appendonly', 'no', '--dir', data]);
    await new Promise<void>((resolve, reject) => {
      let log = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start in the namespace: ${log}`)), 10_000);
      server.stdout?.on('data', (d: Buffer) => {
        log += d.toString();
        if (log.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  }, 60_000);

  afterAll(() => {
    ns?.teardown();
    rmSync(join(out, '..'), { recursive: true, force: true });
    rmSync(data, { recursive: true, force: true });
  });

  it('without rules, both sources reach the server', async () => {
    if (!useNetns) {
      expect(execFileSync('nft', ['-c', '-f', join(out, 'firewall', 'nftables.nft')], { stdio: 'pipe' }).toString()).toBe('');
      return;
    }
    expect(await ping(ns.privateAddr, 6379)).toBe('+PONG');
    expect(await ping(ns.publicAddr, 6379)).toBe('+PONG');
  });

  it('nftables.nft: the private source gets PONG, the other nothing; loading it twice changes nothing', async () => {
    if (!useNetns) return;
    for (let load = 0; load < 2; load++) {
      const r = ns.run(['nft', '-f', join(out, 'firewall', 'nftables.nft')]);
      expect(r.code, r.output).toBe(0);
    }
    expect(await ping(ns.privateAddr, 6379)).toBe('+PONG');
    expect(await ping(ns.publicAddr, 6379)).toBe('no answer');
    expect(ns.run(['nft', 'flush', 'ruleset']).code).toBe(0);
    expect(await ping(ns.publicAddr, 6379)).toBe('+PONG');
  });

  it('iptables.sh: the same, and running it again does not stack rules', async () => {
    if (!useNetns) return;
    const script = readFileSync(join(out, 'firewall', 'iptables.sh'), 'utf8');
    for (let run = 0; run < 2; run++) {
      const r = ns.run(['sh', '-c', script]);
      expect(r.code, r.output).toBe(0);
    }
    expect(await ping(ns.privateAddr, 6379)).toBe('+PONG');
    expect(await ping(ns.publicAddr, 6379)).toBe('no answer');
    const jumps = ns.run(['iptables', '-S', 'INPUT']).output.split('\n').filter((l) => l.includes('REDSEC-REDIS'));
    expect(jumps).toHaveLength(1);
  });
});
