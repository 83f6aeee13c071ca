/**
 * CA rotation with an overlap period, in phases, because clients move their trust in between:
 *   begin   makes a new CA (beside the old one, key 0600) and a CA file holding the server's current
 *           CAs plus the new one; CONFIG SET tls-ca-cert-file to it: the server now accepts client
 *           and replica certificates from either CA and still serves its old-CA certificate.
 *   (operators give every client the new CA, best the overlap file: trusting both)
 *   switch  issues a server certificate from the new CA (same names and key type as the served one),
 *           CONFIG SET tls-cert-file/tls-key-file: clients trusting the new CA (or both) connect,
 *           clients trusting only the old CA are refused from here on.
 *   (operators re-issue client certificates from the new CA)
 *   finish  CONFIG SET tls-ca-cert-file to the CA file without the old CA: old-CA client
 *           certificates are refused from here on.
 *   status  read-only: what the server trusts and serves, and the client matrix.
 * After every change, fresh real TLS clients trusting the old CA, the new CA and both, and clients
 * presenting certificates from each CA, must behave exactly as the server's state implies. Each
 * phase persists with CONFIG REWRITE and records itself in a state file (paths and fingerprints,
 * never a key), so a crashed phase re-runs to the same end. Without `apply` nothing is written.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { createAuthority, issueClientCertificate, loadAuthority, type Authority } from '../certs/authority.js';
import { keyAlgorithmOf, lifetimeDays, parseCertificates, renewCertificate, verifyChain } from '../certs/index.js';
import type { KeyAlgorithm } from '../certs/types.js';
import { InputError, TargetError, UsageError } from '../errors.js';
import { connect, ConnectionError, parseTarget, RespError, type RespConnection, type RespReply, type Target, type TlsOptions } from '../resp/index.js';
import { visible } from '../text/visible.js';
import { caFingerprints, finalCaFile, fingerprintOf, overlapCaFile } from './ca-bundle.js';
import { readCaState, writeCaState, type CaRotationPhase, type CaRotationState } from './ca-state.js';
import { trustMatrix, type CaName, type KeyPair, type ServerFacts, type TrustProbe } from './ca-trust.js';
import { readText, writeOnce } from './files.js';
import { pathBeside, removeFiles, rotationStamp } from './tls-files.js';
import { clusterLinks, describeLinks, droppedLinks, replicationLinks, type LinkState } from './tls-links.js';
import type { RotateCheck } from './password.js';

export type CaPhase = 'begin' | 'switch' | 'finish' | 'status';

export interface CaRotateOptions {
  url: string;
  /** A bundle `redsec generate` wrote: its tls/ca.crt (and tls/ca.key) is the old CA. */
  bundle?: string | undefined;
  /** Or the old CA's certificate (and, optionally, key) directly. */
  caCert?: string | undefined;
  /** Only to issue test client certificates from the old CA for the verification. */
  caKey?: string | undefined;
  statePath: string;
  apply?: boolean | undefined;
  /** false: no CONFIG REWRITE (the change is lost on restart), said in a note. */
  persist?: boolean | undefined;
  /** The new CA's key algorithm (default: the old CA's). */
  keyAlgorithm?: KeyAlgorithm | undefined;
  /** The new CA's validity (default: the old CA's lifetime). */
  caDays?: number | undefined;
  /** The new server certificate's validity (default: the served certificate's lifetime). */
  certDays?: number | undefined;
  adminUser?: string | undefined;
  adminPasswordFile?: string | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  tls?: TlsOptions | undefined;
  timeoutMs?: number | undefined;
  now?: (() => Date) | undefined;
}

export interface CaFileWrite {
  path: string;
  mode: string;
  what: string;
}

export interface CaRotateResult {
  phase: CaPhase;
  target: string;
  applied: boolean;
  /** The rotation's phase after this run (from the state file), or none. */
  rotation?: CaRotationPhase | undefined;
  /** What the server trusts and serves, as observed (status and after each change). */
  server?: { serves: CaName | 'other'; trusts_old: boolean; trusts_new: boolean; ca_file: string; cert_file: string } | undefined;
  commands: string[];
  files: CaFileWrite[];
  checks: RotateCheck[];
  ok: boolean;
  notes: string[];
  state?: CaRotationState | undefined;
}

const ADMIN_ENV = 'REDSEC_ADMIN_PASSWORD';
const DAY_MS = 86_400_000;

interface OldCa {
  pem: string;
  cert: X509Certificate;
  fingerprint: string;
  dir: string;
  certPath: string;
  keyPath: string | undefined;
}

interface Ctx {
  opts: CaRotateOptions;
  target: Target;
  adminAuth: { user?: string; password: string } | undefined;
  tls: TlsOptions;
  timeoutMs: number;
  probe: TrustProbe;
  now: () => Date;
}

interface ServerTls {
  dir: string;
  caFile: string;
  caDir: string;
  certFile: string;
  keyFile: string;
  authClients: 'yes' | 'no' | 'optional';
  replication: boolean;
  cluster: boolean;
}

/**
 * `/etc/redis/tls/ca.crt` → `/etc/redis/tls/ca.<id>.overlap.crt` (or `.final`), an earlier rotation's
 * stamp and role dropped first, so CA files do not grow longer with each rotation.
 */
