/**
 * "Does the given command work for this user?" without running anything that is not on the
 * read-only allowlist: allowlisted read-only commands are executed, everything else is asked of
 * the server with ACL DRYRUN (7.0+), or queued in MULTI and discarded (the server's queue-time
 * ACL check, with the user's own credentials), or decided by the offline ACL engine from the
 * user's ACL LIST rules, or reported as not verified. A denial becomes E602 with the smallest fix.
 */
import { isAllowed, isRespError, type QueueCheckReplies, type RespConnection, type RespReply } from '../resp/index.js';
import { refusedUnlessFullRead } from '../acl/index.js';
import { visible } from '../text/index.js';
import type { VersionId } from '../versions/index.js';
import { aclChecker } from './acl-checker.js';
import { refuseStateChangingCommand } from './command-refusal.js';
import { exactPattern, prefixAlternative, proposeAclFix, type AclFixProposal } from './acl-fix.js';
import { quote, redisCli, type TargetContext } from './context.js';
import { classifyReply } from './replies.js';
import type { CommandCheck, Problem } from './schema.js';
import { redactRules, userRules } from './session.js';

export interface CommandCheckInput {
  ctx: TargetContext;
  conn: RespConnection;
  /** Opens (once) the admin connection, or null when none was configured or it failed. */
  admin: () => Promise<RespConnection | null>;
  user: string;
  argv: string[];
  versionId: VersionId;
}

export interface CommandCheckResult {
  check: CommandCheck;
  /** E602 or another refusal of the executed command; null when allowed or not verified. */
  problem: Problem | null;
}

type Verdict = { allowed: true } | { allowed: false; text: string };

export async function checkCommand(input: CommandCheckInput): Promise<CommandCheckResult> {
  const { conn, argv, user, versionId } = input;
  // Never on the operator's connection: AUTH, HELLO, SELECT, CLIENT ... (diagnose refuses them earlier).
  refuseStateChangingCommand(argv);
  // 1. Read-only and allowlisted: run it, as the application would.
  if (isAllowed(argv)) {
    const reply = await conn.call(argv);
    if (!isRespError(reply)) {
      return { check: { argv, method: 'executed', allowed: true, detail: 'read-only allowlisted command, executed' }, problem: null };
    }
    const kind = classifyReply(reply.message);
    if (kind.kind === 'noperm') {
      return denied(input, 'executed', reply.message, 'read-only allowlisted command, executed');
    }
    return { check: { argv, method: 'executed', allowed: false, detail: `executed: ${reply.message}` }, problem: commandErrorProblem(input.ctx, argv, reply.message) };
  }
  // 2. ACL DRYRUN (7.0+), asked as the user (if it may) or as admin; the command itself is not run.
  if (versionId !== '6.2') {
    // Admin first when configured: asking as the user leaves NOPERM entries in ACL LOG.
    const adminConn = await input.admin();
    const askers = adminConn ? ([['admin', adminConn], ['user', conn]] as const) : ([['user', conn]] as const);
    for (const [who, c] of askers) {
      const verdict = await dryrun(c, user, argv);
      if (verdict === undefined) continue;
      const detail = `ACL DRYRUN ${user} (asked as ${who === 'user' ? 'the user' : 'the admin user'}); the command itself was not sent`;
      if (verdict.allowed) return allowedUnlessRefusedWhenRun(input, 'acl-dryrun', detail);
      return denied(input, 'acl-dryrun', verdict.text, detail);
    }
  }
  // 3. Queued inside MULTI on the user's own connection, then discarded: the server's own check.
  const queued = await queueCheck(input);
  if (queued.result) return queued.result;
  // 4. The offline engine on the user's rules, if they can be read.
  const rules = (await userRules(await input.admin(), user)) ?? (await userRules(conn, user));
  if (rules !== null) {
    const v = aclChecker(user, versionId).check(rules, argv);
    const detail = `offline ACL engine (${versionId}) on the user's ACL LIST rules; the command itself was not sent`;
    if (v.allowed) return { check: { argv, method: 'acl-engine', allowed: true, detail }, problem: null };
    return denied(input, 'acl-engine', v.message, detail, rules);
  }
  return {
    check: {
      argv,
      method: 'not-checked',
      allowed: null,
      detail: `not verified: the command is not on redsec's read-only allowlist, ACL DRYRUN was not available, ${queued.why}, and the user's rules were not readable (give --admin-user and --admin-password-file)`,
    },
    problem: null,
  };
}

