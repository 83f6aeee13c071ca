/**
 * Replication and cluster links as one node sees them (INFO replication, CLUSTER INFO / NODES),
 * compared before and after a certificate change: a reload must not drop a link. Pure.
 */
import { parseInfo } from '../facts/index.js';
import { visible } from '../text/visible.js';

export interface LinkState {
  role: string;
  /** A replica's `master_link_status` (up/down). */
  masterLink?: string | undefined;
  /** A master's replicas: address → state (online, wait_bgsave ...). */
  replicas: Map<string, string>;
  /** Cluster mode only: cluster_state and the other nodes' link states. */
  cluster?: { state: string; links: Map<string, string> } | undefined;
}

/** `slave0:ip=127.0.0.1,port=6380,state=online,...` lines of INFO replication. */
export function replicationLinks(infoText: string): Pick<LinkState, 'role' | 'masterLink' | 'replicas'> {
  const repl = parseInfo(infoText)['replication'] ?? {};
  const replicas = new Map<string, string>();
  for (const [key, value] of Object.entries(repl)) {
    if (!/^slave\d+$/.test(key)) continue;
    const fields = new Map(value.split(',').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as const));
    replicas.set(`${fields.get('ip') ?? '?'}:${fields.get('port') ?? '?'}`, fields.get('state') ?? 'unknown');
  }
  return { role: repl['role'] ?? 'unknown', masterLink: repl['master_link_status'], replicas };
}

/** cluster_state from CLUSTER INFO; each other node's link-state (field 8) from CLUSTER NODES. */
export function clusterLinks(clusterInfo: string, clusterNodes: string): NonNullable<LinkState['cluster']> {
  const state = /^cluster_state:(\S+)/m.exec(clusterInfo)?.[1] ?? 'unknown';
  const links = new Map<string, string>();
  for (const line of clusterNodes.split('\n').slice(0, 10_000)) {
    const f = line.trim().split(' ');
    if (f.length < 8 || (f[2] ?? '').split(',').includes('myself')) continue;
    links.set(`${f[0] ?? '?'} ${(f[1] ?? '').split('@')[0] ?? ''}`, f[7] ?? 'unknown');
  }
  return { state, links };
}

/** Each link that was up before and is not now, in words; empty when every link held. */
export function droppedLinks(before: LinkState, after: LinkState): string[] {
  const lost: string[] = [];
  if (before.masterLink === 'up' && after.masterLink !== 'up') lost.push(`link to the master: ${visible(after.masterLink ?? 'gone')}`);
  for (const [addr, state] of before.replicas) {
    const now = after.replicas.get(addr);
    if (state === 'online' && now !== 'online') lost.push(`replica ${visible(addr)}: ${visible(now ?? 'gone')}`);
  }
  if (before.cluster && after.cluster) {
    if (before.cluster.state === 'ok' && after.cluster.state !== 'ok') lost.push(`cluster_state: ${visible(after.cluster.state)}`);
    for (const [node, state] of before.cluster.links) {
      const now = after.cluster.links.get(node);
      if (state === 'connected' && now !== 'connected') lost.push(`cluster node ${visible(node)}: ${visible(now ?? 'gone')}`);
    }
  }
  return lost;
}

/** One line describing the links, for the report. */
export function describeLinks(s: LinkState): string {
  const parts = [`role ${visible(s.role)}`];
  if (s.masterLink !== undefined) parts.push(`master_link_status:${visible(s.masterLink)}`);
  if (s.replicas.size > 0) parts.push(`${[...s.replicas.values()].filter((v) => v === 'online').length}/${s.replicas.size} replica(s) online`);
  if (s.cluster) parts.push(`cluster_state:${visible(s.cluster.state)}, ${[...s.cluster.links.values()].filter((v) => v === 'connected').length}/${s.cluster.links.size} node link(s) connected`);
  return parts.join(', ');
}