function caFileBeside(current: string, id: string, role: 'overlap' | 'final'): string {
  const ext = extname(current);
  const stem = basename(current, ext).replace(/\.\d{8}T\d{6}Z(?:-\d{1,3})?(?:\.(?:overlap|final))?$/, '');
  return join(dirname(current), `${stem}.${id}.${role}${ext}`);
}

function readSecretFile(path: string): string {
  const value = readText(path, 'admin password file').replace(/\r?\n$/, '');
  if (value === '' || /[\r\n]/.test(value)) throw new InputError('admin password file must hold one non-empty line', path);
  return value;
}

function context(opts: CaRotateOptions): Ctx {
  const target = parseTarget(opts.url);
  if (!target.tls && opts.tls === undefined) throw new UsageError('CA rotation talks TLS to the server: use a rediss:// URL (or --tls) for its TLS port');
  const env = opts.env ?? process.env;
  const adminUser = opts.adminUser ?? target.user;
  const password = opts.adminPasswordFile !== undefined ? readSecretFile(opts.adminPasswordFile) : env[ADMIN_ENV] ? env[ADMIN_ENV] : target.password;
  const adminAuth = password !== undefined ? { ...(adminUser !== undefined ? { user: adminUser } : {}), password } : undefined;
  const timeoutMs = opts.timeoutMs ?? 5000;
  const tls = opts.tls ?? {};
  return { opts, target, adminAuth, tls, timeoutMs, probe: { target, servername: tls.servername, timeoutMs }, now: opts.now ?? (() => new Date()) };
}

function oldCaOf(opts: CaRotateOptions): OldCa {
  if (opts.bundle !== undefined && opts.caCert !== undefined) throw new UsageError('--bundle and --ca-cert exclude each other');
  if (opts.bundle === undefined && opts.caCert === undefined) throw new UsageError('name the CA being retired: --bundle DIR (a redsec generate bundle) or --ca-cert FILE');
  const certPath = resolve(opts.bundle !== undefined ? join(opts.bundle, 'tls', 'ca.crt') : (opts.caCert as string));
  const keyPath = opts.caKey !== undefined ? resolve(opts.caKey) : opts.bundle !== undefined ? resolve(opts.bundle, 'tls', 'ca.key') : undefined;
  const pem = readText(certPath, 'CA certificate');
  const certs = parseCertificates(pem, certPath);
  const cert = certs[0];
  if (!cert || certs.length !== 1) throw new InputError('must hold exactly one CA certificate (the CA being retired)', certPath);
  if (!cert.ca) throw new InputError('is not a CA certificate', certPath);
  return { pem: cert.toString(), cert, fingerprint: fingerprintOf(cert), dir: dirname(certPath), certPath, keyPath };
}

/** The old CA's signing half, for test client certificates; undefined when its key is not at hand (a bundle whose key was moved offline). */
async function oldAuthority(old: OldCa, explicit: boolean): Promise<Authority | undefined> {
  if (old.keyPath === undefined) return undefined;
  let keyPem: string;
  try {
    keyPem = readText(old.keyPath, 'CA key');
  } catch (e) {
    if (explicit) throw e;
    return undefined;
  }
  return loadAuthority(old.pem, keyPem, { cert: old.certPath, key: old.keyPath });
}

async function adminConnection(ctx: Ctx, write: boolean): Promise<RespConnection> {
  return connect(ctx.target, {
    ...(ctx.adminAuth ? { auth: ctx.adminAuth } : {}),
    tls: ctx.tls,
    // begin/switch/finish: the audit's reads plus CONFIG SET of TLS file paths and CONFIG REWRITE.
    ...(write ? { tlsRotation: true } : {}),
    connectTimeoutMs: ctx.timeoutMs,
    replyTimeoutMs: ctx.timeoutMs,
    retries: 0,
  });
}

function fail(reply: RespReply, what: string, ctx: Ctx): void {
  if (reply instanceof RespError) throw new TargetError('PROTOCOL', `${what} failed: ${visible(reply.message.slice(0, 200))}`, ctx.target.display);
}

async function configGet(conn: RespConnection, ctx: Ctx, name: string): Promise<string> {
  const reply = await conn.call(['CONFIG', 'GET', name]);
  fail(reply, `CONFIG GET ${name}`, ctx);
  const values: RespReply[] = reply instanceof Map ? [...reply.values()] : Array.isArray(reply) ? reply.slice(1) : [];
  return typeof values[0] === 'string' ? values[0] : '';
}

async function serverTls(conn: RespConnection, ctx: Ctx): Promise<ServerTls> {
  const get = (n: string) => configGet(conn, ctx, n);
  const dir = await get('dir');
  // Redis opens a relative TLS path after its chdir to `dir`.
  const abs = (p: string): string => (p === '' || isAbsolute(p) ? p : join(dir, p));
  const auth = (await get('tls-auth-clients')).toLowerCase();
  return {
    dir,
    caFile: abs(await get('tls-ca-cert-file')),
    caDir: await get('tls-ca-cert-dir'),
    certFile: abs(await get('tls-cert-file')),
    keyFile: abs(await get('tls-key-file')),
    authClients: auth === 'no' ? 'no' : auth === 'optional' ? 'optional' : 'yes',
    replication: (await get('tls-replication')) === 'yes',
    cluster: (await get('tls-cluster')) === 'yes',
  };
}

