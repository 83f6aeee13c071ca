/**
 * `diagnose(opts)`: connect the way the application would (same URL, credentials and TLS
 * settings), find the first thing that fails, and explain it. Steps: connect (TCP/TLS), AUTH,
 * PING, INFO, the given command (never sent unless read-only and allowlisted), ACL LOG.
 */
import { readFileSync } from 'node:fs';
import { InputError, UsageError } from '../errors.js';
import { visible } from '../text/index.js';
import { splitArgs } from '../config/index.js';
import {
  ConnectionError,
  connect,
  isRespError,
  parseTarget,
  resolveCredentials,
  type ConnectOptions,
  type RespConnection,
  type Target,
  type TlsVersion,
} from '../resp/index.js';
import { resolveVersionId, versionTable, type VersionId } from '../versions/index.js';
import { VERSION } from '../version.js';
import { authWithoutPasswordProblem, noAuthProblem, wrongPassProblem } from './auth.js';
import { readAclLog } from './acl-log-fixes.js';
import { parseAclLog } from './acl-log.js';
import { checkCommand } from './command-check.js';
import { refuseStateChangingCommand } from './command-refusal.js';
import { keySlot, parseClusterNodes, slotOwner } from './cluster.js';
import type { TargetContext } from './context.js';
import { certificateSummary, failureProblem, type ClientTls } from './failure.js';
import { sentinelProblem } from './network.js';
import { classifyReply } from './replies.js';
import type { Diagnosis, DiagnosisResultCode, Problem, Step } from './schema.js';
import { info, trackSelfDenials, tryCall, userState } from './session.js';
import { clusterProblem, loadingProblem, misconfProblem, readonlyProblem } from './state.js';

export interface DiagnoseOptions {
  /** redis://[user[:password]@]host[:port] or rediss://... */
  url: string;
  user?: string | undefined;
  passwordFile?: string | undefined;
  /** Environment for REDSEC_PASSWORD / REDISCLI_AUTH / REDSEC_ADMIN_PASSWORD (default process.env). */
  env?: NodeJS.ProcessEnv | undefined;
  /** TLS settings (file paths); TLS is used for rediss:// or when `tls.enabled`. */
  tls?: (Loose<ClientTls> & { enabled?: boolean | undefined; insecure?: boolean | undefined }) | undefined;
  /** The command the application fails on, e.g. "SET foo bar" (split like redis-cli) or argv. */
  command?: string | string[] | undefined;
  /** Optional admin credentials to read ACL GETUSER / ACL LIST / ACL LOG / DRYRUN. */
  adminUser?: string | undefined;
  adminPasswordFile?: string | undefined;
  /** Version hint for servers that refuse before saying which version they are. */
  redisVersion?: string | undefined;
  /** CONFIG's name where rename-command renamed it (audit's --config-command): used for CONFIG GET once verified. */
  configCommand?: string | undefined;
  connectTimeoutMs?: number | undefined;
  replyTimeoutMs?: number | undefined;
  /** ACL LOG entries to read (default 20). */
  aclLogCount?: number | undefined;
  now?: Date | undefined;
}

/** Optional fields that also accept an explicit undefined (as zod-parsed tool input has). */
type Loose<T> = { [K in keyof T]?: T[K] | undefined };

const DEFAULT_TIMEOUT = 5000;

