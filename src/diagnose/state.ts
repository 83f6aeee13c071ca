/** The server answers but refuses because of its state: loading, replica, failed persistence, cluster routing. */
import type { Problem } from './schema.js';
import { redisCli, type TargetContext } from './context.js';

export function loadingProblem(ctx: TargetContext, replyText: string, progress: string | null): Problem {
  return {
    code: 'LOADING',
    name: 'LOADING',
    kind: 'loading',
    summary: 'The server is still loading its dataset into memory.',
    cause: 'After a restart Redis reads the RDB or AOF file before serving commands; until it finishes, most commands get "-LOADING". It is temporary: its length grows with the dataset size and disk speed.',
    evidence: [`server replied: ${replyText}`, ...(progress ? [progress] : [])],
    fixes: [
      { text: 'Wait and retry with backoff (clients should treat LOADING as retryable); watch the progress.', commands: [redisCli(ctx, 'INFO persistence', 'ADMIN')] },
    ],
  };
}

export function readonlyProblem(ctx: TargetContext, evidence: string[], master: string | null): Problem {
  return {
    code: 'READONLY',
    name: 'READONLY',
    kind: 'replica',
    summary: 'The target is a read-only replica; writes are refused.',
    cause: 'A replica with replica-read-only yes (the default) answers writes with "-READONLY". The client is pointed at a replica, often after a failover swapped roles or through a read endpoint.',
    evidence,
    fixes: [
      { text: `Send writes to the master${master ? ` (${master})` : ''}; with Sentinel or Cluster use a client that follows the topology.`, commands: [redisCli(ctx, 'ROLE', 'ADMIN')] },
    ],
  };
}

export function misconfProblem(ctx: TargetContext, replyText: string, evidence: string[]): Problem {
  return {
    code: 'MISCONF',
    name: 'MISCONF',
    kind: 'bgsave-failed',
    summary: 'The last RDB save failed, so the server refuses writes.',
    cause: 'With stop-writes-on-bgsave-error yes (the default), Redis refuses writes (and PING) after a background save failed, so that data loss is noticed. Typical causes: the dump directory is full or not writable, or fork failed for lack of memory (vm.overcommit_memory).',
    evidence: [`server replied: ${replyText.slice(0, 120)}...`, ...evidence],
    fixes: [
      { text: 'Read the server log for the save error and fix its cause (disk space, permissions on dir, overcommit), then trigger a save.', commands: ['journalctl -u redis-server --since "-1 hour" | grep -i -E "background saving|rdb"', redisCli(ctx, 'CONFIG GET dir', 'ADMIN'), 'sysctl vm.overcommit_memory', redisCli(ctx, 'BGSAVE', 'ADMIN')] },
    ],
  };
}

export function clusterProblem(ctx: TargetContext, kind: 'moved' | 'ask' | 'clusterdown', replyText: string, slot: number | null): Problem {
  const code = kind === 'moved' ? 'MOVED' : kind === 'ask' ? 'ASK' : 'CLUSTERDOWN';
  const causes = {
    moved: 'The server runs in cluster mode and the key hashes to a slot another node owns; a client that is not cluster-aware cannot follow the redirection.',
    ask: 'The slot is being migrated; the client must send ASKING to the node named in the reply for this one command. Only cluster-aware clients do this.',
    clusterdown: 'The cluster cannot serve this slot: not all slots are covered, or the cluster lost its majority.',
  };
  return {
    code,
    name: code,
    kind,
    summary: kind === 'clusterdown' ? 'The cluster is down for this key.' : `Cluster redirection (${code}) for slot ${slot ?? '?'}.`,
    cause: causes[kind],
    evidence: [`server replied: ${replyText}`],
    fixes:
      kind === 'clusterdown'
        ? [{ text: 'Check the cluster state and slot coverage.', commands: [redisCli(ctx, 'CLUSTER INFO', 'ADMIN'), `redis-cli --cluster check ${ctx.host}:${ctx.port}`] }]
        : [{ text: 'Use a cluster-aware client (redis-cli -c, a cluster client library) and give it several seed nodes.', commands: [`redis-cli -c -h ${ctx.host} -p ${ctx.port}`] }],
  };
}
