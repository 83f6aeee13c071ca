/** Failures before Redis speaks: nothing listening, no route, no name, too many clients, wrong kind of server. */
import type { Problem } from './schema.js';
import { redisCli, type TargetContext } from './context.js';

export function connRefusedProblem(ctx: TargetContext, detail: string): Problem {
  return {
    code: 'CONNREFUSED',
    name: 'CONNECTION_REFUSED',
    kind: 'refused',
    summary: `Nothing accepts connections on ${ctx.host}:${ctx.port}.`,
    cause: 'The host answered but refused the TCP connection: no server listens on that port at that address. Typical causes: the server is not running, it listens on another port (or only on TLS: "port 0" with a "tls-port"), or "bind" does not include the address dialled.',
    evidence: [detail],
    fixes: [
      { text: 'On the server host, check that redis-server runs and which addresses and ports it listens on.', commands: ['systemctl status redis-server', `ss -ltnp | grep redis`] },
      { text: 'Check the listening configuration and use a matching port (rediss:// for the tls-port).', commands: [redisCli({ ...ctx, host: '127.0.0.1' }, 'CONFIG GET bind'), redisCli({ ...ctx, host: '127.0.0.1' }, 'CONFIG GET *port')] },
    ],
  };
}

export function timeoutProblem(ctx: TargetContext, detail: string): Problem {
  return {
    code: 'TIMEOUT',
    name: 'TIMEOUT',
    kind: 'timeout',
    summary: `No answer from ${ctx.host}:${ctx.port} before the deadline.`,
    cause: 'The TCP connection or the first reply did not arrive in time. A firewall that drops packets, a wrong address (no host there), a routing problem, or a server that is stuck (blocked by a long command, swapping, paused) all look like this.',
    evidence: [detail],
    fixes: [
      { text: 'Check that the address is right and that the firewall allows this client to the port.', commands: [`nc -vz -w 3 ${ctx.host} ${ctx.port}`, 'nft list ruleset   # or: iptables -S'] },
      { text: 'On the server host, check whether the server answers locally and whether it is busy.', commands: [redisCli({ ...ctx, host: '127.0.0.1' }, 'PING'), redisCli({ ...ctx, host: '127.0.0.1' }, '--latency')] },
    ],
  };
}

export function dnsProblem(ctx: TargetContext, detail: string): Problem {
  return {
    code: 'DNS',
    name: 'DNS_FAILURE',
    kind: 'dns',
    summary: `The host name '${ctx.host}' does not resolve.`,
    cause: 'The name in the URL could not be resolved to an address, so no connection was attempted. Typical causes: a typo, a service name that only resolves inside a cluster or container network, or a missing /etc/hosts entry.',
    evidence: [detail],
    fixes: [{ text: 'Check the name from the machine the client runs on, or use the address directly.', commands: [`getent hosts ${ctx.host}`] }],
  };
}

export function closedProblem(ctx: TargetContext, code: 'RESET' | 'CLOSED' | 'PROTOCOL', detail: string): Problem {
  return {
    code,
    name: code === 'PROTOCOL' ? 'PROTOCOL_ERROR' : 'CONNECTION_CLOSED',
    kind: code.toLowerCase(),
    summary: `The server closed the connection without a usable reply.`,
    cause: 'The connection was accepted and then closed or reset. Typical causes: a TLS-only port spoken to without TLS, a proxy or load balancer in front that drops the client, the server being killed, or "timeout"/"client-output-buffer-limit" disconnecting the client.',
    evidence: [detail],
    fixes: [{ text: 'Check the server log around this time and whether the port expects TLS.', commands: ['journalctl -u redis-server --since "-5 min"', `openssl s_client -connect ${ctx.host}:${ctx.port} -brief </dev/null`] }],
  };
}

export function maxClientsProblem(ctx: TargetContext, replyText: string): Problem {
  return {
    code: 'MAXCLIENTS',
    name: 'MAX_CLIENTS',
    kind: 'maxclients',
    summary: 'The server has reached maxclients and refuses new connections.',
    cause: 'Redis accepts the TCP connection, sends "-ERR max number of clients reached" and closes it when the number of connected clients equals maxclients. Usually a client leaks connections (no pooling, no close), or maxclients is lower than the fleet needs (it is also capped by the process file-descriptor limit).',
    evidence: [`server replied: ${replyText}`],
    fixes: [
      { text: 'Find who holds the connections (group by address or name) from an already connected admin session or the server host.', commands: [redisCli({ ...ctx, host: '127.0.0.1' }, 'INFO clients', 'ADMIN'), redisCli({ ...ctx, host: '127.0.0.1' }, 'CLIENT LIST', 'ADMIN')] },
      { text: 'Fix the leaking client (pool connections); if the load is legitimate, raise maxclients (and LimitNOFILE for systemd).', commands: [redisCli({ ...ctx, host: '127.0.0.1' }, 'CONFIG SET maxclients 20000', 'ADMIN')] },
    ],
  };
}

export function sentinelProblem(ctx: TargetContext, masters: { name: string; address: string }[]): Problem {
  return {
    code: 'SENTINEL',
    name: 'SENTINEL_PORT',
    kind: 'sentinel',
    summary: `${ctx.host}:${ctx.port} is a Redis Sentinel, not a data node.`,
    cause: 'Sentinel answers PING and INFO but does not serve data commands; applications must ask Sentinel for the current master address (or use a Sentinel-aware client) and connect to that data port.',
    evidence: [`INFO server: redis_mode:sentinel`, ...masters.map((m) => `monitors master '${m.name}' at ${m.address}`)],
    fixes: [
      {
        text: 'Ask Sentinel for the master address and connect there, or configure the client with the Sentinel addresses and the master name.',
        commands: masters.length
          ? masters.map((m) => redisCli(ctx, `SENTINEL get-master-addr-by-name ${m.name}`))
          : [redisCli(ctx, 'SENTINEL masters')],
      },
    ],
  };
}