export async function diagnose(opts: DiagnoseOptions): Promise<Diagnosis> {
  const target = parseTarget(opts.url);
  const env = opts.env ?? process.env;
  const argv = commandArgv(opts.command);
  const creds = resolveCredentials({
    ...(opts.user !== undefined ? { user: opts.user } : {}),
    ...(opts.passwordFile !== undefined ? { passwordFile: opts.passwordFile } : {}),
    env,
    target,
  });
  const user = creds.user ?? 'default';
  const useTls = target.tls || opts.tls?.enabled === true;
  const clientTls: ClientTls | undefined = useTls ? (stripUndefined({ ...opts.tls }) as ClientTls) : undefined;
  const timeoutMs = opts.connectTimeoutMs ?? DEFAULT_TIMEOUT;
  const ctx: TargetContext = {
    display: target.display,
    host: target.host,
    port: target.port,
    tls: useTls,
    ...(opts.tls?.ca !== undefined ? { caFile: opts.tls.ca } : {}),
    ...(opts.tls?.cert !== undefined && opts.tls?.key !== undefined ? { certFile: opts.tls.cert, keyFile: opts.tls.key } : {}),
    version: opts.redisVersion ?? null,
  };
  const steps: Step[] = [{ step: 'resolve', status: 'ok', detail: `target ${target.display}, user '${user}', password from ${creds.source === 'none' ? 'no source' : creds.source}` }];
  const d: Diagnosis = {
    schema_version: 1,
    tool: { name: 'redsec', version: VERSION },
    target: target.display,
    ok: false,
    code: 'UNKNOWN',
    problem: null,
    notes: [],
    steps,
    credentials: { user, source: creds.source, tried: triedSources(target, opts, env) },
    server: { version: null, mode: null, role: null },
    tls: null,
    command: null,
    aclLog: null,
  };
  const now = opts.now ?? new Date();
  const connectOpts: ConnectOptions = {
    ...(clientTls ? { tls: { ...clientTls, ...(opts.tls?.insecure ? { insecure: true } : {}) } } : {}),
    connectTimeoutMs: timeoutMs,
    replyTimeoutMs: opts.replyTimeoutMs ?? DEFAULT_TIMEOUT,
  };

  const admin = adminOpener(target, connectOpts, opts, env, d);
  let conn: RespConnection | null = null;
  const fail = (problem: Problem): Diagnosis => {
    d.problem = problem;
    d.code = problem.code;
    d.ok = false;
    return d;
  };
  const onConnectionError = async (e: unknown, step: Step['step']): Promise<Diagnosis> => {
    if (!(e instanceof ConnectionError)) throw e;
    const r = await failureProblem({ ctx, error: e, tls: clientTls, timeoutMs, now });
    if (r.tls) d.tls = r.tls;
    steps.push({ step: r.problem.code === 'E604' ? 'tls' : step, status: 'fail', detail: e.message });
    return fail(r.problem);
  };

  try {
    // 1. Connect, without AUTH: diagnose sends it itself to see the exact reply.
    try {
      conn = await connect(target, connectOpts);
    } catch (e) {
      return await onConnectionError(e, 'connect');
    }
    const tracked = trackSelfDenials(conn);
    conn = tracked.conn;
    steps.push({ step: 'connect', status: 'ok', detail: `${useTls ? 'TLS' : 'TCP'} connection to ${target.host}:${target.port}` });
    if (conn.tlsInfo) {
      const leaf = conn.tlsInfo.peerCertificates[0];
      d.tls = { protocol: conn.tlsInfo.protocol, cipher: conn.tlsInfo.cipher, certificate: leaf ? certificateSummary(leaf) : null };
      steps.push({ step: 'tls', status: 'ok', detail: `${conn.tlsInfo.protocol} ${conn.tlsInfo.cipher}, certificate ${conn.tlsInfo.authorized ? 'verified' : `NOT verified (${conn.tlsInfo.authorizationError ?? 'insecure'})`}` });
    }

    // 2. AUTH as the application would.
    try {
      if (creds.password !== undefined) {
        const reply = await conn.call(creds.user !== undefined ? ['AUTH', creds.user, creds.password] : ['AUTH', creds.password]);
        if (isRespError(reply)) {
          const kind = classifyReply(reply.message);
          steps.push({ step: 'auth', status: kind.kind === 'auth-without-password' ? 'ok' : 'fail', detail: reply.message });
          if (kind.kind === 'auth-without-password') {
            d.notes.push(authWithoutPasswordProblem(ctx, creds.source, reply.message));
          } else if (kind.kind === 'wrongpass') {
            const adminConn = await admin();
            const state = await userState(adminConn, user, creds.password);
            return fail(wrongPassProblem({ ctx, user, source: creds.source, replyText: reply.message, userState: state, logEvidence: await authLogEvidence(adminConn, user) }));
          } else {
            return fail(stateProblem(ctx, reply.message) ?? otherProblem('auth', reply.message));
          }
        } else {
          steps.push({ step: 'auth', status: 'ok', detail: `authenticated as '${user}'` });
        }
      }
      if (opts.configCommand !== undefined) {
        const cc = await conn.useConfigCommand(opts.configCommand);
        d.notes.push({
          code: 'OK',
          name: 'CONFIG_COMMAND',
          kind: cc.verified ? 'used' : 'not-used',
          summary: `--config-command ${visible(cc.name)}: ${cc.detail}`,
          cause: 'rename-command renamed CONFIG on this server; CONFIG GET is read under the given name only when COMMAND INFO shows it is CONFIG.',
          evidence: [cc.detail],
          fixes: [],
        });
      }
      if (creds.password === undefined) {
        steps.push({ step: 'auth', status: 'skipped', detail: 'no password in any credential source' });
      }

      // 3. PING: NOAUTH, LOADING, MISCONF show here.
      const ping = await conn.call(['PING']);
      if (isRespError(ping)) {
        const kind = classifyReply(ping.message);
        steps.push({ step: 'server', status: 'fail', detail: `PING: ${ping.message}` });
        if (kind.kind === 'noauth') {
          const state = await userState(await admin(), 'default');
          return fail(noAuthProblem({ ctx, tried: d.credentials.tried, defaultUser: state, replyText: ping.message }));
        }
        if (kind.kind === 'loading') {
          const i = await info(conn, ['persistence']);
          const pct = i?.get('loading_loaded_perc');
          return fail(loadingProblem(ctx, ping.message, pct ? `loading_loaded_perc:${pct}, loading_eta_seconds:${i?.get('loading_eta_seconds') ?? '?'}` : null));
        }
        if (kind.kind === 'misconf') {
          const i = (await info(conn, ['persistence'])) ?? (await info(await admin(), ['persistence']));
          return fail(misconfProblem(ctx, ping.message, i ? [`rdb_last_bgsave_status:${i.get('rdb_last_bgsave_status') ?? '?'}`] : []));
        }
        if (kind.kind !== 'noperm') return fail(stateProblem(ctx, ping.message) ?? otherProblem('server', ping.message));
      }

      // 4. What server is this?
      const i = (await info(conn, ['server', 'replication', 'cluster'])) ?? (await info(await admin(), ['server', 'replication', 'cluster']));
      const versionId = serverVersion(i, ctx, d);
      steps.push({ step: 'server', status: i ? 'ok' : 'unknown', detail: i ? `${i.get('server_name') ?? 'redis'} ${d.server.version ?? '?'} (${d.server.mode ?? '?'}, ${d.server.role ?? '?'})` : 'INFO not readable with these credentials' });
      if (d.server.mode === 'sentinel') {
        const s = await info(conn, ['sentinel']);
        const masters = [...(s?.entries() ?? [])]
          .filter(([k]) => /^master\d+$/.test(k))
          .map(([, v]) => ({ name: /name=([^,]+)/.exec(v)?.[1] ?? '?', address: /address=([^,]+)/.exec(v)?.[1] ?? '?' }));
        return fail(sentinelProblem(ctx, masters));
      }

      // 5. The given command.
      if (argv) {
        const state = await commandStateProblem(ctx, conn, i, argv, versionId);
        if (state) {
          steps.push({ step: 'command', status: 'fail', detail: state.summary });
          d.command = { argv, method: 'not-checked', allowed: false, detail: `${state.code}: refused by server state, not by ACL` };
          return fail(state);
        }
        const r = await checkCommand({ ctx, conn, admin, user, argv, versionId });
        d.command = r.check;
        steps.push({ step: 'command', status: r.check.allowed === null ? 'unknown' : r.check.allowed ? 'ok' : 'fail', detail: r.check.detail });
        if (r.problem) fail(stateProblem(ctx, r.problem.evidence[0]?.replace(/^server replied: /, '') ?? '') ?? r.problem);
        else if (r.check.allowed === null) {
          fail({
            code: 'UNKNOWN',
            name: 'NOT_VERIFIED',
            kind: 'not-verified',
            summary: `Connected and authenticated, but whether '${argv.join(' ')}' is allowed could not be verified.`,
            cause: r.check.detail,
            evidence: [],
            fixes: [{ text: 'Run diagnose again with admin credentials so ACL DRYRUN can answer without running the command.', commands: [`redsec diagnose ${target.display} --command ${JSON.stringify(argv.join(' '))} --admin-user ADMIN --admin-password-file ./admin.pw`] }],
          });
        }
      }

      // 6. Recent denials.
      d.aclLog = await readAclLog({ conn, admin, versionId, count: opts.aclLogCount ?? 20, self: { user, denials: tracked.denials } });
      steps.push({ step: 'acl-log', status: d.aclLog ? 'ok' : 'unknown', detail: d.aclLog ? `${d.aclLog.length} group(s) of recent denials` : 'ACL LOG not readable with these credentials' });
    } catch (e) {
      return await onConnectionError(e, 'server');
    }
    if (!d.problem) {
      d.ok = true;
      d.code = 'OK';
    }
    return d;
  } finally {
    conn?.close();
    await admin.close();
  }
}

