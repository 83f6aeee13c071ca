/**
 * Password rotation for one ACL user, in phases, because clients move in between:
 *   begin   adds a new 256-bit password next to the old ones (Redis users may hold several),
 *           verifies it (AUTH on a fresh connection) and that every old hash is still there, persists.
 *   status  lists the user's connections, flagging those older than begin (old password for sure).
 *   finish  removes every other password by hash (`!<sha256>`: the plaintext of the old one is not
 *           known), verifies only the new hash is left and AUTH with the new password works, persists.
 * Every connection is a rotation connection: the RESP layer lets it send only the rotation write
 * allowlist for this user. Without `apply` each phase only reads (ACL GETUSER, CONFIG GET aclfile)
 * and returns the exact commands it would send, secrets masked.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { InputError, TargetError, UsageError } from '../errors.js';
import { generatePassword, passwordHash, type RandomBytes } from '../generate/secrets.js';
import { connect, parseTarget, RespError, type RespConnection, type RespReply, type Target, type TlsOptions } from '../resp/index.js';
import { visible } from '../text/visible.js';
import { readState, writeState, type RotationState } from './state.js';

/** A target's rotation state, read and replaced as a whole. */
export interface StateStore {
  read(): RotationState | undefined;
  write(state: RotationState): void;
}

function load(opts: RotateOptions): RotationState | undefined {
  if (opts.stateStore) return opts.stateStore.read();
  // A plan without a state file (MCP plan_rotation's begin): nothing recorded yet.
  return opts.statePath !== undefined ? readState(opts.statePath) : undefined;
}

function save(opts: RotateOptions, state: RotationState): void {
  if (opts.stateStore) opts.stateStore.write(state);
  else if (opts.statePath !== undefined) writeState(opts.statePath, state);
  // context() refuses --apply with neither, so a change is always recorded.
  else throw new UsageError('--apply needs --state FILE');
}

export type RotatePhase = 'begin' | 'status' | 'finish';

export interface RotateOptions {
  url: string;
  /** The ACL user whose password rotates. */
  user: string;
  adminUser?: string | undefined;
  adminPasswordFile?: string | undefined;
  /** The state file (hashes and times only); required to change anything, unless stateStore. */
  statePath?: string | undefined;
  /** Where this target's state lives when not alone in `statePath` (a fleet keeps one per node). */
  stateStore?: StateStore | undefined;
  /**
   * begin: the new password, chosen by the caller (a fleet uses one for every node and writes it
   * out itself); secretOut and printSecret are then not used.
   */
  secret?: string | undefined;
  /** begin: write the new password to this new file (0600, never over an existing one). */
  secretOut?: string | undefined;
  /** begin: hand the new password back in `secret` for the caller to print. */
  printSecret?: boolean | undefined;
  /** finish: the new password, to verify AUTH with it (begin's --secret-out file). */
  secretFile?: string | undefined;
  /** Change the server; without it a dry run. */
  apply?: boolean | undefined;
  /**
   * A plan that cannot write (MCP plan_rotation): the connection carries the audit's read-only
   * allowlist instead of the rotation's, so no code path can send a change; `apply` is refused.
   */
  readOnly?: boolean | undefined;
  /** false: do not persist (ACL SAVE / CONFIG REWRITE), say so instead. */
  persist?: boolean | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  /** TLS settings (TLS is used when the URL is rediss:// or this is given). */
  tls?: TlsOptions | undefined;
  timeoutMs?: number | undefined;
  random?: RandomBytes | undefined;
  now?: (() => Date) | undefined;
}

export type Persistence = 'acl-save' | 'config-rewrite';

export interface RotateCheck {
  name: string;
  /** true passed, false failed, null not run (dry run or skipped, with the reason in detail). */
  ok: boolean | null;
  detail: string;
}

export interface UserConnection {
  id: string;
  addr: string;
  age_s: number;
  idle_s: number;
  /** Connected before begin: it authenticated with an old password. */
  before_begin: boolean;
}