/** The certificate the server serves now, on a fresh connection (chain not judged here). */
async function servedLeaf(ctx: Ctx, clientCert: KeyPair | undefined): Promise<X509Certificate> {
  const tls: TlsOptions = { insecure: true, ...(clientCert ? { cert: clientCert.cert, key: clientCert.key } : {}), ...(ctx.tls.servername !== undefined ? { servername: ctx.tls.servername } : {}) };
  try {
    const conn = await connect(ctx.target, { tls, retries: 0, connectTimeoutMs: ctx.timeoutMs, replyTimeoutMs: ctx.timeoutMs });
    const der = conn.tlsInfo?.peerCertificates[0];
    conn.close();
    if (!der) throw new TargetError('PROTOCOL', 'the server sent no certificate', ctx.target.display);
    return new X509Certificate(der);
  } catch (e) {
    if (e instanceof ConnectionError) throw new TargetError(e.code, `cannot read the served certificate: ${e.message}`, ctx.target.display);
    throw e;
  }
}

function issuerOf(leaf: X509Certificate, old: X509Certificate, fresh: X509Certificate | undefined, now: Date): CaName | 'other' {
  if (verifyChain(leaf, [], [old], now).trusted) return 'old';
  if (fresh && verifyChain(leaf, [], [fresh], now).trusted) return 'new';
  return 'other';
}

/** Short-lived client certificates from each CA whose key is at hand, made in memory for the checks only. */
async function testClientCerts(old: Authority | undefined, fresh: Authority | undefined): Promise<{ old?: KeyPair; new?: KeyPair }> {
  const make = async (a: Authority | undefined): Promise<KeyPair | undefined> => {
    if (!a) return undefined;
    const c = await issueClientCertificate(a, { commonName: 'redsec rotation check', keyAlgorithm: 'ecdsa-p256', validityDays: 1 });
    return { cert: c.certPem, key: c.keyPem };
  };
  const [o, n] = await Promise.all([make(old), make(fresh)]);
  return { ...(o ? { old: o } : {}), ...(n ? { new: n } : {}) };
}

/**
 * The state file, checked to belong to this target. Without --cacert redsec's own connection trusts
 * the old CA and, once made, the new one: it must keep working on both sides of switch.
 */
function stateFor(ctx: Ctx, old: OldCa): CaRotationState | undefined {
  const state = readCaState(ctx.opts.statePath);
  if (state && state.target !== ctx.target.display) throw new UsageError(`${ctx.opts.statePath}: this state file belongs to ${visible(state.target)}, not ${ctx.target.display}`);
  if (ctx.tls.ca === undefined && !ctx.tls.insecure) {
    // An interrupted begin may not have written the new CA yet.
    const fresh = state && existsSync(state.files.new_ca_cert) ? readText(state.files.new_ca_cert, 'new CA certificate') : '';
    ctx.tls = { ...ctx.tls, ca: `${old.pem}${fresh}` };
  }
  return state;
}

/** Replication (and cluster) links as this node sees them: INFO replication, CLUSTER INFO/NODES. */
async function linkState(conn: RespConnection, ctx: Ctx): Promise<LinkState> {
  const text = (reply: RespReply, what: string): string => {
    fail(reply, what, ctx);
    return typeof reply === 'string' ? reply : '';
  };
  const links: LinkState = replicationLinks(text(await conn.call(['INFO', 'replication']), 'INFO replication'));
  if ((await configGet(conn, ctx, 'cluster-enabled')) === 'yes') {
    const [ci, cn] = await conn.pipeline([['CLUSTER', 'INFO'], ['CLUSTER', 'NODES']]);
    links.cluster = clusterLinks(text(ci ?? null, 'CLUSTER INFO'), text(cn ?? null, 'CLUSTER NODES'));
  }
  return links;
}

/** Open replication and cluster links survive a CONFIG SET of TLS files (Redis keeps established connections). */
function linksKept(before: LinkState, after: LinkState): RotateCheck {
  const lost = droppedLinks(before, after);
  return { name: 'replication/cluster links kept', ok: lost.length === 0, detail: lost.length === 0 ? describeLinks(after) : `dropped: ${lost.join('; ')}` };
}

function setCommand(pairs: [string, string][]): string[] {
  return ['CONFIG', 'SET', ...pairs.flat()];
}

async function persist(conn: RespConnection, ctx: Ctx, r: Partial<CaRotateResult> & { commands: string[]; checks: RotateCheck[]; notes: string[] }): Promise<void> {
  if (ctx.opts.persist === false) {
    r.notes.push('--no-persist: CONFIG REWRITE not sent; a restart brings back the TLS files as last saved');
    return;
  }
  r.commands.push('CONFIG REWRITE');
  if (!ctx.opts.apply) return;
  const reply = await conn.call(['CONFIG', 'REWRITE']);
  if (reply instanceof RespError) throw new TargetError('PROTOCOL', `CONFIG REWRITE failed, the change is not persisted (fix it or pass --no-persist): ${visible(reply.message.slice(0, 200))}`, ctx.target.display);
  r.checks.push({ name: 'persisted', ok: true, detail: 'CONFIG REWRITE: OK' });
}