function commandArgv(command: string | string[] | undefined): string[] | undefined {
  if (command === undefined) return undefined;
  const argv = Array.isArray(command) ? command : splitArgs(command);
  if (!argv) throw new InputError('unbalanced quotes', 'command');
  if (argv.length === 0) throw new UsageError('--command is empty');
  refuseStateChangingCommand(argv);
  return argv;
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([k, v]) => v !== undefined && k !== 'enabled' && k !== 'insecure')) as T;
}

/** Every credential source, in the order resolveCredentials reads them, with what each held (never the value). */
function triedSources(target: Target, opts: DiagnoseOptions, env: NodeJS.ProcessEnv): string[] {
  const has = (v: string | undefined) => (v !== undefined && v !== '' ? 'set' : 'not set');
  return [
    `URL password: ${target.password !== undefined ? 'given' : 'none'}`,
    `--password-file: ${opts.passwordFile !== undefined ? 'given' : 'not given'}`,
    `REDSEC_PASSWORD: ${has(env['REDSEC_PASSWORD'])}`,
    `REDISCLI_AUTH: ${has(env['REDISCLI_AUTH'])}`,
  ];
}

function serverVersion(i: Map<string, string> | null, ctx: TargetContext, d: Diagnosis): VersionId {
  if (i) {
    const valkey = i.get('valkey_version');
    d.server.version = valkey ? `valkey ${valkey}` : (i.get('redis_version') ?? null);
    d.server.mode = i.get('redis_mode') ?? i.get('server_mode') ?? null;
    d.server.role = i.get('role') ?? null;
    if (i.get('redis_version')) ctx.version = i.get('redis_version') ?? ctx.version;
    const id = valkey ? resolveVersionId(`valkey-${valkey}`) : resolveVersionId(i.get('redis_version') ?? '');
    if (id) return id;
  }
  return (ctx.version ? resolveVersionId(ctx.version) : undefined) ?? '7.0';
}

