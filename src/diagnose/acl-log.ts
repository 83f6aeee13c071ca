/** Reads ACL LOG replies (6.2: 7 fields; 7.2+: 10) and groups recent denials by user, reason and object. */

export interface AclLogEntry {
  count: number;
  reason: string;
  context: string;
  object: string;
  username: string;
  ageSeconds: number;
  /** The `cmd=` field of client-info: the command the client was running. */
  clientCommand: string | null;
}

/** Accepts the RESP2 form (flat [field, value, ...] arrays) and RESP3 maps; skips what it cannot read. */
export function parseAclLog(reply: unknown): AclLogEntry[] {
  if (!Array.isArray(reply)) return [];
  const out: AclLogEntry[] = [];
  for (const raw of reply) {
    const fields = new Map<string, unknown>();
    if (raw instanceof Map) for (const [k, v] of raw) fields.set(String(k), v);
    else if (Array.isArray(raw)) for (let i = 0; i + 1 < raw.length; i += 2) fields.set(String(raw[i]), raw[i + 1]);
    else continue;
    const clientInfo = String(fields.get('client-info') ?? '');
    out.push({
      count: Number(fields.get('count') ?? 1),
      reason: String(fields.get('reason') ?? ''),
      context: String(fields.get('context') ?? ''),
      object: String(fields.get('object') ?? ''),
      username: String(fields.get('username') ?? ''),
      ageSeconds: Number(fields.get('age-seconds') ?? 0),
      clientCommand: /(?:^| )cmd=(\S+)/.exec(clientInfo)?.[1] ?? null,
    });
  }
  return out;
}

export interface AclLogGroupRaw {
  user: string;
  reason: string;
  object: string;
  context: string;
  count: number;
  lastSeenSeconds: number;
  clientCommand: string | null;
}

/** Groups entries (newest first in the reply) by user, reason and object; the newest wins for age and command. */
export function groupAclLog(entries: AclLogEntry[]): AclLogGroupRaw[] {
  const groups = new Map<string, AclLogGroupRaw>();
  for (const e of entries) {
    const key = JSON.stringify([e.username, e.reason, e.object]);
    const g = groups.get(key);
    if (g) {
      g.count += e.count;
      if (e.ageSeconds < g.lastSeenSeconds) {
        g.lastSeenSeconds = e.ageSeconds;
        g.clientCommand = e.clientCommand ?? g.clientCommand;
      }
      if (!g.context.split(',').includes(e.context)) g.context += `,${e.context}`;
    } else {
      groups.set(key, {
        user: e.username,
        reason: e.reason,
        object: e.object,
        context: e.context,
        count: e.count,
        lastSeenSeconds: e.ageSeconds,
        clientCommand: e.clientCommand,
      });
    }
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.lastSeenSeconds - b.lastSeenSeconds);
}