/** Observed trust and served issuer, then the client matrix against them. */
async function observe(ctx: Ctx, conn: RespConnection, old: OldCa, fresh: Authority | undefined, certs: { old?: KeyPair; new?: KeyPair }): Promise<{ facts: ServerFacts; server: ServerTls; matrix: RotateCheck[] }> {
  const server = await serverTls(conn, ctx);
  const freshCert = fresh ? new X509Certificate(fresh.cert.certPem) : undefined;
  const trusted = server.caFile !== '' ? caFingerprints(readText(server.caFile, 'the server\'s tls-ca-cert-file'), server.caFile) : [];
  const trusts = { old: trusted.includes(old.fingerprint), new: freshCert !== undefined && trusted.includes(fingerprintOf(freshCert)) };
  const presenter = server.authClients === 'no' ? undefined : trusts.new && certs.new ? certs.new : trusts.old && certs.old ? certs.old : undefined;
  const leaf = await servedLeaf(ctx, presenter);
  const facts: ServerFacts = { serves: issuerOf(leaf, old.cert, freshCert, ctx.now()), trusts };
  const matrix = fresh
    ? await trustMatrix({ probe: ctx.probe, oldCaPem: old.pem, newCaPem: fresh.cert.certPem, facts, authClients: server.authClients, clientCerts: certs })
    : [];
  return { facts, server, matrix };
}

function serverSummary(o: { facts: ServerFacts; server: ServerTls }): CaRotateResult['server'] {
  return { serves: o.facts.serves, trusts_old: o.facts.trusts.old, trusts_new: o.facts.trusts.new, ca_file: o.server.caFile, cert_file: o.server.certFile };
}

function expectFacts(checks: RotateCheck[], facts: ServerFacts, want: { serves: CaName; old: boolean; new: boolean }): void {
  const trustText = (t: { old: boolean; new: boolean }) => (t.old && t.new ? 'old and new CA' : t.old ? 'old CA only' : t.new ? 'new CA only' : 'neither CA');
  checks.push({ name: 'server trusts', ok: facts.trusts.old === want.old && facts.trusts.new === want.new, detail: `tls-ca-cert-file holds the ${trustText(facts.trusts)} (expected: ${trustText(want)})` });
  checks.push({ name: 'server serves', ok: facts.serves === want.serves, detail: `the served certificate was issued by ${facts.serves === 'other' ? 'neither CA' : `the ${facts.serves} CA`} (expected: the ${want.serves} CA)` });
}

function finishResult(ctx: Ctx, phase: CaPhase, r: { commands: string[]; files: CaFileWrite[]; checks: RotateCheck[]; notes: string[]; state?: CaRotationState | undefined; server?: CaRotateResult['server'] }): CaRotateResult {
  return {
    phase,
    target: ctx.target.display,
    applied: ctx.opts.apply === true && phase !== 'status',
    rotation: r.state?.phase,
    ...(r.server ? { server: r.server } : {}),
    commands: r.commands,
    files: r.files,
    checks: r.checks,
    ok: r.checks.every((c) => c.ok !== false),
    notes: r.notes,
    ...(r.state ? { state: r.state } : {}),
  };
}

function notes(server: ServerTls): string[] {
  const out: string[] = [];
  if (server.replication || server.cluster) {
    out.push(`tls-${server.replication ? 'replication' : 'cluster'} yes: open links are kept (checked), but a link that reconnects needs both ends to trust each other's certificates: run begin on every node before switch on any, and switch on every node before finish on any`);
  }
  return out;
}

/** The new CA a state file records, or undefined when its files are missing or are another CA's (an interrupted begin). */
async function recordedAuthority(state: CaRotationState): Promise<Authority | undefined> {
  if (!existsSync(state.files.new_ca_cert) || !existsSync(state.files.new_ca_key)) return undefined;
  try {
    return await loadNewAuthority(state);
  } catch (e) {
    if (e instanceof InputError) return undefined;
    throw e;
  }
}

/** Whether the server certificate and key the state records were completely written. */
function recordedServerCert(state: CaRotationState): boolean {
  const { server_cert: cert, server_key: key } = state.files;
  if (cert === undefined || key === undefined || !existsSync(key) || !existsSync(cert)) return false;
  try {
    return new X509Certificate(readText(cert, 'server certificate')).serialNumber.toLowerCase() === state.new_server_serial;
  } catch {
    return false;
  }
}

async function loadNewAuthority(state: CaRotationState): Promise<Authority> {
  const auth = await loadAuthority(readText(state.files.new_ca_cert, 'new CA certificate'), readText(state.files.new_ca_key, 'new CA key'), { cert: state.files.new_ca_cert, key: state.files.new_ca_key });
  if (fingerprintOf(new X509Certificate(auth.cert.certPem)) !== state.new_ca_fingerprint) throw new InputError('is not the CA this rotation made (its fingerprint differs from the state file)', state.files.new_ca_cert);
  return auth;
}

/** What one phase run collects for its result. */
type Run = { commands: string[]; files: CaFileWrite[]; checks: RotateCheck[]; notes: string[]; state: CaRotationState | undefined; server: CaRotateResult['server'] };