function stateProblem(ctx: TargetContext, text: string): Problem | null {
  const k = classifyReply(text);
  switch (k.kind) {
    case 'loading':
      return loadingProblem(ctx, text, null);
    case 'misconf':
      return misconfProblem(ctx, text, []);
    case 'moved':
    case 'ask':
      return clusterProblem(ctx, k.kind, text, k.slot);
    case 'clusterdown':
      return clusterProblem(ctx, 'clusterdown', text, null);
    default:
      return null;
  }
}

function otherProblem(step: string, text: string): Problem {
  return {
    code: 'UNKNOWN',
    name: 'UNEXPECTED_REPLY',
    kind: step,
    summary: `Unexpected reply at ${step}: ${text}`,
    cause: 'The server refused with an error redsec does not recognise.',
    evidence: [`server replied: ${text}`],
    fixes: [],
  };
}

/** Write to a replica, or a key another cluster node owns: found without sending the command. */
async function commandStateProblem(ctx: TargetContext, conn: RespConnection, i: Map<string, string> | null, argv: string[], versionId: VersionId): Promise<Problem | null> {
  const table = versionTable(versionId);
  const name = (argv[0] ?? '').toLowerCase();
  const cmd = table.commands.find((c) => c.name === name);
  if (!cmd || !i) return null;
  const role = i.get('role');
  if ((role === 'slave' || role === 'replica') && cmd.flags.includes('write')) {
    // A replica with replica-read-only no accepts writes (they are lost on resync, but not refused).
    const ro = await tryCall(conn, ['CONFIG', 'GET', 'replica-read-only']);
    if (Array.isArray(ro) && ro[1] === 'no') return null;
    const master = i.get('master_host') ? `${i.get('master_host')}:${i.get('master_port') ?? '?'}` : null;
    return readonlyProblem(ctx, [`INFO replication: role:${role}${master ? `, master ${master}` : ''}`, `'${name}' is a write command (flags: ${cmd.flags.join(', ')})`], master);
  }
  if (i.get('cluster_enabled') === '1' && cmd.firstKey > 0) {
    const key = argv[cmd.firstKey];
    const nodes = await tryCall(conn, ['CLUSTER', 'NODES']);
    if (key !== undefined && typeof nodes === 'string') {
      const slot = keySlot(key);
      const owner = slotOwner(parseClusterNodes(nodes), slot);
      if (!owner) return clusterProblem(ctx, 'clusterdown', `CLUSTERDOWN Hash slot not served (slot ${slot}, from CLUSTER NODES)`, slot);
      if (!owner.myself) return clusterProblem(ctx, 'moved', `MOVED ${slot} ${owner.address} (computed from CLUSTER NODES; the command was not sent)`, slot);
    }
  }
  return null;
}

