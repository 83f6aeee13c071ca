/**
 * Connection floods and strangers: new connections per poll (less the watcher's own), rejected
 * connections (maxclients reached), connected_clients near maxclients, and clients whose address
 * is outside --allow-clients (CLIENT LIST; loopback and unix sockets exempt, as the audit's
 * IOC-UNKNOWN-CLIENTS has them).
 */
import { inAllowlist } from '../../rules/ioc/unknown-clients.js';
import { infoNumber } from '../snapshot.js';
import type { WatchEvent } from '../event.js';
import { counterRise } from './acl-log.js';
import { hostOf, makeEvent, shown, type DetectInput, type DetectOutput } from './context.js';

export function detectConnections({ prev, snap, opts, seconds }: DetectInput): DetectOutput & { connections: number | undefined; rejected: number | undefined } {
  const events: WatchEvent[] = [];
  const state: DetectOutput['state'] = {};
  const received = counterRise(prev.counters?.['total_connections_received'], infoNumber(snap, 'stats', 'total_connections_received'));
  const connections = received === undefined ? undefined : Math.max(0, received - (opts.ownConnections ?? 1));
  const rejected = counterRise(prev.counters?.['rejected_connections'], infoNumber(snap, 'stats', 'rejected_connections'));
  const connected = infoNumber(snap, 'clients', 'connected_clients');
  const maxclients = infoNumber(snap, 'clients', 'maxclients') ?? (snap.config.known ? Number(snap.config.value['maxclients']) : undefined);
  const per = (n: number) => (seconds && seconds > 0 ? Math.round((n / seconds) * 100) / 100 : null);

  const spike = opts.spikeConnections ?? 100;
  if (connections !== undefined && connections >= spike) {
    events.push(
      makeEvent(snap, 'connection-spike', 'medium', `${connections} new connections since the last poll${seconds ? ` (${per(connections)}/s)` : ''}; ${connected ?? '?'} connected now`, {
        new_connections: connections,
        per_second: per(connections),
        connected_clients: connected ?? null,
        threshold: spike,
      }),
    );
  }
  if (rejected !== undefined && rejected > 0) {
    events.push(
      makeEvent(snap, 'connection-spike', 'high', `${rejected} connection(s) rejected since the last poll (maxclients ${maxclients ?? '?'} reached)`, {
        rejected_connections: rejected,
        connected_clients: connected ?? null,
        maxclients: maxclients !== undefined && Number.isFinite(maxclients) ? maxclients : null,
      }),
    );
  }
  const share = opts.maxclientsShare ?? 0.9;
  if (connected !== undefined && maxclients !== undefined && Number.isFinite(maxclients) && maxclients > 0) {
    const used = connected / maxclients;
    if (used >= share && !prev.nearMaxclients) {
      events.push(
        makeEvent(snap, 'connection-spike', 'high', `${connected} of maxclients ${maxclients} connections in use (${Math.round(used * 100)}%): new clients will soon be refused`, {
          connected_clients: connected,
          maxclients,
          share: Math.round(used * 1000) / 1000,
          threshold: share,
        }),
      );
      state.nearMaxclients = true;
    } else if (used < share * 0.9 && prev.nearMaxclients) state.nearMaxclients = false;
  }

  const allow = opts.allowClients;
  if (allow && allow.length > 0 && snap.clients?.known) {
    const reported = new Set(prev.clientsReported ?? []);
    const outside = new Map<string, { addr: string; user: string; name: string; n: number }>();
    for (const c of snap.clients.value) {
      // The poll's own connection is the one running CLIENT LIST.
      if (c.cmd === 'client|list' || c.addr === '' || c.addr.startsWith('/')) continue;
      const h = hostOf(c.addr);
      if (h === '127.0.0.1' || h === '::1' || inAllowlist(h, [...allow])) continue;
      const cur = outside.get(h);
      if (cur) cur.n++;
      else outside.set(h, { addr: c.addr, user: c.user, name: c.name, n: 1 });
    }
    for (const [host, c] of outside) {
      if (reported.has(host)) continue;
      reported.add(host);
      events.push(
        makeEvent(snap, 'client-outside-allowlist', 'high', `client from ${shown(host, 64)} (user ${shown(c.user, 40)}${c.name ? `, name ${shown(c.name, 40)}` : ''}) is outside --allow-clients; ${c.n} connection(s)`, {
          source: shown(host, 64),
          addr: shown(c.addr, 80),
          user: shown(c.user, 128),
          name: shown(c.name, 64) || null,
          connections: c.n,
        }),
      );
    }
    // A host that left may be reported again when it comes back; the list stays bounded.
    state.clientsReported = [...reported].filter((h) => outside.has(h)).slice(0, 1000);
  }
  return { state, events, connections, rejected };
}