type Expected = { serves: CaName; old: boolean; new: boolean };

/** What the server must trust and serve once a phase completed. */
const EXPECTED = {
  overlap: { serves: 'old', old: true, new: true },
  switched: { serves: 'new', old: true, new: true },
  finished: { serves: 'new', old: false, new: true },
} as const satisfies Partial<Record<CaRotationPhase, Expected>>;

/** Every phase's start: the target, the CA being retired (and its key when at hand), the recorded state. */
async function start(opts: CaRotateOptions): Promise<{ ctx: Ctx; old: OldCa; oldAuth: Authority | undefined; state: CaRotationState | undefined; r: Run }> {
  const ctx = context(opts);
  const old = oldCaOf(opts);
  const oldAuth = await oldAuthority(old, opts.caKey !== undefined);
  const state = stateFor(ctx, old);
  return { ctx, old, oldAuth, state, r: { commands: [], files: [], checks: [], notes: [], state, server: undefined } };
}

/**
 * switch and finish continue a recorded rotation: `notReady` says why the state cannot go on (undefined:
 * it can); the CA given must be the one this rotation retires. With the new CA and the test client certificates.
 */
async function resume(opts: CaRotateOptions, notReady: (state: CaRotationState | undefined) => string | undefined) {
  const { state, ...run } = await start(opts);
  const why = notReady(state);
  if (why !== undefined || !state) throw new UsageError(`${opts.statePath}: ${why ?? 'no rotation recorded'}`);
  if (!state.old_ca_fingerprints.includes(run.old.fingerprint)) throw new UsageError(`${opts.statePath}: this rotation retires another CA than the one given`);
  const fresh = await loadNewAuthority(state);
  return { ...run, state, fresh, certs: await testClientCerts(run.oldAuth, fresh) };
}

/** Observes the server (trust, served issuer, client matrix) and records the summary in the result. */
async function look(r: Run, ctx: Ctx, conn: RespConnection, old: OldCa, fresh: Authority | undefined, certs: { old?: KeyPair; new?: KeyPair }): Promise<{ facts: ServerFacts; server: ServerTls; matrix: RotateCheck[] }> {
  const o = await observe(ctx, conn, old, fresh, certs);
  r.server = serverSummary(o);
  return o;
}

/** The observed trust and issuer against what the phase expects, then the client matrix. */
function verify(r: Run, o: { facts: ServerFacts; matrix: RotateCheck[] }, want: Expected): void {
  expectFacts(r.checks, o.facts, want);
  r.checks.push(...o.matrix);
}

/** Without --apply: the command, the checks a real run makes, the persistence step; nothing sent. */
async function dryRun(conn: RespConnection, ctx: Ctx, r: Run, phase: CaPhase, set: string[], checks: Record<string, string>): Promise<CaRotateResult> {
  r.commands.push(set.join(' '));
  for (const [name, detail] of Object.entries(checks)) r.checks.push({ name, ok: null, detail: `dry run: ${detail}` });
  await persist(conn, ctx, r);
  return finishResult(ctx, phase, r);
}

/** The phase's CONFIG SET, then the server observed again; the admin connection and open links must survive it. */
async function applySet(conn: RespConnection, ctx: Ctx, r: Run, set: string[], what: string, old: OldCa, fresh: Authority, certs: { old?: KeyPair; new?: KeyPair }): Promise<{ facts: ServerFacts; server: ServerTls; matrix: RotateCheck[] }> {
  r.commands.push(set.join(' '));
  const linksBefore = await linkState(conn, ctx);
  fail(await conn.call(set), what, ctx);
  const o = await look(r, ctx, conn, old, fresh, certs);
  r.checks.push({ name: 'admin connection still works', ok: true, detail: 'the connection opened before CONFIG SET answered CONFIG GET after it' });
  r.checks.push(linksKept(linksBefore, await linkState(conn, ctx)));
  return o;
}

/**
 * A failed check leaves the change unpersisted and the state where it was; otherwise the change is
 * persisted, then the next state recorded (made after persisting: its times are when the phase completed).
 */
async function conclude(conn: RespConnection, ctx: Ctx, r: Run, phase: CaPhase, state: CaRotationState, failed: string, next: () => CaRotationState, done: (s: CaRotationState) => string): Promise<CaRotateResult> {
  if (r.checks.some((c) => c.ok === false)) {
    r.notes.push(`verification failed: ${failed}`);
    r.state = state;
    return finishResult(ctx, phase, r);
  }
  await persist(conn, ctx, r);
  const after = next();
  writeCaState(ctx.opts.statePath, after);
  r.state = after;
  r.notes.push(done(after));
  return finishResult(ctx, phase, r);
}

