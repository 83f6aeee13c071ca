import type { ConfigValue, UserFacts } from './types.js';
import { asArray, asPairs, asText } from './replies.js';

/** CONFIG GET * → name → value; undefined when the reply is not name/value pairs. */
export function parseConfigGet(reply: unknown): Record<string, ConfigValue> | undefined {
  // RESP2's flat [name, value, ...] read in place (hundreds of pairs per target in a fleet).
  if (Array.isArray(reply)) {
    if (reply.length % 2 !== 0) return undefined;
    const out: Record<string, ConfigValue> = {};
    for (let i = 0; i < reply.length; i += 2) {
      const name = asText(reply[i]);
      const text = asText(reply[i + 1]);
      if (name === undefined || text === undefined) return undefined;
      out[name.toLowerCase()] = { value: text };
    }
    return out;
  }
  const pairs = asPairs(reply);
  if (!pairs) return undefined;
  const out: Record<string, ConfigValue> = {};
  for (const [name, value] of Object.entries(pairs)) {
    const text = asText(value);
    if (text === undefined) return undefined;
    out[name.toLowerCase()] = { value: text };
  }
  return out;
}

/** ACL LIST lines "user <name> <rules...>". */
export function parseAclList(reply: unknown): UserFacts[] | undefined {
  const arr = asArray(reply);
  if (!arr) return undefined;
  const users: UserFacts[] = [];
  for (const item of arr) {
    const line = asText(item);
    const m = line === undefined ? null : /^user (\S+)(?: (.*))?$/.exec(line);
    if (!m) return undefined;
    users.push({ name: m[1] ?? '', rules: m[2] ?? '' });
  }
  return users;
}

export interface AclLogEntry {
  reason: string;
  context: string;
  object: string;
  username: string;
  count: number;
}

export function parseAclLog(reply: unknown): AclLogEntry[] | undefined {
  const arr = asArray(reply);
  if (!arr) return undefined;
  const entries: AclLogEntry[] = [];
  for (const item of arr) {
    const p = asPairs(item);
    if (!p) return undefined;
    entries.push({
      reason: asText(p['reason']) ?? '',
      context: asText(p['context']) ?? '',
      object: asText(p['object']) ?? '',
      username: asText(p['username']) ?? '',
      count: Number(asText(p['count']) ?? 0),
    });
  }
  return entries;
}

export function parseModuleList(reply: unknown): { name: string; version: string; path?: string }[] | undefined {
  const arr = asArray(reply);
  if (!arr) return undefined;
  const mods: { name: string; version: string; path?: string }[] = [];
  for (const item of arr) {
    const p = asPairs(item);
    if (!p) return undefined;
    const path = asText(p['path']);
    mods.push({ name: asText(p['name']) ?? '', version: asText(p['ver']) ?? '', ...(path ? { path } : {}) });
  }
  return mods;
}

/** CLIENT LIST text: one client per line of space-separated k=v fields (only addr, user and name are kept). */
export function parseClientList(reply: unknown): { addr: string; user: string; name: string }[] | undefined {
  const text = asText(reply);
  if (text === undefined) return undefined;
  const clients: { addr: string; user: string; name: string }[] = [];
  for (const line of text.split('\n')) {
    if (line.length < 3) continue;
    clients.push({ addr: field(line, 'addr'), user: field(line, 'user'), name: field(line, 'name') });
  }
  return clients;
}

/** The value of ` key=` in a CLIENT LIST line (fields never contain spaces: names cannot). */
function field(line: string, key: string): string {
  const at = line.startsWith(`${key}=`) ? 0 : line.indexOf(` ${key}=`) + 1;
  if (at === 0 && !line.startsWith(`${key}=`)) return '';
  const start = at + key.length + 1;
  const end = line.indexOf(' ', start);
  return line.slice(start, end < 0 ? line.length : end).replace(/\r$/, '');
}
