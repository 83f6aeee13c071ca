/** E605 PROTECTED: the server refuses non-loopback peers; the rule depends on the version. */
import type { Problem } from './schema.js';
import { majorMinor, redisCli, type TargetContext } from './context.js';

export type ProtectedRule = 'bind-or-password' | 'default-user-password' | 'unknown';

/**
 * Which rule applied: the DENIED text itself names it (6.2 mentions "no bind address", 7.0+
 * "no password is set for the default user"); a version given by the user decides otherwise.
 */
export function protectedRule(textRule: ProtectedRule, version: string | null): ProtectedRule {
  if (textRule !== 'unknown') return textRule;
  const mm = majorMinor(version);
  if (!mm) return 'unknown';
  return mm[0] >= 7 ? 'default-user-password' : 'bind-or-password';
}

export function protectedProblem(ctx: TargetContext, replyText: string, textRule: ProtectedRule): Problem {
  const rule = protectedRule(textRule, ctx.version);
  const local = `${redisCli({ ...ctx, host: '127.0.0.1' }, '')}`.trim();
  const rules = {
    'bind-or-password':
      'This server applies the pre-7.0 rule (Redis 6.2 and older): protected mode refuses non-loopback TCP clients only while no bind address is configured AND the default user has no password. Adding an explicit "bind" line turned protection off on those versions.',
    'default-user-password':
      'This server applies the 7.0+ rule (Redis 7.0, 7.2, 7.4, Valkey): protected mode refuses every non-loopback client while the default user has no password, whatever "bind" says. Binding to a private address does not help; only a password on the default user (or disabling it) or turning protected mode off does.',
    unknown:
      'The server version is unknown. Before 7.0 an explicit bind address turned protection off; from 7.0 on only the default user having a password (or being disabled) matters.',
  }[rule];
  const fixes: Problem['fixes'] = [
    {
      text: 'Preferred: give the application its own ACL user and disable the passwordless default user, but first create an administrator and check it logs in (default is the only account: turning it off first locks you out, you included); run on the server host, over loopback, then persist.',
      commands: [
        'ADMIN_PASSWORD="$(openssl rand -hex 32)"   # keep it in your secret store',
        `printf '>%s' "$ADMIN_PASSWORD" | ${local} -x ACL SETUSER admin on '~*' '&*' '+@all'`,
        `REDISCLI_AUTH="$ADMIN_PASSWORD" ${local} --user admin PING   # must answer PONG before going on`,
        `${local} ACL SETUSER app on '>NEW-PASSWORD' '~app:*' '+@read' '+@write' '-@dangerous'`,
        `REDISCLI_AUTH="$ADMIN_PASSWORD" ${local} --user admin ACL SETUSER default off`,
        `REDISCLI_AUTH="$ADMIN_PASSWORD" ${local} --user admin ACL SAVE   # with an aclfile; otherwise CONFIG REWRITE`,
      ],
    },
    {
      text: 'Or set a password on the default user (requirepass), and configure it in every client.',
      commands: [
        'DEFAULT_PASSWORD="$(openssl rand -hex 32)"   # keep it: every client needs it',
        `${local} CONFIG SET requirepass "$DEFAULT_PASSWORD"`,
        `REDISCLI_AUTH="$DEFAULT_PASSWORD" ${local} CONFIG REWRITE   # the new connection must authenticate now`,
      ],
    },
  ];
  if (rule !== 'default-user-password') {
    fixes.push({
      text: 'Redis 6.2 and older only: bind explicitly to the private interface (this disables protected mode there, so keep a password and a firewall as well).',
      commands: ['bind 10.0.0.5 127.0.0.1   # in redis.conf: the server\'s private address, then restart'],
    });
  }
  fixes.push({
    text: 'Last resort: turn protected mode off only when a firewall restricts who can reach the port and TLS plus authentication are in place.',
    commands: [`${local} CONFIG SET protected-mode no`, `${local} CONFIG REWRITE`],
  });
  return {
    code: 'E605',
    name: 'PROTECTED',
    kind: rule,
    summary: 'The server is in protected mode and refuses connections from non-loopback addresses.',
    cause: `The server accepted the TCP connection, sent -DENIED and closed it, because this client is not on the loopback interface and the server has no authentication for the default user. ${rules}`,
    evidence: [`server replied: ${replyText.slice(0, 160)}${replyText.length > 160 ? '...' : ''}`, `target ${ctx.display}`],
    fixes,
  };
}