export interface RotateResult {
  phase: RotatePhase;
  target: string;
  user: string;
  applied: boolean;
  /** How the server persists users (CONFIG GET aclfile). */
  persistence: Persistence;
  /** The write commands sent (or, in a dry run, that would be sent), passwords masked. */
  commands: string[];
  checks: RotateCheck[];
  /** Every check that ran passed (a dry run: the reads worked). */
  ok: boolean;
  notes: string[];
  state?: RotationState | undefined;
  connections?: UserConnection[] | undefined;
  /** begin with printSecret only; never part of a rendered report. */
  secret?: string | undefined;
}

const ADMIN_ENV = 'REDSEC_ADMIN_PASSWORD';

function masked(args: readonly string[]): string {
  return args.map((a) => (a.startsWith('>') ? '>***' : /\s/.test(a) || a === '' ? JSON.stringify(a) : a)).join(' ');
}

/** A secret file of one non-empty line (the trailing newline dropped), or an InputError naming it. */
export function readSecretFile(path: string, what: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read ${what} (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`, path);
  }
  const value = text.replace(/\r?\n$/, '');
  if (value === '' || /[\r\n]/.test(value)) throw new InputError(`${what} must hold one non-empty line`, path);
  return value;
}

interface Ctx {
  target: Target;
  opts: RotateOptions;
  adminAuth: { user?: string; password: string } | undefined;
  timeoutMs: number;
}

function context(opts: RotateOptions): Ctx {
  if (opts.user === '' || /[\s\x00-\x1f\x7f]/.test(opts.user)) throw new UsageError('--user must be an ACL user name without spaces or control characters');
  if (opts.apply && opts.readOnly) throw new UsageError('a read-only plan cannot --apply');
  if (opts.apply && opts.statePath === undefined && !opts.stateStore) throw new UsageError('--apply needs --state FILE');
  const target = parseTarget(opts.url);
  const env = opts.env ?? process.env;
  const adminUser = opts.adminUser ?? target.user;
  let password: string | undefined;
  if (opts.adminPasswordFile !== undefined) password = readSecretFile(opts.adminPasswordFile, 'admin password file');
  else if (env[ADMIN_ENV]) password = env[ADMIN_ENV];
  else password = target.password;
  const adminAuth = password !== undefined ? { ...(adminUser !== undefined ? { user: adminUser } : {}), password } : undefined;
  return { target, opts, adminAuth, timeoutMs: opts.timeoutMs ?? 5000 };
}

/**
 * The user whose rotation allowlist the admin connection carries, or undefined for the audit's
 * read-only allowlist: a plan or a dry run reads (ACL GETUSER, CONFIG GET, CLIENT LIST) and nothing
 * else can leave, whatever the code path. Only --apply may write.
 */
export function writableFor(opts: Pick<RotateOptions, 'apply' | 'readOnly' | 'user'>): string | undefined {
  return opts.readOnly || opts.apply !== true ? undefined : opts.user;
}

async function adminConnection(ctx: Ctx): Promise<RespConnection> {
  return connect(ctx.target, {
    ...(ctx.adminAuth ? { auth: ctx.adminAuth } : {}),
    ...(ctx.opts.tls ? { tls: ctx.opts.tls } : {}),
    rotationUser: writableFor(ctx.opts),
    connectTimeoutMs: ctx.timeoutMs,
    replyTimeoutMs: ctx.timeoutMs,
    retries: 0,
  });
}

/** AUTH user password on a fresh connection: 'ok', or the server's refusal (its text, secrets masked). */
async function authWorks(ctx: Ctx, password: string): Promise<{ ok: boolean; detail: string }> {
  try {
    const conn = await connect(ctx.target, { auth: { user: ctx.opts.user, password }, ...(ctx.opts.tls ? { tls: ctx.opts.tls } : {}), rotationUser: ctx.opts.user, connectTimeoutMs: ctx.timeoutMs, replyTimeoutMs: ctx.timeoutMs, retries: 0 });
    conn.close();
    return { ok: true, detail: `AUTH ${ctx.opts.user} *** on a fresh connection: OK` };
  } catch (e) {
    if (e instanceof TargetError && (e.code === 'E603' || e.code === 'E601')) return { ok: false, detail: `AUTH ${ctx.opts.user} *** on a fresh connection: ${visible(e.message)}` };
    throw e;
  }
}

function failIfError(reply: RespReply, what: string, display: string): void {
  if (reply instanceof RespError) throw new TargetError('PROTOCOL', `${what} failed: ${visible(reply.message.slice(0, 200))}`, display);
}

/** The user's password hashes (ACL GETUSER ... passwords); TargetError when the user does not exist. */
async function passwordHashes(conn: RespConnection, ctx: Ctx): Promise<string[]> {
  const reply = await conn.call(['ACL', 'GETUSER', ctx.opts.user]);
  failIfError(reply, 'ACL GETUSER', ctx.target.display);
  if (reply === null) throw new TargetError('PROTOCOL', `ACL user '${visible(ctx.opts.user)}' does not exist on the server`, ctx.target.display);
  const pairs: RespReply[] = reply instanceof Map ? [...reply].flat() : Array.isArray(reply) ? reply : [];
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    if (pairs[i] === 'passwords') {
      const list = pairs[i + 1];
      if (!Array.isArray(list)) break;
      return list.filter((h): h is string => typeof h === 'string' && /^[0-9a-f]{64}$/.test(h));
    }
  }
  throw new TargetError('PROTOCOL', 'ACL GETUSER did not list the user\'s passwords', ctx.target.display);
}

async function persistenceOf(conn: RespConnection, ctx: Ctx): Promise<Persistence> {
  const reply = await conn.call(['CONFIG', 'GET', 'aclfile']);
  failIfError(reply, 'CONFIG GET aclfile', ctx.target.display);
  const values: RespReply[] = reply instanceof Map ? [...reply.values()] : Array.isArray(reply) ? reply.slice(1) : [];
  return typeof values[0] === 'string' && values[0] !== '' ? 'acl-save' : 'config-rewrite';
}

function persistCommand(p: Persistence): string[] {
  return p === 'acl-save' ? ['ACL', 'SAVE'] : ['CONFIG', 'REWRITE'];
}

/** Runs the persistence command; a refusal is a target failure with Redis's reason, unless --no-persist. */
async function persist(conn: RespConnection, ctx: Ctx, p: Persistence, commands: string[], checks: RotateCheck[], notes: string[]): Promise<void> {
  const cmd = persistCommand(p);
  if (ctx.opts.persist === false) {
    notes.push(`--no-persist: ${cmd.join(' ')} not sent; a restart brings back the users as last saved`);
    return;
  }
  commands.push(cmd.join(' '));
  if (!ctx.opts.apply) return;
  const reply = await conn.call(cmd);
  if (reply instanceof RespError) {
    throw new TargetError('PROTOCOL', `${cmd.join(' ')} failed, the change is not persisted (fix it or pass --no-persist): ${visible(reply.message.slice(0, 200))}`, ctx.target.display);
  }
  checks.push({ name: 'persisted', ok: true, detail: `${cmd.join(' ')}: OK` });
}

/**
 * requirepass is the default user's password, and CONFIG REWRITE keeps a `requirepass` line while
 * adding `user default ...`: on restart the user line is applied last and wins, yet the file (and
 * CONFIG GET requirepass) still shows the old plaintext. redsec cannot read requirepass (it would
 * be reading a secret), so it says so whenever this can apply.
 */
function requirepassNote(ctx: Ctx, persistence: Persistence, notes: string[]): void {
  if (ctx.opts.user !== 'default' || persistence !== 'config-rewrite') return;
  notes.push("user 'default': if redis.conf has a requirepass line it still holds the old password in plain text after CONFIG REWRITE; the `user default` line Redis writes overrides it on restart, but delete the requirepass line");
}

function check(checks: RotateCheck[], name: string, ok: boolean | null, detail: string): void {
  checks.push({ name, ok, detail });
}

function result(ctx: Ctx, phase: RotatePhase, persistence: Persistence, commands: string[], checks: RotateCheck[], notes: string[], extra: Partial<RotateResult> = {}): RotateResult {
  if (phase !== 'status') requirepassNote(ctx, persistence, notes);
  return {
    phase,
    target: ctx.target.display,
    user: ctx.opts.user,
    applied: ctx.opts.apply === true,
    persistence,
    commands,
    checks,
    ok: checks.every((c) => c.ok !== false),
    notes,
    ...extra,
  };
}

function stateFor(ctx: Ctx): RotationState | undefined {
  const state = load(ctx.opts);
  if (state && (state.target !== ctx.target.display || state.user !== ctx.opts.user)) {
    throw new UsageError(`${ctx.opts.statePath}: this state file belongs to user '${visible(state.user)}' on ${visible(state.target)}, not '${visible(ctx.opts.user)}' on ${ctx.target.display}`);
  }
  return state;
}

/** The secret written where the operator said: a new file (O_EXCL), mode 0600. */
function writeSecretOut(path: string, secret: string): void {
  try {
    writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new InputError(code === 'EEXIST' ? 'already exists: redsec never overwrites a secret file (move it away or choose another)' : `cannot create secret file (${code})`, path);
  }
}

/** The new password begin would use: resumed from --secret-out after a crash, or fresh. */
function resumable(ctx: Ctx, state: RotationState | undefined): string | undefined {
  if (state?.phase !== 'pending' || ctx.opts.secretOut === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(ctx.opts.secretOut, 'utf8').replace(/\r?\n$/, '');
  } catch {
    return undefined;
  }
  return passwordHash(text) === state.new_hash ? text : undefined;
}

export async function beginRotation(opts: RotateOptions): Promise<RotateResult> {
  const ctx = context(opts);
  const given = opts.secret;
  if (given === undefined && opts.apply && opts.secretOut === undefined && !opts.printSecret) throw new UsageError('begin --apply needs --secret-out FILE or --print-secret: the new password must go somewhere');
  if (opts.secretOut !== undefined && opts.printSecret) throw new UsageError('--secret-out and --print-secret exclude each other');
  let state = stateFor(ctx);
  if (given !== undefined && state?.phase === 'begun' && state.new_hash !== passwordHash(given)) {
    throw new UsageError(`${opts.statePath}: ${ctx.target.display} was begun with another new password than this run's`);
  }
  const commands: string[] = [];
  const checks: RotateCheck[] = [];
  const notes: string[] = [];
  const conn = await adminConnection(ctx);
  try {
    const persistence = await persistenceOf(conn, ctx);
    let current = await passwordHashes(conn, ctx);
    if (state?.phase === 'begun' && current.includes(state.new_hash)) {
      // Already begun: nothing to change, only re-verify that old and new are still both there.
      const missing = state.old_hashes.filter((h) => !current.includes(h));
      check(checks, 'old passwords still valid', missing.length === 0, missing.length === 0 ? `all ${state.old_hashes.length} old password hash(es) still on the user` : `${missing.length} old password hash(es) are gone`);
      notes.push(`already begun at ${state.began_at}: nothing sent; move the clients, then run finish`);
      return result(ctx, 'begin', persistence, commands, checks, notes, { state });
    }
    let secret = given !== undefined ? (state?.phase === 'pending' && state.new_hash !== passwordHash(given) ? undefined : given) : resumable(ctx, state);
    // A pending begin whose secret nobody holds (crash before it was handed out): its hash is removed.
    const orphan = state?.phase === 'pending' && secret === undefined && current.includes(state.new_hash) ? state.new_hash : undefined;
    if (orphan !== undefined) {
      const cmd = ['ACL', 'SETUSER', ctx.opts.user, `!${orphan}`];
      commands.push(masked(cmd));
      notes.push('an interrupted begin left a password nobody holds: it is removed and a new one made');
      if (opts.apply) {
        failIfError(await conn.call(cmd), 'ACL SETUSER (remove orphan)', ctx.target.display);
        current = current.filter((h) => h !== orphan);
      }
    }
    if (current.length === 0) throw new TargetError('PROTOCOL', `user '${visible(ctx.opts.user)}' has no password (nopass or none): nothing to rotate from; set one first`, ctx.target.display);
    const resumed = secret !== undefined;
    const setuser = ['ACL', 'SETUSER', ctx.opts.user, '>***'];
    if (!opts.apply) {
      if (opts.persist !== false) {
        commands.push(persistCommand(persistence).join(' '));
        notes.push(`the first ${persistCommand(persistence).join(' ')} runs before any change: when it fails, begin stops with nothing changed`);
      }
      commands.push(masked(setuser));
      commands.push(`(fresh connection) AUTH ${ctx.opts.user} ***`);
      check(checks, 'new password works', null, 'dry run: AUTH with the new password on a fresh connection');
      check(checks, 'old passwords still valid', null, `dry run: ACL GETUSER ${ctx.opts.user} still lists the ${current.length} current hash(es)`);
      await persist(conn, ctx, persistence, commands, checks, notes);
      return result(ctx, 'begin', persistence, commands, checks, notes);
    }
    // Checked before anything is sent; the exclusive create below still guards the race.
    if (given === undefined && !resumed && opts.secretOut !== undefined && existsSync(opts.secretOut)) {
      throw new InputError('already exists: redsec never overwrites a secret file (move it away or choose another)', opts.secretOut);
    }
    // Refuse before any change when the server cannot persist (no config file, unwritable aclfile ...):
    // saving the unchanged users first is harmless and proves the path works.
    if (opts.persist !== false) {
      const cmd = persistCommand(persistence);
      commands.push(cmd.join(' '));
      const r = await conn.call(cmd);
      if (r instanceof RespError) throw new TargetError('PROTOCOL', `${cmd.join(' ')} fails, so a rotation could not be persisted; nothing was changed (fix it, or pass --no-persist): ${visible(r.message.slice(0, 200))}`, ctx.target.display);
    }
    secret ??= given ?? generatePassword(opts.random);
    const newHash = passwordHash(secret);
    const oldHashes = current.filter((h) => h !== newHash);
    // A resumed begin keeps its first time: the password may have reached the server back then.
    const beganAt = resumed && state ? state.began_at : (opts.now?.() ?? new Date()).toISOString();
    state = { version: 1, target: ctx.target.display, user: ctx.opts.user, phase: 'pending', new_hash: newHash, old_hashes: oldHashes, began_at: beganAt };
    // Durable before the server knows the password: a crash from here on can be resumed.
    save(opts, state);
    if (given === undefined && opts.secretOut !== undefined && !resumed) writeSecretOut(opts.secretOut, secret);
    if (!current.includes(newHash)) {
      const cmd = ['ACL', 'SETUSER', ctx.opts.user, `>${secret}`];
      commands.push(masked(cmd));
      failIfError(await conn.call(cmd), 'ACL SETUSER', ctx.target.display);
    }
    const auth = await authWorks(ctx, secret);
    commands.push(`(fresh connection) AUTH ${ctx.opts.user} ***`);
    check(checks, 'new password works', auth.ok, auth.detail);
    const after = await passwordHashes(conn, ctx);
    const missing = oldHashes.filter((h) => !after.includes(h));
    check(checks, 'old passwords still valid', missing.length === 0, missing.length === 0 ? `ACL GETUSER ${ctx.opts.user}: all ${oldHashes.length} old hash(es) and the new one are present` : `${missing.length} old hash(es) are gone`);
    if (!after.includes(newHash)) check(checks, 'new hash present', false, 'ACL GETUSER does not list the new password\'s hash');
    if (checks.some((c) => c.ok === false)) return result(ctx, 'begin', persistence, commands, checks, notes, { state });
    await persist(conn, ctx, persistence, commands, checks, notes);
    state = { ...state, phase: 'begun' };
    save(opts, state);
    if (resumed && given === undefined) notes.push('resumed an interrupted begin with the password already in --secret-out');
    return result(ctx, 'begin', persistence, commands, checks, notes, { state, ...(opts.printSecret && given === undefined ? { secret } : {}) });
  } finally {
    conn.close();
  }
}