/**
 * MULTI, the command, DISCARD on the user's connection (resp/'s queueCheck; never EXEC). Redis
 * checks existence, arity, ACL and then server state when it queues a command, so QUEUED means
 * the ACL allows it and NOPERM that it does not, and nothing ran either way. `why` says what
 * stopped it when it cannot answer (MULTI denied, a command that cannot be queued).
 */
async function queueCheck(input: CommandCheckInput): Promise<{ result?: CommandCheckResult; why: string }> {
  const { conn, argv, ctx } = input;
  const name = visible((argv[0] ?? '').toUpperCase().slice(0, 32));
  let r: QueueCheckReplies;
  try {
    r = await conn.queueCheck(argv);
  } catch (e) {
    return { why: `queuing it in MULTI failed (${visible(e instanceof Error ? e.message : String(e)).slice(0, 160)})` };
  }
  if (r.multi !== 'OK') {
    const text = isRespError(r.multi) ? r.multi.message : String(r.multi);
    return { why: `MULTI was refused (${visible(text).slice(0, 160)}), so the command was not sent` };
  }
  const detail = `MULTI, ${name}, DISCARD as the user: the server checked the command when queuing it and DISCARD dropped it; it never ran (no EXEC)`;
  const q = r.queued;
  if (q === 'QUEUED') return { result: await allowedUnlessRefusedWhenRun(input, 'multi-queue', detail), why: '' };
  if (isRespError(q)) {
    if (q.code === 'NOPERM') return { result: await denied(input, 'multi-queue', q.message, detail), why: '' };
    // Checked before ACL (7.0+ CMD_NO_MULTI: SAVE, SHUTDOWN, SYNC, PSYNC): no ACL answer.
    if (/not allowed inside a transaction/i.test(q.message)) return { why: `${name} cannot be queued in MULTI (${visible(q.message).slice(0, 120)})` };
    // Unknown command, wrong arity, a protected command, or a server state (OOM, READONLY ...): the server's refusal.
    return { result: { check: { argv, method: 'multi-queue', allowed: false, detail: `${detail}: ${visible(q.message).slice(0, 200)}` }, problem: commandErrorProblem(ctx, argv, q.message) }, why: '' };
  }
  return { why: `queuing it in MULTI gave an unexpected reply` };
}

/**
 * ACL DRYRUN's or MULTI's yes, unless the server refuses the command line when it runs: SORT's GET
 * and BY patterns need read access to every key, which only the user's rules can show.
 */
async function allowedUnlessRefusedWhenRun(input: CommandCheckInput, method: CommandCheck['method'], detail: string): Promise<CommandCheckResult> {
  const { argv, user, versionId, conn } = input;
  const refusal = refusedUnlessFullRead(argv, { version: versionId });
  if (refusal === undefined) return { check: { argv, method, allowed: true, detail }, problem: null };
  const rules = (await userRules(await input.admin(), user)) ?? (await userRules(conn, user));
  if (rules === null) {
    return {
      check: { argv, method: 'not-checked', allowed: null, detail: `${detail} says allowed, but when it runs the server answers "${refusal}" unless the user may read every key (~*, %R~* or allkeys); the user's rules are not readable to tell` },
      problem: null,
    };
  }
  const v = aclChecker(user, versionId).check(rules, argv);
  const engine = `${detail}; the ACL engine on the user's rules decides what happens when it runs`;
  if (v.allowed) return { check: { argv, method, allowed: true, detail: `${engine}: full read access, allowed` }, problem: null };
  return {
    check: { argv, method, allowed: false, detail: `${engine}: denied when run` },
    problem: {
      code: 'E602',
      name: 'NOPERM',
      kind: 'run',
      summary: `User '${user}' may queue ${argv[0] ?? ''} (ACL DRYRUN says OK), but the server refuses it when it runs: ${v.message}`,
      cause: `${(argv[0] ?? '').toUpperCase()} with GET, or BY with a * pattern, reads keys the key patterns cannot see; Redis allows it only to a user with read access to every key in a selector that allows the command.`,
      evidence: [`user ${user} rules (ACL LIST): ${redactRules(rules)}`, `ACL engine: ${v.message} (${v.decidedBy})`],
      fixes: [
        { text: 'Drop GET and BY patterns from the SORT (sort in the application), or, if the user may read every key, grant it explicitly.', commands: [redisCli(input.ctx, `ACL SETUSER ${quote(user)} %R~*`, 'ADMIN')] },
      ],
    },
  };
}