export async function beginCaRotation(opts: CaRotateOptions): Promise<CaRotateResult> {
  const run = await start(opts);
  const { ctx, old, oldAuth, r } = run;
  let state = run.state;
  const conn = await adminConnection(ctx, opts.apply === true);
  try {
    const server = await serverTls(conn, ctx);
    if (server.caFile === '') throw new UsageError(server.caDir !== '' ? 'the server trusts a CA directory (tls-ca-cert-dir), not a file: CA rotation needs tls-ca-cert-file' : 'the server has no tls-ca-cert-file: nothing to rotate');
    r.notes.push(...notes(server));
    if (state && state.phase !== 'prepared') {
      const fresh = await loadNewAuthority(state);
      await look(r, ctx, conn, old, fresh, await testClientCerts(oldAuth, fresh));
      r.notes.push(`already begun at ${state.began_at} (phase ${state.phase}): nothing sent; run status, switch or finish`);
      return finishResult(ctx, 'begin', r);
    }
    // Resuming a prepared begin: the overlap is built from the CA file the server used before it.
    const baseCaFile = state?.previous.tls_ca_cert_file ?? server.caFile;
    const currentCaPem = readText(baseCaFile, "the server's tls-ca-cert-file");
    if (!state && !caFingerprints(currentCaPem, server.caFile).includes(old.fingerprint)) {
      throw new UsageError(`${server.caFile} (the server's tls-ca-cert-file) does not hold the CA being retired (${old.cert.subject.replace(/\n/g, ', ')}): wrong --bundle/--ca-cert?`);
    }
    const oldCerts = await testClientCerts(oldAuth, undefined);
    const leaf = await servedLeaf(ctx, server.authClients === 'no' ? undefined : oldCerts.old ?? (ctx.tls.cert !== undefined && ctx.tls.key !== undefined ? { cert: String(ctx.tls.cert), key: String(ctx.tls.key) } : undefined));
    if (!state && issuerOf(leaf, old.cert, undefined, ctx.now()) !== 'old') throw new UsageError('the certificate the server serves was not issued by the CA being retired: wrong --bundle/--ca-cert?');

    const now = ctx.now();
    const id = state?.id ?? rotationStamp(now);
    const algorithm = opts.keyAlgorithm ?? keyAlgorithmOf(old.cert);
    if (algorithm === undefined) throw new UsageError('the old CA\'s key type is not one redsec issues: choose one with --key-algorithm');
    // Named like rot-tls names renewed files: the old name with the rotation's stamp (ca.<id>.crt ...).
    const newCaCert = state?.files.new_ca_cert ?? pathBeside(old.certPath, id);
    const newCaKey = state?.files.new_ca_key ?? pathBeside(old.keyPath ?? join(old.dir, 'ca.key'), id);
    const overlap = state?.files.overlap_ca_file ?? caFileBeside(baseCaFile, id, 'overlap');
    r.files.push({ path: newCaCert, mode: '0644', what: 'new CA certificate' }, { path: newCaKey, mode: '0600', what: 'new CA private key (move it offline after the rotation, like the old one)' }, { path: overlap, mode: '0644', what: "the server's CA file plus the new CA (give it to clients as their CA file)" });
    const set = setCommand([['tls-ca-cert-file', overlap]]);
    if (opts.persist !== false) {
      r.commands.push('CONFIG REWRITE');
      r.notes.push('the first CONFIG REWRITE runs before any change: when the server cannot persist, begin stops with nothing changed');
    }
    if (!opts.apply) {
      return await dryRun(conn, ctx, r, 'begin', set, {
        'server trusts': 'CONFIG GET tls-ca-cert-file names the overlap file, which holds the old and the new CA',
        'client matrix': 'fresh TLS clients trusting the old CA, the new CA and both; client certificates from each CA',
      });
    }
    if (opts.persist !== false) {
      // Before any change: a server that cannot persist stops begin with nothing changed.
      const pre = await conn.call(['CONFIG', 'REWRITE']);
      if (pre instanceof RespError) throw new TargetError('PROTOCOL', `CONFIG REWRITE failed before any change (fix it or pass --no-persist): ${visible(pre.message.slice(0, 200))}`, ctx.target.display);
    }
    // Resuming: the CA a prepared begin recorded, when its files were completely written.
    let fresh = state ? await recordedAuthority(state) : undefined;
    if (!fresh) {
      if (server.caFile === overlap) throw new UsageError(`the server already uses ${overlap} but the new CA files it belongs with are missing or changed: run status and roll back by hand (state file: previous)`);
      const interrupted = state !== undefined;
      fresh = await createAuthority({ keyAlgorithm: algorithm, commonName: `redsec CA ${id}`, validityDays: opts.caDays ?? lifetimeDays(old.cert), now });
      // The state names the files before they exist: a crash in between re-runs with the same names.
      state = {
        version: 1,
        kind: 'ca-rotation',
        target: ctx.target.display,
        id,
        phase: 'prepared',
        old_ca_fingerprints: [old.fingerprint],
        new_ca_fingerprint: fingerprintOf(new X509Certificate(fresh.cert.certPem)),
        previous: state?.previous ?? { tls_ca_cert_file: server.caFile, tls_cert_file: server.certFile, tls_key_file: server.keyFile },
        files: { new_ca_cert: newCaCert, new_ca_key: newCaKey, overlap_ca_file: overlap },
        began_at: state?.began_at ?? now.toISOString(),
      };
      writeCaState(opts.statePath, state);
      // Left by an interrupted run of this rotation (named by its state, used by nothing yet).
      if (interrupted) removeFiles([newCaKey, newCaCert, overlap]);
      writeOnce(newCaKey, fresh.cert.keyPem, 0o600, old.keyPath !== undefined && existsSync(old.keyPath) ? old.keyPath : old.certPath);
      writeOnce(newCaCert, fresh.cert.certPem, 0o644, old.certPath);
    }
    if (!state) throw new Error('unreachable: a rotation state exists once the new CA does');
    writeOnce(overlap, overlapCaFile(currentCaPem, fresh.cert.certPem, baseCaFile).pem, 0o644, baseCaFile);
    const begun = state;
    const o = await applySet(conn, ctx, r, set, 'CONFIG SET tls-ca-cert-file', old, fresh, await testClientCerts(oldAuth, fresh));
    verify(r, o, EXPECTED.overlap);
    return await conclude(
      conn, ctx, r, 'begin', begun,
      'not persisted, state left at prepared; the server uses the overlap file until restart or a manual CONFIG SET tls-ca-cert-file back to the previous file',
      () => ({ ...begun, phase: 'overlap' }),
      () => `next: give every client the CA file ${overlap} (trusting both), then run switch`,
    );
  } finally {
    conn.close();
  }
}

