import type { Rule } from '../types.js';
import { fail, notApplicable, pass, unknownResult } from '../result.js';
import { pci } from '../compliance.js';

/** True when `ip` equals an entry or falls in an IPv4 CIDR entry. */
export function inAllowlist(ip: string, allow: string[]): boolean {
  const toInt = (a: string): number | null => {
    const p = a.split('.').map(Number);
    return p.length === 4 && p.every((x) => Number.isInteger(x) && x >= 0 && x <= 255) ? ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0 : null;
  };
  return allow.some((entry) => {
    if (!entry.includes('/')) return entry === ip;
    const [net, bitsRaw] = entry.split('/');
    const bits = Number(bitsRaw);
    const a = toInt(ip);
    const n = toInt(net ?? '');
    if (a === null || n === null || !(bits >= 0 && bits <= 32)) return false;
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    return (a & mask) === (n & mask);
  });
}

/** "ip:port" or "[v6]:port" → ip. */
const hostOf = (addr: string): string => addr.replace(/^\[(.*)\]:\d+$/, '$1').replace(/:\d+$/, '');

export const iocUnknownClients: Rule = {
  id: 'IOC-UNKNOWN-CLIENTS',
  title: 'Clients connected from outside the allowlist',
  severity: 'medium',
  rationale: 'CLIENT LIST shows every connection\'s address and user; one from outside the expected application networks is either a misrouted client or an intruder.',
  remediation: { text: 'Identify the client (CLIENT LIST), kill it if unexpected, and tighten bind and the firewall.', command: 'redis-cli CLIENT KILL ADDR <addr>' },
  compliance: [pci('1.3.1'), pci('10.2.1')],
  level: 3,
  modes: ['live'],
  check(facts, ctx) {
    if (ctx.mode === 'lint') return notApplicable('needs a live server');
    const allow = ctx.allowlists?.clients;
    if (!allow || allow.length === 0) return notApplicable('no client allowlist given');
    if (!facts.clients.known) return unknownResult(`cannot list clients: ${facts.clients.why}`);
    const outside = facts.clients.value.filter((c) => {
      const h = hostOf(c.addr);
      return !(h === '127.0.0.1' || h === '::1' || c.addr.startsWith('/') || inAllowlist(h, allow));
    });
    if (outside.length === 0) return pass(`${facts.clients.value.length} client(s), all from allowlisted addresses`);
    return fail(`${outside.length} client(s) from outside the allowlist: ${outside.slice(0, 5).map((c) => `${c.addr} (user ${c.user})`).join(', ')}`);
  },
};
