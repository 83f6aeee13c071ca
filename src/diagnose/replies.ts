/**
 * Recognises the error replies that stop a client, from their exact texts across versions
 * (acl-semantics §4.5; networking.c/server.c of 6.2 to 8.0).
 */

export type ReplyKind =
  | { kind: 'noauth' }
  | { kind: 'wrongpass' }
  | { kind: 'auth-without-password' }
  | { kind: 'noperm'; denial: 'command' | 'key' | 'channel' | 'unknown'; command: string | null; user: string | null }
  | { kind: 'denied'; rule: 'bind-or-password' | 'default-user-password' | 'unknown' }
  | { kind: 'loading' }
  | { kind: 'readonly' }
  | { kind: 'misconf' }
  | { kind: 'moved' | 'ask'; slot: number; address: string }
  | { kind: 'clusterdown' }
  | { kind: 'maxclients' }
  | { kind: 'masterdown' }
  | { kind: 'other'; text: string };

export function classifyReply(text: string): ReplyKind {
  const t = text.trim();
  const word = t.split(/\s/, 1)[0] ?? '';
  switch (word) {
    case 'NOAUTH':
      return { kind: 'noauth' };
    case 'WRONGPASS':
      return { kind: 'wrongpass' };
    case 'NOPERM':
      return classifyNoperm(t);
    case 'DENIED':
      return {
        kind: 'denied',
        // The DENIED text names the rule the server applied, which dates the server.
        rule: /no bind address was specified/.test(t)
          ? 'bind-or-password'
          : /no password is set for the default user/.test(t)
            ? 'default-user-password'
            : 'unknown',
      };
    case 'LOADING':
      return { kind: 'loading' };
    case 'READONLY':
      return { kind: 'readonly' };
    case 'MISCONF':
      return { kind: 'misconf' };
    case 'MOVED':
    case 'ASK': {
      const m = /^(?:MOVED|ASK) (\d+) (\S+)/.exec(t);
      return { kind: word === 'MOVED' ? 'moved' : 'ask', slot: Number(m?.[1] ?? -1), address: m?.[2] ?? '' };
    }
    case 'CLUSTERDOWN':
      return { kind: 'clusterdown' };
    case 'MASTERDOWN':
      return { kind: 'masterdown' };
  }
  if (/^ERR max number of clients/.test(t)) return { kind: 'maxclients' };
  if (/^ERR AUTH <password> called without any password configured/.test(t)) return { kind: 'auth-without-password' };
  // Older servers (before 6.0) answered AUTH on a passwordless server this way.
  if (/^ERR Client sent AUTH, but no password is set/.test(t)) return { kind: 'auth-without-password' };
  if (/^ERR invalid password/.test(t)) return { kind: 'wrongpass' };
  return { kind: 'other', text: t };
}

function classifyNoperm(t: string): ReplyKind {
  // 7.2+: "User <u> has no permissions to run the '<cmd>' command"; 7.0: "this user has no ... '<cmd>' command";
  // 6.2 adds "or its subcommand".
  const cmd = /permissions to run the '([^']+)' command/.exec(t);
  if (cmd) {
    const user = /^NOPERM User (\S+) has no permissions/.exec(t)?.[1] ?? null;
    return { kind: 'noperm', denial: 'command', command: cmd[1] ?? null, user };
  }
  if (/one of the keys|access a key|' key\.?$/.test(t)) return { kind: 'noperm', denial: 'key', command: null, user: null };
  if (/one of the channels|access a channel|' channel\.?$/.test(t)) return { kind: 'noperm', denial: 'channel', command: null, user: null };
  return { kind: 'noperm', denial: 'unknown', command: null, user: null };
}