export async function switchCaRotation(opts: CaRotateOptions): Promise<CaRotateResult> {
  const run = await resume(opts, (s) => (!s || s.phase === 'prepared' ? 'no completed begin recorded (run begin first)' : undefined));
  const { ctx, old, r, fresh, certs } = run;
  let state = run.state;
  const conn = await adminConnection(ctx, opts.apply === true);
  try {
    const server = await serverTls(conn, ctx);
    r.notes.push(...notes(server));
    if (state.phase === 'switched' || state.phase === 'finished') {
      await look(r, ctx, conn, old, fresh, certs);
      r.notes.push(`already switched at ${state.switched_at ?? '?'} (phase ${state.phase}): nothing sent`);
      return finishResult(ctx, 'switch', r);
    }
    if (server.caFile !== state.files.overlap_ca_file) throw new UsageError(`the server's tls-ca-cert-file is ${visible(server.caFile)}, not this rotation's overlap file: someone changed it; run status`);
    const servedPem = readText(server.certFile, "the server's tls-cert-file");
    const served = new X509Certificate(servedPem);
    const certPath = state.files.server_cert ?? pathBeside(server.certFile, state.id);
    const keyPath = state.files.server_key ?? pathBeside(server.keyFile, state.id);
    r.files.push({ path: certPath, mode: '0644', what: `server certificate from the new CA (subject and names as served: ${served.subject.replace(/\n/g, ', ')}; ${served.subjectAltName ?? 'no SAN'})` }, { path: keyPath, mode: '0600', what: 'its private key' });
    const set = setCommand([['tls-cert-file', certPath], ['tls-key-file', keyPath]]);
    r.notes.push('from this step on, clients that trust only the old CA are refused: every client must trust the new CA (or the overlap file) first');
    if (!opts.apply) {
      return await dryRun(conn, ctx, r, 'switch', set, {
        'server serves': 'a fresh TLS connection is served the new certificate (its serial), issued by the new CA',
        'client matrix': 'fresh TLS clients trusting the old CA (refused), the new CA and both (connect); client certificates from each CA (accepted)',
      });
    }
    let serial = state.new_server_serial;
    if (state.phase === 'overlap' || !recordedServerCert(state)) {
      const interrupted = state.files.server_cert !== undefined;
      if (server.certFile === certPath) throw new UsageError(`the server already uses ${certPath} but it is missing or not the certificate the state file records: run status`);
      const algorithm = opts.keyAlgorithm ?? keyAlgorithmOf(served);
      if (algorithm === undefined) throw new UsageError('the served certificate\'s key type is not one redsec issues: choose one with --key-algorithm');
      // rot-tls's renewal: same subject, SANs and key type, here signed by the new CA, within its lifetime.
      const days = Math.min(opts.certDays ?? lifetimeDays(served), Math.floor((fresh.cert.notAfter.getTime() - ctx.now().getTime()) / DAY_MS));
      const leaf = await renewCertificate({ current: servedPem, ca: { certPem: fresh.cert.certPem, keyPem: fresh.cert.keyPem, source: state.files.new_ca_key }, role: 'server', keyAlgorithm: algorithm, days });
      serial = leaf.serialHex;
      // The state names the files before they exist: a crash in between re-runs with the same names.
      state = { ...state, phase: 'switching', files: { ...state.files, server_cert: certPath, server_key: keyPath }, new_server_serial: serial };
      writeCaState(opts.statePath, state);
      if (interrupted) removeFiles([keyPath, certPath]);
      writeOnce(keyPath, leaf.keyPem, 0o600, server.keyFile);
      writeOnce(certPath, leaf.certPem, 0o644, server.certFile);
    }
    const o = await applySet(conn, ctx, r, set, 'CONFIG SET tls-cert-file tls-key-file', old, fresh, certs);
    const leafNow = await servedLeaf(ctx, certs.new);
    const servedSerial = leafNow.serialNumber.toLowerCase().replace(/^0+/, '');
    r.checks.push({ name: 'new certificate served', ok: servedSerial === (serial ?? '').replace(/^0+/, ''), detail: `serial ${servedSerial} served (expected ${serial ?? '?'})` });
    verify(r, o, EXPECTED.switched);
    const switching = state;
    return await conclude(
      conn, ctx, r, 'switch', switching,
      'not persisted, state left at switching',
      () => ({ ...switching, phase: 'switched', switched_at: ctx.now().toISOString() }),
      (next) => `next: re-issue client certificates from the new CA (${next.files.new_ca_cert}), then run finish`,
    );
  } finally {
    conn.close();
  }
}

