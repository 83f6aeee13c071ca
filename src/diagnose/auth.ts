/** E601 NOAUTH and E603 WRONGPASS: what the server needs, what was tried, and how to fix it. */
import type { Problem } from './schema.js';
import { quote, redisCli, type TargetContext } from './context.js';

/** What an admin connection learnt about the default user or the attempted user (ACL GETUSER). */
export interface UserState {
  exists: boolean;
  enabled: boolean;
  nopass: boolean;
  passwordCount: number;
  /** Whether sha256(given password) is among the user's hashes; null when not checked. */
  passwordMatches: boolean | null;
}

export interface NoAuthInput {
  ctx: TargetContext;
  tried: string[];
  /** The default user as seen with admin credentials, when available. */
  defaultUser: UserState | null;
  replyText: string;
}

export function noAuthProblem({ ctx, tried, defaultUser, replyText }: NoAuthInput): Problem {
  const mode =
    defaultUser === null ? 'unknown' : !defaultUser.enabled ? 'acl-users' : defaultUser.passwordCount > 0 ? 'requirepass' : 'unknown';
  const how = {
    requirepass:
      'The default user has a password (requirepass or ">password" on "user default"), so every connection must AUTH before any other command.',
    'acl-users':
      'The default user is disabled ("user default off"), so every connection must authenticate as a named ACL user with AUTH <user> <password>.',
    unknown:
      'Either requirepass is set (the default user has a password) or the default user is disabled and clients must log in as a named ACL user; without admin credentials redsec cannot tell which (both give the same NOAUTH reply).',
  }[mode];
  const evidence = [`server replied: ${replyText}`, `credential sources tried: ${tried.join('; ')}`];
  if (defaultUser) evidence.push(`ACL GETUSER default: ${describeUserState(defaultUser)}`);
  const fixes =
    mode === 'requirepass'
      ? [passwordFix('the default user (requirepass)', ctx, undefined)]
      : mode === 'acl-users'
        ? [passwordFix('your ACL user', ctx, 'USER')]
        : [passwordFix('your ACL user', ctx, 'USER'), passwordFix('the default user (requirepass)', ctx, undefined)];
  return {
    code: 'E601',
    name: 'NOAUTH',
    kind: mode === 'unknown' ? 'auth-required' : mode,
    summary: 'Authentication required: the server refused the command because the connection did not authenticate.',
    cause: `${how} redsec found no password in any credential source, so it connected unauthenticated, as an application without a configured password would.`,
    evidence,
    fixes,
  };
}

function passwordFix(who: string, ctx: TargetContext, user: string | undefined): { text: string; commands: string[] } {
  const url = `${ctx.tls ? 'rediss' : 'redis'}://${user ? `${user}@` : ''}${ctx.host}:${ctx.port}`;
  return {
    text: `Give the password of ${who} through a file or the environment (never on the command line), then authenticate with ${user ? 'AUTH <user> <password>' : 'AUTH <password>'}.`,
    commands: [
      `redsec diagnose ${url} --password-file ./password.txt`,
      `REDISCLI_AUTH="$(cat ./password.txt)" ${redisCli(ctx, 'PING').replace(/^redis-cli/, user ? `redis-cli --user ${quote(user)}` : 'redis-cli')}`,
    ],
  };
}

export function describeUserState(u: UserState): string {
  if (!u.exists) return 'no such user';
  const parts = [u.enabled ? 'on' : 'off', u.nopass ? 'nopass' : `${u.passwordCount} password hash(es)`];
  if (u.passwordMatches !== null) parts.push(u.passwordMatches ? 'given password matches a stored hash' : 'given password matches no stored hash');
  return parts.join(', ');
}

export interface WrongPassInput {
  ctx: TargetContext;
  user: string;
  source: string;
  replyText: string;
  /** The attempted user as seen with admin credentials, when available. */
  userState: UserState | null;
  /** The newest ACL LOG auth entry for this user, when readable. */
  logEvidence: string | null;
}

