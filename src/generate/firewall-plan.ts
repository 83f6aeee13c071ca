import type { Profile } from '../profile/index.js';
import type { FirewallPlan, FirewallPort } from './types.js';

/** Private address space, used when a private_network profile names no sources (with a warning). */
export const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'] as const;
export const SENTINEL_PORT = 26379;
export const CLUSTER_BUS_OFFSET = 10000;

/** Firewall intent per exposure (spec compliance-tls §5): allow-list by source, deny the rest, never 0.0.0.0/0. */
export function planFirewall(p: Profile): FirewallPlan {
  const ports: FirewallPort[] = [{ port: p.port, purpose: 'data', from: ['apps', 'peers'] }];
  // The bus is only for Redis nodes; Sentinel is for apps (discovery) and the other sentinels.
  if (p.cluster) ports.push({ port: p.port + CLUSTER_BUS_OFFSET, purpose: 'cluster-bus', from: ['peers'] });
  if (p.sentinel) ports.push({ port: SENTINEL_PORT, purpose: 'sentinel', from: ['apps', 'peers'] });
  const useDefaults = p.network_exposure === 'private_network' && p.app_cidrs.length === 0;
  const local = p.network_exposure === 'localhost';
  return {
    exposure: p.network_exposure,
    ports,
    appSources: local ? [] : useDefaults ? [...PRIVATE_RANGES] : [...p.app_cidrs],
    peerSources: local ? [] : p.peer_cidrs.length > 0 ? [...p.peer_cidrs] : p.network_exposure === 'private_network' ? (useDefaults ? [...PRIVATE_RANGES] : [...p.app_cidrs]) : [],
    rateLimit: p.network_exposure === 'public',
    defaultSources: useDefaults,
  };
}

/** The sources allowed on one port. */
export function sourcesFor(fw: FirewallPlan, port: FirewallPort): string[] {
  const all = [...(port.from.includes('apps') ? fw.appSources : []), ...(port.from.includes('peers') ? fw.peerSources : [])];
  return [...new Set(all)];
}

export const isIpv6 = (cidr: string): boolean => cidr.includes(':');