async function authLogEvidence(conn: RespConnection | null, user: string): Promise<string | null> {
  const reply = await tryCall(conn, ['ACL', 'LOG', '10']);
  if (!Array.isArray(reply)) return null;
  const hit = parseAclLog(reply).find((e) => e.reason === 'auth' && e.username === user);
  return hit ? `ACL LOG: ${hit.count} failed auth attempt(s) for '${user}' in the newest entry (this diagnosis made one), last ${Math.round(hit.ageSeconds)}s ago` : null;
}

interface AdminOpener {
  (): Promise<RespConnection | null>;
  close(): Promise<void>;
}

/** Opens the admin connection once, on first use; failures become a note, never the diagnosis. */
function adminOpener(target: Target, base: ConnectOptions, opts: DiagnoseOptions, env: NodeJS.ProcessEnv, d: Diagnosis): AdminOpener {
  let pending: Promise<RespConnection | null> | undefined;
  const open = async (): Promise<RespConnection | null> => {
    if (opts.adminUser === undefined && opts.adminPasswordFile === undefined && !env['REDSEC_ADMIN_PASSWORD']) return null;
    let password: string | undefined;
    if (opts.adminPasswordFile !== undefined) {
      try {
        password = readFileSync(opts.adminPasswordFile, 'utf8').replace(/\r?\n$/, '');
      } catch (e) {
        throw new InputError(`cannot read admin password file (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`, opts.adminPasswordFile);
      }
    } else password = env['REDSEC_ADMIN_PASSWORD'];
    try {
      return await connect(target, {
        ...base,
        retries: 0,
        ...(password !== undefined ? { auth: { ...(opts.adminUser !== undefined ? { user: opts.adminUser } : {}), password } } : {}),
      });
    } catch (e) {
      d.notes.push({
        code: e instanceof ConnectionError ? ((e.code as DiagnosisResultCode) ?? 'UNKNOWN') : 'UNKNOWN',
        name: 'ADMIN_CONNECTION',
        kind: 'admin-failed',
        summary: 'The admin credentials did not work; details that need them are unknown.',
        cause: e instanceof Error ? e.message : String(e),
        evidence: [],
        fixes: [],
      });
      return null;
    }
  };
  const opener = (() => (pending ??= open())) as AdminOpener;
  opener.close = async () => {
    const c = await pending?.catch(() => null);
    c?.close();
  };
  return opener;
}
