/**
 * Remediations that turn the `default` user off without locking everyone out. On a stock server
 * `default` is the only account: `ACL SETUSER default off` pasted as is leaves no way in, so the fix
 * is a sequence (create an administrator with a generated password, prove it logs in, only then
 * turn `default` off, then persist). When another enabled administrator exists, the steps run as it.
 */
import type { ServerFacts } from '../facts/types.js';
import type { Remediation } from '../report/types.js';
import { configValue } from './config.js';
import { shellQuote } from './shell.js';
import { effectiveUsers, userFlags } from './users.js';

/** Enabled users other than `default` that can administer (+@all): who the operator can log in as afterwards. */
export function otherAdmins(facts: ServerFacts): string[] | undefined {
  const users = effectiveUsers(facts);
  if (!users.known) return undefined;
  return users.value.filter((u) => u.name !== 'default').filter((u) => {
    const f = userFlags(facts, u);
    return f.enabled && f.allCommands;
  }).map((u) => u.name);
}

/** ACL SAVE with an aclfile, CONFIG REWRITE without (the `user` lines go to redis.conf then). */
function persistCommand(facts: ServerFacts): string {
  const aclfile = configValue(facts, 'aclfile');
  if (!aclfile.known) return 'ACL SAVE   # with an aclfile; without one: CONFIG REWRITE';
  return aclfile.value && aclfile.value.value !== '' ? 'ACL SAVE' : 'CONFIG REWRITE';
}

/** The generic sequence (a rule's catalogue entry); findings carry one fitted to the server. */
export const HANDOVER_TEXT =
  "Never turn default off while it is the only administrator: create an admin user with a generated password (or load redsec generate's users.acl), check it logs in, then turn default off and persist (ACL SAVE, or CONFIG REWRITE without an aclfile).";
export function handoverCommand(off: string, persist: string): string {
  return [
    'ADMIN_PASSWORD="$(openssl rand -hex 32)"   # keep it in your secret store',
    `printf '>%s' "$ADMIN_PASSWORD" | redis-cli -x ACL SETUSER admin on '~*' '&*' '+@all'`,
    'REDISCLI_AUTH="$ADMIN_PASSWORD" redis-cli --user admin PING   # must answer PONG before going on',
    `REDISCLI_AUTH="$ADMIN_PASSWORD" redis-cli --user admin ACL SETUSER ${off}`,
    `REDISCLI_AUTH="$ADMIN_PASSWORD" redis-cli --user admin ${persist}`,
  ].join('\n');
}
export const HANDOVER_COMMAND = handoverCommand('default off', 'ACL SAVE   # with an aclfile; without one: CONFIG REWRITE');

/** How to turn `default` off (`extra`: rules added to that SETUSER, e.g. resetpass) without a lock-out. */
export function defaultOffRemediation(facts: ServerFacts, extra: readonly string[] = []): Remediation {
  const admins = otherAdmins(facts);
  const persist = persistCommand(facts);
  const aclfile = configValue(facts, 'aclfile');
  const inAclfile = aclfile.known && !!aclfile.value && aclfile.value.value !== '';
  const off = ['default', 'off', ...extra].join(' ');
  const clients = 'Clients that connect without AUTH (as default) stop working when default goes off: give them named users first (redsec generate writes users.acl).';
  if (admins !== undefined && admins.length > 0) {
    const admin = shellQuote(admins[0] as string);
    return {
      text: `Turn the default user off, logged in as an administrator (${admins.join(', ')}), never as default itself. ${clients}`,
      config: `user ${off}`,
      command: [
        `REDISCLI_AUTH="$ADMIN_PASSWORD" redis-cli --user ${admin} PING   # must answer PONG before going on`,
        `REDISCLI_AUTH="$ADMIN_PASSWORD" redis-cli --user ${admin} ACL SETUSER ${off}`,
        `REDISCLI_AUTH="$ADMIN_PASSWORD" redis-cli --user ${admin} ${persist}`,
      ].join('\n'),
    };
  }
  return {
    text: `default is the only account that can administer this server: turning it off first locks everyone out, you included. Create an administrator with a generated password (or load redsec generate's users.acl), check that it logs in, then turn default off and persist. ${clients}`,
    config: `${inAclfile ? '# in the aclfile\n' : ''}user admin on #<sha256-of-a-generated-password> ~* &* +@all\nuser ${off}`,
    command: handoverCommand(off, persist),
  };
}