/** `id=5 addr=127.0.0.1:5555 ... age=3 idle=0 ... user=app ...` lines. */
export function parseUserConnections(text: string, user: string): { id: string; addr: string; age_s: number; idle_s: number }[] {
  const out: { id: string; addr: string; age_s: number; idle_s: number }[] = [];
  for (const line of text.split('\n').slice(0, 100_000)) {
    const fields = new Map<string, string>();
    for (const part of line.trim().split(' ')) {
      const eq = part.indexOf('=');
      if (eq > 0) fields.set(part.slice(0, eq), part.slice(eq + 1));
    }
    if (fields.get('user') !== user) continue;
    out.push({ id: fields.get('id') ?? '?', addr: visible(fields.get('addr') ?? '?'), age_s: Number(fields.get('age') ?? NaN), idle_s: Number(fields.get('idle') ?? NaN) });
  }
  return out;
}

export async function rotationStatus(opts: RotateOptions): Promise<RotateResult> {
  const ctx = context(opts);
  const state = stateFor(ctx);
  const checks: RotateCheck[] = [];
  const notes: string[] = [];
  const conn = await adminConnection(ctx);
  try {
    const persistence = await persistenceOf(conn, ctx);
    const current = await passwordHashes(conn, ctx);
    const reply = await conn.call(['CLIENT', 'LIST', 'TYPE', 'normal']);
    failIfError(reply, 'CLIENT LIST', ctx.target.display);
    const now = (opts.now?.() ?? new Date()).getTime();
    const elapsed = state ? (now - Date.parse(state.began_at)) / 1000 : undefined;
    // CLIENT LIST's age is the difference of two times truncated to whole seconds (now and the
    // connection's creation), so it overstates the true age by up to 1 s: only `age > elapsed + 1`
    // proves a connection older than begin (a connection made 0.2 s after begin can show age=1).
    const connections = parseUserConnections(typeof reply === 'string' ? reply : '', ctx.opts.user).map((c) => ({ ...c, before_begin: elapsed !== undefined && c.age_s > elapsed + 1 }));
    if (!state) notes.push('no rotation state: no begin recorded, so no connection can be dated against it');
    else {
      notes.push(`phase ${state.phase}, begun ${state.began_at}`);
      check(checks, 'new password hash present', current.includes(state.new_hash), current.includes(state.new_hash) ? 'the new hash is on the user' : 'the new hash is NOT on the user');
      const remaining = current.filter((h) => h !== state.new_hash).length;
      notes.push(`${remaining} other password hash(es) on the user`);
      notes.push('connections opened after begin may use either password: Redis does not say which one a client authenticated with');
    }
    return result(ctx, 'status', persistence, [], checks, notes, { state, connections });
  } finally {
    conn.close();
  }
}