export function wrongPassProblem({ ctx, user, source, replyText, userState, logEvidence }: WrongPassInput): Problem {
  const kind = !userState
    ? 'wrongpass'
    : !userState.exists
      ? 'no-such-user'
      : !userState.enabled
        ? 'user-disabled'
        : !userState.nopass && userState.passwordCount === 0
          ? 'user-has-no-password'
          : 'wrong-password';
  const admin = 'ADMIN';
  const causes: Record<string, string> = {
    wrongpass: `The server rejected user '${user}' with the password from ${source}. Redis gives the same WRONGPASS reply for a wrong password, a disabled user and a user that does not exist, so the cause cannot be narrowed down without admin credentials (pass --admin-user and --admin-password-file to let redsec read ACL GETUSER).`,
    'no-such-user': `User '${user}' does not exist on this server (ACL GETUSER returned nothing), so any password is rejected with WRONGPASS.`,
    'user-disabled': `User '${user}' exists but is disabled ("off"): Redis refuses to authenticate a disabled user even with the right password.`,
    'user-has-no-password': `User '${user}' is enabled but has neither a password nor nopass, so nobody can log in as it.`,
    'wrong-password': `User '${user}' exists and is enabled, but the password from ${source} matches none of its stored SHA-256 hashes.`,
  };
  const fixes: Record<string, { text: string; commands: string[] }[]> = {
    wrongpass: [
      { text: 'Check the password source the application uses, then check the user with admin credentials.', commands: [redisCli(ctx, `ACL GETUSER ${quote(user)}`, admin), redisCli(ctx, 'ACL LOG 10', admin)] },
    ],
    'no-such-user': [
      { text: `Create the user with only the rights the application needs (or fix the user name in the client).`, commands: [redisCli(ctx, `ACL SETUSER ${quote(user)} on '>NEW-PASSWORD' resetkeys resetchannels -@all`, admin), redisCli(ctx, 'ACL SAVE', admin)] },
    ],
    'user-disabled': [
      { text: `Enable the user if it is meant to log in (it was probably disabled on purpose: check with its owner).`, commands: [redisCli(ctx, `ACL SETUSER ${quote(user)} on`, admin), redisCli(ctx, 'ACL SAVE', admin)] },
    ],
    'user-has-no-password': [
      { text: `Give the user a password (store only its hash in users.acl).`, commands: [redisCli(ctx, `ACL SETUSER ${quote(user)} '>NEW-PASSWORD'`, admin), redisCli(ctx, 'ACL SAVE', admin)] },
    ],
    'wrong-password': [
      { text: 'Use the password the server expects (rotate: add the new password, update clients, then remove the old one).', commands: [redisCli(ctx, `ACL SETUSER ${quote(user)} '>NEW-PASSWORD'`, admin), redisCli(ctx, `ACL SETUSER ${quote(user)} '<OLD-PASSWORD'`, admin)] },
    ],
  };
  const evidence = [`server replied: ${replyText}`, `user '${user}', password from ${source}`];
  if (userState) evidence.push(`ACL GETUSER ${user}: ${describeUserState(userState)}`);
  if (logEvidence) evidence.push(logEvidence);
  return {
    code: 'E603',
    name: 'WRONGPASS',
    kind,
    summary: `Authentication failed for user '${user}' (${kind.replace(/-/g, ' ')}).`,
    cause: causes[kind] ?? '',
    evidence,
    fixes: fixes[kind] ?? [],
  };
}

/** AUTH <password> against a server whose default user has no password: Redis 6+ answers with an error that many clients treat as fatal. */
export function authWithoutPasswordProblem(ctx: TargetContext, source: string, replyText: string): Problem {
  return {
    code: 'E603',
    name: 'WRONGPASS',
    kind: 'no-password-configured',
    summary: 'A password was sent, but the default user has none configured.',
    cause: `The client sent AUTH <password> (password from ${source}) but the server's default user is "nopass": Redis 6 and later answer with an error instead of accepting it, and clients that treat a failed AUTH as fatal cannot connect. Either the server lost its password (requirepass not loaded, an aclfile without a "user default" line overrides requirepass) or the client should not send one.`,
    evidence: [`server replied: ${replyText}`],
    fixes: [
      { text: 'Protect the default user (or disable it and use named ACL users), as the client expects.', commands: [redisCli(ctx, "ACL SETUSER default resetpass '>NEW-PASSWORD'"), redisCli(ctx, 'CONFIG REWRITE', 'default')] },
      { text: 'Or stop sending a password from the client if the server is meant to be open (only on loopback).', commands: [] },
    ],
  };
}