export async function finishCaRotation(opts: CaRotateOptions): Promise<CaRotateResult> {
  const run = await resume(opts, (s) => (!s || (s.phase !== 'switched' && s.phase !== 'finished') ? `the server is not switched to the new CA yet (run ${!s || s.phase === 'prepared' ? 'begin' : 'switch'} first)` : undefined));
  const { ctx, old, r, fresh, certs } = run;
  let state = run.state;
  const conn = await adminConnection(ctx, opts.apply === true);
  try {
    const server = await serverTls(conn, ctx);
    r.notes.push(...notes(server));
    if (state.phase === 'finished') {
      verify(r, await look(r, ctx, conn, old, fresh, certs), EXPECTED.finished);
      r.notes.push(`already finished at ${state.finished_at ?? '?'}: nothing sent, verified again`);
      return finishResult(ctx, 'finish', r);
    }
    // redsec's own client certificate must survive the old CA's removal, or finish locks itself (and every client like it) out.
    if (server.authClients !== 'no' && ctx.tls.cert !== undefined) {
      const own = parseCertificates(String(ctx.tls.cert).includes('-----BEGIN') ? String(ctx.tls.cert) : readText(String(ctx.tls.cert), 'client certificate'), 'client certificate')[0];
      if (own && verifyChain(own, [], [old.cert], ctx.now()).trusted) throw new UsageError('--cert was issued by the old CA: after finish the server refuses it; re-issue it (and every client certificate) from the new CA first');
    }
    const leafNow = await servedLeaf(ctx, certs.new);
    if (issuerOf(leafNow, old.cert, new X509Certificate(fresh.cert.certPem), ctx.now()) !== 'new') throw new UsageError('the server does not serve a certificate from the new CA: run switch (or status)');
    if (server.caFile !== state.files.overlap_ca_file) throw new UsageError(`the server's tls-ca-cert-file is ${visible(server.caFile)}, not this rotation's overlap file: someone changed it; run status`);
    const finalPath = state.files.final_ca_file ?? caFileBeside(state.previous.tls_ca_cert_file, state.id, 'final');
    r.files.push({ path: finalPath, mode: '0644', what: 'the CA file without the old CA' });
    const set = setCommand([['tls-ca-cert-file', finalPath]]);
    r.notes.push('from this step on, client (and replica) certificates from the old CA are refused');
    if (!opts.apply) {
      return await dryRun(conn, ctx, r, 'finish', set, {
        'server trusts': 'CONFIG GET tls-ca-cert-file names the final file, which holds the new CA and not the old',
        'client matrix': 'clients trusting the new CA or both connect, the old CA only refused; old-CA client certificates refused',
      });
    }
    const finalSet = finalCaFile(readText(state.files.overlap_ca_file, 'overlap CA file'), state.old_ca_fingerprints, state.files.overlap_ca_file);
    writeOnce(finalPath, finalSet.pem, 0o644, state.files.overlap_ca_file);
    state = { ...state, files: { ...state.files, final_ca_file: finalPath } };
    writeCaState(opts.statePath, state);
    const o = await applySet(conn, ctx, r, set, 'CONFIG SET tls-ca-cert-file', old, fresh, certs);
    verify(r, o, EXPECTED.finished);
    const switched = state;
    return await conclude(
      conn, ctx, r, 'finish', switched,
      'not persisted, state left at switched',
      () => ({ ...switched, phase: 'finished', finished_at: ctx.now().toISOString() }),
      (next) => `done: the old CA's certificate and key can be retired; redsec deleted nothing (previous files: ${next.previous.tls_ca_cert_file}, ${next.previous.tls_cert_file}, ${next.previous.tls_key_file})`,
    );
  } finally {
    conn.close();
  }
}

export async function caRotationStatus(opts: CaRotateOptions): Promise<CaRotateResult> {
  const { ctx, old, oldAuth, r, state } = await start(opts);
  const fresh = state ? await loadNewAuthority(state) : undefined;
  const certs = await testClientCerts(oldAuth, fresh);
  const conn = await adminConnection(ctx, false);
  try {
    const o = await look(r, ctx, conn, old, fresh, certs);
    r.notes.push(...notes(o.server));
    if (!state) r.notes.push('no CA rotation recorded in the state file: only the old CA is known; run begin to start one');
    else {
      r.notes.push(`phase ${state.phase}, begun ${state.began_at}${state.switched_at ? `, switched ${state.switched_at}` : ''}${state.finished_at ? `, finished ${state.finished_at}` : ''}`);
      const w: Expected | undefined = (EXPECTED as Partial<Record<CaRotationPhase, Expected>>)[state.phase];
      if (w) expectFacts(r.checks, o.facts, w);
      else r.notes.push(`phase ${state.phase}: a run was interrupted; re-run ${state.phase === 'prepared' ? 'begin' : 'switch'} to complete it`);
    }
    r.checks.push(...o.matrix);
    return finishResult(ctx, 'status', r);
  } finally {
    conn.close();
  }
}