export async function finishRotation(opts: RotateOptions): Promise<RotateResult> {
  const ctx = context(opts);
  const state = stateFor(ctx);
  if (!state || state.phase === 'pending') throw new UsageError(`${opts.statePath ?? 'no state file given'}: no completed begin recorded (run begin first)`);
  const secret = opts.secretFile !== undefined ? readSecretFile(opts.secretFile, 'secret file') : undefined;
  if (opts.apply && secret === undefined) throw new UsageError('finish --apply needs --secret-file FILE (the new password) to verify it still authenticates');
  if (secret !== undefined && passwordHash(secret) !== state.new_hash) throw new UsageError(`${opts.secretFile}: this is not the password begin set (its hash differs from the state file)`);
  const commands: string[] = [];
  const checks: RotateCheck[] = [];
  const notes: string[] = [];
  const conn = await adminConnection(ctx);
  try {
    const persistence = await persistenceOf(conn, ctx);
    const current = await passwordHashes(conn, ctx);
    if (!current.includes(state.new_hash)) {
      check(checks, 'new password hash present', false, 'the new password is not on the user: refusing to remove the others (that would lock clients out)');
      return result(ctx, 'finish', persistence, commands, checks, notes, { state });
    }
    const old = current.filter((h) => h !== state.new_hash);
    if (old.length > 0) {
      const cmd = ['ACL', 'SETUSER', ctx.opts.user, ...old.map((h) => `!${h}`)];
      commands.push(masked(cmd));
      if (opts.apply) failIfError(await conn.call(cmd), 'ACL SETUSER', ctx.target.display);
    } else notes.push('no old password left on the user: nothing to remove');
    if (!opts.apply) {
      check(checks, 'only the new password left', null, `dry run: ACL GETUSER ${ctx.opts.user} then lists only the new hash`);
      commands.push(`(fresh connection) AUTH ${ctx.opts.user} ***`);
      check(checks, 'new password works', null, 'dry run: AUTH with the new password on a fresh connection');
      await persist(conn, ctx, persistence, commands, checks, notes);
      return result(ctx, 'finish', persistence, commands, checks, notes, { state });
    }
    const after = await passwordHashes(conn, ctx);
    const only = after.length === 1 && after[0] === state.new_hash;
    check(checks, 'only the new password left', only, only ? `ACL GETUSER ${ctx.opts.user}: only the new hash remains` : `ACL GETUSER lists ${after.length} hash(es)`);
    const auth = await authWorks(ctx, secret as string);
    commands.push(`(fresh connection) AUTH ${ctx.opts.user} ***`);
    check(checks, 'new password works', auth.ok, auth.detail);
    if (checks.some((c) => c.ok === false)) return result(ctx, 'finish', persistence, commands, checks, notes, { state });
    await persist(conn, ctx, persistence, commands, checks, notes);
    const done: RotationState = { ...state, phase: 'finished', finished_at: state.finished_at ?? (opts.now?.() ?? new Date()).toISOString() };
    save(opts, done);
    return result(ctx, 'finish', persistence, commands, checks, notes, { state: done });
  } finally {
    conn.close();
  }
}