/** ACL DRYRUN's answer, or undefined when this connection may not ask (NOPERM) or the server cannot. */
async function dryrun(conn: RespConnection, user: string, argv: string[]): Promise<Verdict | undefined> {
  let reply: RespReply;
  try {
    reply = await conn.call(['ACL', 'DRYRUN', user, ...argv]);
  } catch {
    return undefined;
  }
  if (isRespError(reply)) {
    if (reply.code === 'NOPERM' || /unknown subcommand/i.test(reply.message)) return undefined;
    // Unknown command, wrong arity, no such user: the server's own words.
    return { allowed: false, text: reply.message };
  }
  if (reply === 'OK') return { allowed: true };
  return { allowed: false, text: String(reply) };
}

async function denied(
  input: CommandCheckInput,
  method: CommandCheck['method'],
  serverText: string,
  detail: string,
  knownRules?: string,
): Promise<CommandCheckResult> {
  const { ctx, argv, user, versionId, conn } = input;
  const check: CommandCheck = { argv, method, allowed: false, detail };
  if (/^ERR /.test(serverText) || /not found|wrong number of arguments|doesn't exist/i.test(serverText)) {
    return { check, problem: commandErrorProblem(ctx, argv, serverText) };
  }
  const rules = knownRules ?? (await userRules(await input.admin(), user)) ?? (await userRules(conn, user));
  const by = method === 'acl-dryrun' ? 'ACL DRYRUN' : method === 'executed' ? 'server' : method === 'multi-queue' ? 'server (queuing it in MULTI)' : 'ACL engine';
  const evidence = [`${by} replied: ${serverText}`];
  let proposal: AclFixProposal | null = null;
  let engineError: string | null = null;
  if (rules !== null) {
    evidence.push(`user ${user} rules (ACL LIST): ${redactRules(rules)}`);
    try {
      proposal = proposeAclFix(aclChecker(user, versionId), rules, argv);
    } catch (e) {
      engineError = e instanceof Error ? e.message : String(e);
    }
  } else {
    evidence.push(`the rules of user ${user} are not readable with these credentials (ACL LIST needs +acl|list; give --admin-user/--admin-password-file)`);
  }
  const textKind = classifyReply(serverText.startsWith('NOPERM') ? serverText : `NOPERM ${serverText}`);
  const before = proposal?.before;
  const denial = before?.denial ?? (textKind.kind === 'noperm' ? textKind.denial : 'unknown');
  const object = before?.object ?? quotedObject(serverText);
  const command = before?.command ?? (textKind.kind === 'noperm' ? textKind.command : null) ?? argv[0]?.toLowerCase() ?? '';
  if (before) {
    evidence.push(`ACL engine: ${before.allowed ? 'allowed (disagrees with the server: no fix proposed)' : `denied (${before.denial}) by ${before.decidedBy}`}`);
  }
  if (engineError) evidence.push(`ACL engine could not evaluate: ${engineError}`);

  const fixes: Problem['fixes'] = [];
  const persist = redisCli(ctx, 'ACL SAVE   # with an aclfile; otherwise CONFIG REWRITE', 'ADMIN');
  if (proposal && proposal.allowed && !before?.allowed && proposal.add.length) {
    evidence.push(`proposed change re-evaluated with the ACL engine: allowed; ${proposal.minimal ? 'grants nothing else' : 'ALSO GRANTS MORE'} (${proposal.checks.join('; ')})`);
    fixes.push({
      text: `Smallest change, verified with the ACL engine: allow exactly ${proposal.add.join(' ')} for user ${user}.`,
      commands: [redisCli(ctx, `ACL SETUSER ${quote(user)} ${proposal.add.map(quote).join(' ')}`, 'ADMIN'), persist],
    });
    const keyRule = proposal.add.find((r) => /^(%[RW]+)?~/.test(r));
    const alt = keyRule && before?.object !== undefined ? prefixAlternative(before.object) : null;
    if (alt && keyRule) {
      const perms = /^(%[RW]+)~/.exec(keyRule)?.[1] ?? '';
      const altRule = `${perms}${alt}`;
      const altAdd = proposal.add.map((r) => (r === keyRule ? altRule : r));
      const ok = aclChecker(user, versionId).check([rules, ...altAdd].join(' '), argv).allowed;
      if (ok) {
        fixes.push({
          text: `Broader alternative if the application uses the whole key prefix (grants every key matching ${altRule}; verified to allow this command).`,
          commands: [redisCli(ctx, `ACL SETUSER ${quote(user)} ${altAdd.map(quote).join(' ')}`, 'ADMIN'), persist],
        });
      }
    }
  } else {
    // Without the rules: the change the denial text points at, not verified.
    const rule =
      denial === 'command'
        ? `+${command}`
        : denial === 'key' && object
          ? `~${exactPattern(object)}`
          : denial === 'channel' && object
            ? `&${exactPattern(object)}`
            : null;
    if (rule) {
      fixes.push({
        text: `Allow ${rule} for user ${user} (derived from the denial text; NOT verified: the user's rules were not readable).`,
        commands: [redisCli(ctx, `ACL SETUSER ${quote(user)} ${quote(rule)}`, 'ADMIN'), persist],
      });
    }
  }
  fixes.push({ text: 'Inspect what the user may do and the recent denials.', commands: [redisCli(ctx, `ACL GETUSER ${quote(user)}`, 'ADMIN'), redisCli(ctx, 'ACL LOG 10', 'ADMIN')] });

  const what = denial === 'command' ? `the '${command}' command` : denial === 'key' ? `the key '${object ?? '?'}'` : denial === 'channel' ? `the channel '${object ?? '?'}'` : 'this command';
  const decided = before && !before.allowed ? ` The deciding rule: ${before.decidedBy}.` : '';
  return {
    check,
    problem: {
      code: 'E602',
      name: 'NOPERM',
      kind: denial,
      summary: `User '${user}' may not use ${what} (${argv.join(' ')}).`,
      cause: `The user authenticated, but its ACL rules do not allow ${what}.${decided} Redis checks the command (or subcommand) first, then every key against the key patterns with the read/write access the command needs, then every Pub/Sub channel.`,
      evidence,
      fixes,
    },
  };
}

/** The command was refused for a reason other than ACL: a server state the caller maps, or its own error. */
function commandErrorProblem(ctx: TargetContext, argv: string[], serverText: string): Problem {
  return {
    code: 'UNKNOWN',
    name: 'COMMAND_ERROR',
    kind: 'command-rejected',
    summary: `The server rejected the command itself: ${serverText}`,
    cause: 'The command line is not valid for this server (unknown command, wrong number of arguments, or no such user) or the server refused it for a reason other than ACL permissions.',
    evidence: [`server replied: ${serverText}`],
    fixes: [{ text: 'Check the command name and arguments against this server version.', commands: [redisCli(ctx, `COMMAND DOCS ${quote(argv[0] ?? '')}`)] }],
  };
}

function quotedObject(text: string): string | undefined {
  return /access the '(.+)' (?:key|channel)/.exec(text)?.[1];
}
