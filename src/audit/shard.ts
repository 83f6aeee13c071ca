/**
 * Fleet sharding: `--shard I/N` keeps the targets whose normalised address hashes to I modulo N, so
 * that N jobs on a scheduler the user already has (Kubernetes Indexed Job pods, CI matrix jobs) each
 * audit their own share, every target exactly once, with no coordination between them.
 */
import { createHash } from 'node:crypto';
import { UsageError } from '../errors.js';
import { parseTarget, type Target } from '../resp/target.js';

export interface Shard {
  /** 0-based, as JOB_COMPLETION_INDEX is. */
  index: number;
  count: number;
}

export const MAX_SHARDS = 100_000;

/** `I/N` with 0 <= I < N; anything else is a usage error (exit 2). */
export function parseShard(spec: string, source = '--shard'): Shard {
  const m = /^\s*(\d{1,6})\s*\/\s*(\d{1,6})\s*$/.exec(spec);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || count > MAX_SHARDS || index >= count) {
    throw new UsageError(`${source} must be I/N with 0 <= I < N <= ${MAX_SHARDS} (I counts from 0, like JOB_COMPLETION_INDEX); got ${JSON.stringify(spec.slice(0, 40))}`);
  }
  return { index, count };
}

function canonicalHost(host: string): string {
  const lower = host.toLowerCase().replace(/\.$/, '');
  if (!lower.includes(':')) return lower;
  // IPv6, in brackets: one spelling per address (::1 and 0:0:0:0:0:0:0:1 are the same server).
  try {
    return new URL(`http://[${lower}]/`).hostname;
  } catch {
    return `[${lower}]`;
  }
}

/**
 * The address a target is sharded by: scheme (a bare host:port is redis://), host lowercased
 * without a trailing dot, IPv6 in its canonical form, the port always written (6379 when omitted).
 * User, password and database are left out: they do not change which server is audited, and a
 * rotated password must not move a target to another shard.
 */
export function shardKey(target: string | Target): string {
  const t = typeof target === 'string' ? parseTarget(target) : target;
  return `${t.tls ? 'rediss' : 'redis'}://${canonicalHost(t.host)}:${t.port}`;
}

/** Which shard a target belongs to: the first 32 bits of SHA-256 of its key, modulo N. */
export function shardOf(target: string | Target, count: number): number {
  const digest = createHash('sha256').update(shardKey(target)).digest();
  return digest.readUInt32BE(0) % count;
}

/** The targets of one shard, in their original order. Bad URLs throw before any split. */
export function selectShard(urls: readonly string[], shard: Shard): string[] {
  return urls.filter((u) => shardOf(u, shard.count) === shard.index);
}