/**
 * The checks finish makes before it removes anything, alone and read-only: the new hash is on the
 * user and `secret` authenticates on a fresh connection. A fleet runs this on every node first, so
 * one failing node stops the rotation before any old password goes.
 */
export async function verifyBegun(opts: RotateOptions, secret: string): Promise<RotateCheck[]> {
  const ctx = context(opts);
  const state = stateFor(ctx);
  const checks: RotateCheck[] = [];
  if (!state || state.phase === 'pending') {
    check(checks, 'begun', false, 'no completed begin recorded on this target');
    return checks;
  }
  const conn = await adminConnection(ctx);
  try {
    const present = (await passwordHashes(conn, ctx)).includes(state.new_hash);
    check(checks, 'new password hash present', present, present ? 'the new hash is on the user' : 'the new password is not on the user');
  } finally {
    conn.close();
  }
  const auth = await authWorks(ctx, secret);
  check(checks, 'new password works', auth.ok, auth.detail);
  return checks;
}

/**
 * The admin credentials these options give for `url` (--admin-user / --admin-password-file,
 * REDSEC_ADMIN_PASSWORD, else the URL's own): a fleet uses them for its replicas too.
 */
export function adminCredentials(opts: RotateOptions, url: string): { user?: string; password: string } | undefined {
  return context({ ...opts, url }).adminAuth;
}
