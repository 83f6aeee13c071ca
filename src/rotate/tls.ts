/**
 * Certificate rotation on a live server (`redsec rotate tls`):
 *   read     INFO server (a Sentinel cannot reload TLS: stop and say a restart is needed), the TLS
 *            file directives, INFO replication (and CLUSTER INFO/NODES in cluster mode), and the
 *            certificate served on the TLS port, which must be the file the server names (so redsec
 *            runs where the files are) and must come from the CA given.
 *   issue    a new certificate with the same subject, names, key type and lifetime from that CA.
 *   apply    new cert and key written beside the old ones (key 0600), one
 *            `CONFIG SET tls-cert-file NEW tls-key-file NEW` (Redis builds the new TLS context and
 *            keeps the old one when that fails), `CONFIG REWRITE`.
 *   verify   a fresh TLS handshake serves the new serial and is trusted by the CA for the dialled
 *            name; a connection opened before the change still answers; no replication or cluster
 *            link dropped.
 * Client certificates of a bundle (tls/clients/NAME.crt) are renewed on request and checked against
 * the live server (a TLS handshake and a reply with the new certificate), with deploy commands.
 * Every connection is a TLS-rotation connection: reads from the audit allowlist, writes only
 * CONFIG SET of TLS file paths and CONFIG REWRITE (resp/tls-rotation-allowlist.ts).
 * Without `apply` nothing is written anywhere: the result lists the commands and files it would.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { isIssuedBy, keyAlgorithmOf, parseCertificates, renewCertificate, type CaFiles, type KeyAlgorithm } from '../certs/index.js';
import { InputError, TargetError, UsageError } from '../errors.js';
import { asText } from '../facts/replies.js';
import { parseInfo } from '../facts/index.js';
import { connect, parseTarget, RespError, resolveCredentials, type RespConnection, type RespReply, type Target, type TlsOptions } from '../resp/index.js';
import { visible } from '../text/visible.js';
import type { RotateCheck } from './password.js';
import { clusterLinks, describeLinks, droppedLinks, replicationLinks, type LinkState } from './tls-links.js';
import { freeStamp, pathBeside, removeFiles, writeNewFile } from './tls-files.js';

const DAY_MS = 86_400_000;
const ADMIN_ENV = 'REDSEC_ADMIN_PASSWORD';

export interface TlsRotateOptions {
  url: string;
  /** A bundle `redsec generate` wrote: its tls/ca.crt and tls/ca.key issue, its tls/clients/* can be renewed. */
  bundle?: string | undefined;
  caCert?: string | undefined;
  caKey?: string | undefined;
  /** Default: the key type of the certificate in service. */
  keyAlgorithm?: KeyAlgorithm | undefined;
  /** Lifetime of the new certificates; default: that of the ones they replace. */
  days?: number | undefined;
  /** Rotate only certificates expiring within this many days (check: the window that counts as due). */
  renewWithinDays?: number | undefined;
  /** Bundle client certificates to renew: names, or ['all']. */
  clients?: string[] | undefined;
  /** Change the server and write files; without it a dry run. */
  apply?: boolean | undefined;
  /** false: no CONFIG REWRITE (the change is lost on restart), said in the notes. */
  persist?: boolean | undefined;
  adminUser?: string | undefined;
  adminPasswordFile?: string | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  /** Client TLS settings (CA, client certificate ...) of every TLS connection: the probes, and the admin connection when it uses TLS. */
  tls?: TlsOptions | undefined;
  /** The URL's port speaks TLS although it is redis:// (--tls); else the admin connection is plain and the probes use tls-port. */
  urlTls?: boolean | undefined;
  timeoutMs?: number | undefined;
  now?: (() => Date) | undefined;
}

export interface CertificateStatus {
  /** "server" or "client NAME". */
  name: string;
  subject: string;
  serial: string;
  not_after: string;
  /** Whole days left (negative: expired). */
  days_left: number;
  /** Expires within the window (always true without --renew-within when rotating). */
  due: boolean;
  file?: string | undefined;
}

export interface TlsRotateResult {
  mode: 'check' | 'rotate';
  target: string;
  applied: boolean;
  window_days?: number | undefined;
  certificates: CertificateStatus[];
  /** Write commands sent (or, in a dry run, that would be sent). */
  commands: string[];
  /** Files written (or that would be), with their mode. */
  files: { path: string; mode: string }[];
  checks: RotateCheck[];
  /** How to put renewed client certificates in service. */
  deploy: string[];
  notes: string[];
  /** The server cannot reload TLS (Sentinel): nothing was changed, a restart is needed. */
  restart_needed: boolean;
  ok: boolean;
  /**
   * Why a rotation is not ok: 'target' when the server refused the change (CONFIG SET: NOPERM ...;
   * nothing stays changed), 'verify' when a check failed. Absent when ok, and for --check.
   */
  failure?: 'target' | 'verify' | undefined;
}

interface Ctx {
  opts: TlsRotateOptions;
  target: Target;
  auth: { user?: string; password: string } | undefined;
  timeoutMs: number;
  now: Date;
  ca: (CaFiles & { cert: X509Certificate; path: string }) | undefined;
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read ${what} (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`, path);
  }
}

function loadCa(opts: TlsRotateOptions): Ctx['ca'] {
  if (opts.bundle !== undefined && (opts.caCert !== undefined || opts.caKey !== undefined)) throw new UsageError('--bundle and --ca-cert/--ca-key exclude each other');
  if ((opts.caCert === undefined) !== (opts.caKey === undefined)) throw new UsageError('--ca-cert and --ca-key go together');
  const certPath = opts.bundle !== undefined ? join(opts.bundle, 'tls', 'ca.crt') : opts.caCert;
  const keyPath = opts.bundle !== undefined ? join(opts.bundle, 'tls', 'ca.key') : opts.caKey;
  if (certPath === undefined || keyPath === undefined) return undefined;
  const certPem = readText(certPath, 'CA certificate');
  const [cert] = parseCertificates(certPem, certPath);
  if (!cert) throw new InputError('no certificate', certPath);
  return { certPem, keyPem: readText(keyPath, 'CA key'), source: keyPath, cert, path: resolve(certPath) };
}

function context(opts: TlsRotateOptions, needCa: boolean): Ctx {
  const target = parseTarget(opts.url);
  if (opts.clients !== undefined && opts.bundle === undefined) throw new UsageError('--clients renews the client certificates of a bundle: give --bundle DIR');
  if (opts.days !== undefined && (!Number.isInteger(opts.days) || opts.days < 1 || opts.days > 36_500)) throw new UsageError('--days must be a whole number from 1 to 36500');
  const env = opts.env ?? process.env;
  const user = opts.adminUser ?? target.user;
  const password = opts.adminPasswordFile !== undefined ? resolveCredentials({ passwordFile: opts.adminPasswordFile, env: {} }).password : env[ADMIN_ENV] || target.password;
  // --check reads no CA (its key above all): only the bundle's client certificates.
  const ca = needCa ? loadCa(opts) : undefined;
  if (needCa && ca === undefined) throw new UsageError('rotate tls needs the CA that issues: --bundle DIR or --ca-cert FILE --ca-key FILE');
  return {
    opts,
    target,
    auth: password !== undefined ? { ...(user !== undefined ? { user } : {}), password } : undefined,
    timeoutMs: opts.timeoutMs ?? 5000,
    now: opts.now?.() ?? new Date(),
    ca,
  };
}

function connectOptions(ctx: Ctx, tls: TlsOptions | undefined, auth = true) {
  return {
    ...(auth && ctx.auth ? { auth: ctx.auth } : {}),
    ...(tls ? { tls } : {}),
    tlsRotation: true,
    connectTimeoutMs: ctx.timeoutMs,
    replyTimeoutMs: ctx.timeoutMs,
    retries: 0,
  };
}

/** The admin connection; on a rediss:// URL without --cacert it trusts the CA given (the server's own, normally). */
function adminConnection(ctx: Ctx): Promise<RespConnection> {
  if (!urlIsTls(ctx)) return connect({ ...ctx.target, tls: false }, connectOptions(ctx, undefined));
  const tls = ctx.opts.tls?.ca === undefined && ctx.ca ? { ...ctx.opts.tls, ca: ctx.ca.certPem } : (ctx.opts.tls ?? {});
  return connect(ctx.target, connectOptions(ctx, tls));
}

function urlIsTls(ctx: Ctx): boolean {
  return ctx.target.tls || ctx.opts.urlTls === true;
}

function fail(reply: RespReply, what: string, ctx: Ctx): void {
  if (reply instanceof RespError) throw new TargetError('PROTOCOL', `${what} failed: ${visible(reply.message.slice(0, 200))}`, ctx.target.display);
}

function text(reply: RespReply, what: string, ctx: Ctx): string {
  fail(reply, what, ctx);
  const t = asText(reply);
  if (t === undefined) throw new TargetError('PROTOCOL', `${what}: unexpected reply`, ctx.target.display);
  return t;
}

/** CONFIG GET one directive (one per command: a pre-7.0 server takes one pattern only). */
async function configValues(conn: RespConnection, ctx: Ctx, names: readonly string[]): Promise<Map<string, string>> {
  const replies = await conn.pipeline(names.map((n) => ['CONFIG', 'GET', n]));
  const out = new Map<string, string>();
  names.forEach((name, i) => {
    const r = replies[i] ?? null;
    fail(r, `CONFIG GET ${name}`, ctx);
    const values: RespReply[] = r instanceof Map ? [...r.values()] : Array.isArray(r) ? r.slice(1) : [];
    const v = asText(values[0]);
    if (v !== undefined) out.set(name, v);
  });
  return out;
}

const TLS_DIRECTIVES = ['tls-cert-file', 'tls-key-file', 'tls-client-cert-file', 'tls-client-key-file', 'tls-port', 'tls-replication', 'tls-cluster', 'cluster-enabled', 'dir'] as const;

interface ServerView {
  version: string;
  mode: string;
  config: Map<string, string>;
  links: LinkState;
}

async function linkState(conn: RespConnection, ctx: Ctx, clusterEnabled: boolean): Promise<LinkState> {
  const info = text(await conn.call(['INFO', 'replication']), 'INFO replication', ctx);
  const links: LinkState = replicationLinks(info);
  if (clusterEnabled) {
    const [ci, cn] = await conn.pipeline([['CLUSTER', 'INFO'], ['CLUSTER', 'NODES']]);
    links.cluster = clusterLinks(text(ci ?? null, 'CLUSTER INFO', ctx), text(cn ?? null, 'CLUSTER NODES', ctx));
  }
  return links;
}

async function serverMode(conn: RespConnection, ctx: Ctx): Promise<{ version: string; mode: string }> {
  const server = parseInfo(text(await conn.call(['INFO', 'server']), 'INFO server', ctx))['server'] ?? {};
  return { version: server['redis_version'] ?? 'unknown', mode: server['redis_mode'] ?? 'unknown' };
}

async function serverView(conn: RespConnection, ctx: Ctx, version: string, mode: string): Promise<ServerView> {
  const config = await configValues(conn, ctx, TLS_DIRECTIVES);
  return { version, mode, config, links: await linkState(conn, ctx, config.get('cluster-enabled') === 'yes') };
}

/** Where the TLS port is: the URL's port when it is TLS, else tls-port. */
function tlsTarget(ctx: Ctx, config: Map<string, string> | undefined): Target | undefined {
  if (urlIsTls(ctx)) return { ...ctx.target, tls: true };
  const port = Number(config?.get('tls-port') ?? '0');
  if (!Number.isInteger(port) || port <= 0 || port > 65535) return undefined;
  const host = ctx.target.host.includes(':') ? `[${ctx.target.host}]` : ctx.target.host;
  return { host: ctx.target.host, port, tls: true, display: `rediss://${host}:${port}` };
}

/** TLS settings of the probe: the operator's, else trust exactly the issuing CA; `insecure` only to read the certificate. */
function probeTls(ctx: Ctx, trust: 'ca' | 'read'): TlsOptions {
  const own = ctx.opts.tls ?? {};
  if (trust === 'read') return { ...own, insecure: true };
  return { ...own, ...(ctx.ca ? { ca: ctx.ca.certPem } : {}), insecure: false };
}

interface Served {
  cert: X509Certificate;
  authorized: boolean;
  authorizationError?: string | undefined;
}

/** A fresh TLS handshake: the certificate served (and whether it verified). No command is sent. */
async function served(ctx: Ctx, at: Target, tls: TlsOptions): Promise<Served> {
  const conn = await connect(at, connectOptions(ctx, tls, false));
  try {
    const der = conn.tlsInfo?.peerCertificates[0];
    if (!der) throw new TargetError('PROTOCOL', 'the TLS handshake showed no server certificate', at.display);
    const [cert] = parseCertificates(der, 'served certificate');
    if (!cert) throw new TargetError('PROTOCOL', 'the served certificate does not parse', at.display);
    return { cert, authorized: conn.tlsInfo?.authorized ?? false, authorizationError: conn.tlsInfo?.authorizationError };
  } finally {
    conn.close();
  }
}

function status(name: string, cert: X509Certificate, now: Date, windowDays: number | undefined, file?: string): CertificateStatus {
  const notAfter = new Date(cert.validTo);
  const daysLeft = Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);
  return {
    name,
    subject: visible(cert.subject.replace(/\n/g, ', ')),
    serial: cert.serialNumber.toLowerCase(),
    not_after: notAfter.toISOString(),
    days_left: daysLeft,
    due: windowDays === undefined ? true : notAfter.getTime() - now.getTime() <= windowDays * DAY_MS,
    ...(file !== undefined ? { file } : {}),
  };
}

/** tls/clients/NAME.crt of the bundle (the newest stamped one per name when rotations added some). */
function bundleClients(bundle: string): Map<string, string> {
  const dir = join(bundle, 'tls', 'clients');
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  const stamps = new Map<string, string>();
  for (const file of readdirSync(dir)) {
    const m = /^(.+?)(?:\.(\d{8}T\d{6}Z(?:-\d{1,3})?))?\.crt$/.exec(file);
    const name = m?.[1];
    if (name === undefined || !existsSync(join(dir, file.replace(/\.crt$/, '.key')))) continue;
    // The newest stamp wins; the unstamped file (as generated) is the oldest.
    const stamp = m?.[2] ?? '';
    if (!stamps.has(name) || stamp > (stamps.get(name) ?? '')) {
      stamps.set(name, stamp);
      out.set(name, join(dir, file));
    }
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function selectedClients(ctx: Ctx): Map<string, string> {
  const wanted = ctx.opts.clients;
  if (wanted === undefined || ctx.opts.bundle === undefined) return new Map();
  const all = bundleClients(ctx.opts.bundle);
  if (wanted.includes('all')) return all;
  const out = new Map<string, string>();
  for (const name of wanted) {
    const file = all.get(name);
    if (file === undefined) throw new InputError(`no client certificate '${visible(name)}' in the bundle (it has: ${[...all.keys()].map(visible).join(', ') || 'none'})`, join(ctx.opts.bundle, 'tls', 'clients'));
    out.set(name, file);
  }
  return out;
}

function result(ctx: Ctx, mode: TlsRotateResult['mode'], parts: Partial<TlsRotateResult> & Pick<TlsRotateResult, 'certificates' | 'checks' | 'notes'>): TlsRotateResult {
  const r: TlsRotateResult = {
    mode,
    target: ctx.target.display,
    applied: mode === 'rotate' && ctx.opts.apply === true,
    ...(ctx.opts.renewWithinDays !== undefined ? { window_days: ctx.opts.renewWithinDays } : {}),
    commands: [],
    files: [],
    deploy: [],
    restart_needed: false,
    ok: true,
    ...parts,
  };
  r.ok = !r.restart_needed && r.checks.every((c) => c.ok !== false) && (mode !== 'check' || r.certificates.every((c) => !c.due));
  r.failure = r.ok || mode === 'check' ? undefined : (parts.failure ?? 'verify');
  return r;
}

const SENTINEL_NOTE = 'Sentinel cannot reload its TLS certificate (it has no CONFIG SET; redis/redis#12028): renew the files it names (tls-cert-file/tls-key-file in sentinel.conf) and restart redis-sentinel';

/**
 * `--check`: days left of the served certificate (and, with --bundle, of its client certificates),
 * due when within --renew-within (default 30 days). Only a TLS handshake (plus, for a plain URL,
 * the reads that find the TLS port). Never changes anything.
 */
export async function checkTls(opts: TlsRotateOptions): Promise<TlsRotateResult> {
  const ctx = context({ ...opts, renewWithinDays: opts.renewWithinDays ?? 30 }, false);
  const notes: string[] = [];
  const checks: RotateCheck[] = [];
  let at = tlsTarget(ctx, undefined);
  if (at === undefined) {
    const conn = await adminConnection(ctx);
    try {
      const { mode } = await serverMode(conn, ctx);
      if (mode === 'sentinel') throw new UsageError('this is a Sentinel: give its TLS address as rediss://host:port');
      at = tlsTarget(ctx, await configValues(conn, ctx, ['tls-port']));
    } finally {
      conn.close();
    }
  }
  if (at === undefined) throw new TargetError('PROTOCOL', 'the server has no TLS port (tls-port 0): no certificate to check', ctx.target.display);
  const s = await served(ctx, at, probeTls(ctx, 'read'));
  const certificates = [status('server', s.cert, ctx.now, ctx.opts.renewWithinDays)];
  for (const [name, file] of ctx.opts.bundle !== undefined ? bundleClients(ctx.opts.bundle) : []) {
    const [cert] = parseCertificates(readText(file, 'client certificate'), file);
    if (cert) certificates.push(status(`client ${name}`, cert, ctx.now, ctx.opts.renewWithinDays, file));
  }
  // A client with several stamped files is listed once, by its newest (bundleClients).
  notes.push(`due: expiring within ${ctx.opts.renewWithinDays} day(s)`);
  return result(ctx, 'check', { certificates, checks, notes });
}

interface ClientPlan {
  name: string;
  file: string;
  cert: X509Certificate;
  newCert?: string;
  newKey?: string;
}

export async function rotateTls(opts: TlsRotateOptions): Promise<TlsRotateResult> {
  const ctx = context(opts, true);
  const ca = ctx.ca!;
  const window = opts.renewWithinDays;
  const commands: string[] = [];
  const files: TlsRotateResult['files'] = [];
  const listPair = (cert: string, key: string) => files.push({ path: cert, mode: '0644' }, { path: key, mode: '0600' });
  const checks: RotateCheck[] = [];
  const notes: string[] = [];
  const deploy: string[] = [];
  const certificates: CertificateStatus[] = [];
  const written: string[] = [];
  const check = (name: string, ok: boolean | null, detail: string) => checks.push({ name, ok, detail });
  const done = (extra: Partial<TlsRotateResult> = {}) => result(ctx, 'rotate', { certificates, commands, files, checks, notes, deploy, ...extra });
  const conn = await adminConnection(ctx);
  const extra: RespConnection[] = [];
  try {
    const { version, mode } = await serverMode(conn, ctx);
    if (mode === 'sentinel') {
      notes.push(SENTINEL_NOTE);
      check('reload possible', false, `redis_mode:sentinel (version ${visible(version)}): no reload, nothing was changed`);
      return done({ restart_needed: true });
    }
    const major = Number(/^(\d+)\./.exec(version)?.[1] ?? NaN);
    const view = await serverView(conn, ctx, version, mode);
    const at = tlsTarget(ctx, view.config);
    if (at === undefined) throw new TargetError('PROTOCOL', 'the server has no TLS port (tls-port 0): there is no certificate to rotate', ctx.target.display);
    const dir = view.config.get('dir') ?? '';
    const inDir = (p: string | undefined) => (p === undefined || p === '' ? undefined : isAbsolute(p) ? p : resolve(dir, p));
    const certPath = inDir(view.config.get('tls-cert-file'));
    const keyPath = inDir(view.config.get('tls-key-file'));
    if (certPath === undefined || keyPath === undefined) throw new TargetError('PROTOCOL', 'CONFIG GET tls-cert-file / tls-key-file returned nothing', ctx.target.display);

    // What is served must be what the file says, or redsec is not where the server's files are.
    const before = await served(ctx, at, probeTls(ctx, 'read'));
    const current = status('server', before.cert, ctx.now, window, certPath);
    certificates.push(current);
    let local: X509Certificate | undefined;
    try {
      local = parseCertificates(readFileSync(certPath), certPath)[0];
    } catch {
      local = undefined;
    }
    const sameFile = local?.fingerprint256 === before.cert.fingerprint256;
    check('served certificate is the file the server names', sameFile, sameFile ? `${certPath} is the certificate served on ${at.display}` : `${certPath} ${local ? 'is not the certificate served' : 'cannot be read here'}: redsec must run on the server's host, where its TLS files are`);
    const fromCa = isIssuedBy(before.cert, ca.cert);
    check('served certificate comes from this CA', fromCa, fromCa ? `issued by ${visible(ca.cert.subject.replace(/\n/g, ', '))}` : `issuer ${visible(before.cert.issuer.replace(/\n/g, ', '))} is not the CA given (${ca.path}): clients trusting the current CA would reject a certificate from this one; change CAs with a CA rotation`);
    if (!Number.isFinite(major) || major < 7) {
      check('one-command reload', false, `Redis ${visible(version)}: CONFIG SET takes one directive before 7.0, and a certificate without its key is refused; upgrade, or replace the files in place and restart`);
    }
    notes.push(`links: ${describeLinks(view.links)}`);
    if (view.config.get('tls-replication') === 'yes' || view.config.get('tls-cluster') === 'yes') {
      notes.push(`tls-replication ${view.config.get('tls-replication') ?? '?'}, tls-cluster ${view.config.get('tls-cluster') ?? '?'}: the new certificate is also presented on replication/cluster links opened from now on`);
    }
    if (checks.some((c) => c.ok === false)) return done();

    const clientPlans: ClientPlan[] = [];
    for (const [name, file] of selectedClients(ctx)) {
      const [cert] = parseCertificates(readText(file, 'client certificate'), file);
      if (!cert) continue;
      const st = status(`client ${name}`, cert, ctx.now, window, file);
      certificates.push(st);
      if (st.due) clientPlans.push({ name, file, cert });
    }
    const serverDue = current.due;
    if (!serverDue) notes.push(`server certificate not due: ${current.days_left} day(s) left, outside --renew-within ${window}d`);
    if (!serverDue && clientPlans.length === 0) return done();

    // The TLS file directives that name the server's files: tls-client-* too when they are the same files.
    const clientCertPath = inDir(view.config.get('tls-client-cert-file'));
    const clientKeyPath = inDir(view.config.get('tls-client-key-file'));
    const sharedClient = clientCertPath === certPath && clientKeyPath === keyPath;
    if (clientCertPath !== undefined && !sharedClient) notes.push(`tls-client-cert-file (${visible(clientCertPath)}) is a separate certificate: not rotated here`);
    const stamp = freeStamp([certPath, keyPath, ...clientPlans.flatMap((c) => [c.file, c.file.replace(/\.crt$/, '.key')])], ctx.now);
    const newCertPath = pathBeside(certPath, stamp);
    const newKeyPath = pathBeside(keyPath, stamp);
    const set = ['CONFIG', 'SET', 'tls-cert-file', newCertPath, 'tls-key-file', newKeyPath, ...(sharedClient ? ['tls-client-cert-file', newCertPath, 'tls-client-key-file', newKeyPath] : [])];
    const persist = opts.persist !== false;

    // Issued in memory first, dry run included: a CA that cannot issue (expiring too soon ...) stops here.
    const renewedServer = serverDue ? await renewCertificate({ current: before.cert.raw, ca, role: 'server', keyAlgorithm: opts.keyAlgorithm, days: opts.days, now: ctx.now }) : undefined;
    const renewedClients = new Map<string, Awaited<ReturnType<typeof renewCertificate>>>();
    for (const c of clientPlans) renewedClients.set(c.name, await renewCertificate({ current: c.cert.raw, ca, role: 'client', keyAlgorithm: opts.keyAlgorithm, days: opts.days, now: ctx.now }));

    if (!opts.apply) {
      if (serverDue) {
        listPair(newCertPath, newKeyPath);
        if (persist) commands.push('CONFIG REWRITE');
        commands.push(set.join(' '));
        if (persist) commands.push('CONFIG REWRITE');
        else notes.push('--no-persist: CONFIG REWRITE not sent; a restart brings back the old files');
        check('new certificate served', null, `dry run: a fresh TLS handshake on ${at.display} shows the new serial, trusted by the CA`);
        check('connection opened before still works', null, 'dry run: PING on a connection opened before the change');
        check('replication/cluster links kept', null, `dry run: ${describeLinks(view.links)} after the change too`);
      }
      for (const c of clientPlans) listPair(pathBeside(c.file, stamp), pathBeside(c.file.replace(/\.crt$/, '.key'), stamp));
      if (clientPlans.length > 0) check('server accepts the new client certificates', null, 'dry run: a TLS handshake and a reply with each new client certificate');
      return done();
    }

    if (renewedServer) {
      const renewed = renewedServer;
      if (persist) {
        // Refuse before any change when the change could not be persisted (no config file ...).
        const r = await conn.call(['CONFIG', 'REWRITE']);
        commands.push('CONFIG REWRITE');
        if (r instanceof RespError) throw new TargetError('PROTOCOL', `CONFIG REWRITE fails, so a rotation could not be persisted; nothing was changed (fix it, or pass --no-persist): ${visible(r.message.slice(0, 200))}`, ctx.target.display);
      }
      // A connection opened before the change, to show it survives the new TLS context (opened
      // before the files exist: when it cannot connect, nothing is left behind).
      const old = await connect(at, connectOptions(ctx, probeTls(ctx, 'read')));
      extra.push(old);
      writePair(written, [newKeyPath, renewed.keyPem, keyPath], [newCertPath, renewed.certPem, certPath]);
      listPair(newCertPath, newKeyPath);
      const reply = await conn.call(set);
      commands.push(set.join(' '));
      if (reply instanceof RespError) {
        removeFiles(written);
        written.length = 0;
        // The report lists no file: none is left.
        files.length = 0;
        check('server loaded the new certificate', false, `CONFIG SET refused (the server keeps the old certificate; the new files were removed): ${visible(reply.message.slice(0, 200))}`);
        return done({ failure: 'target' });
      }
      let after: Served | undefined;
      try {
        after = await served(ctx, at, probeTls(ctx, 'ca'));
      } catch (e) {
        check('new certificate served', false, `a fresh TLS handshake trusting the CA failed: ${visible((e as Error).message.slice(0, 200))}`);
      }
      if (after) {
        const serial = after.cert.serialNumber.toLowerCase();
        const newServed = serial === renewed.serialHex;
        check('new certificate served', newServed && after.authorized, newServed ? (after.authorized ? `serial ${serial} served on ${at.display}, trusted by the CA for ${isIP(at.host) ? 'IP' : 'name'} ${visible(at.host)}` : `serial ${serial} served but not trusted: ${visible(after.authorizationError ?? 'unknown')}`) : `still serving serial ${serial}, not ${renewed.serialHex}`);
      }
      const fresh = new X509Certificate(renewed.certPem);
      certificates.push({ ...status('server (new)', fresh, ctx.now, undefined, newCertPath), due: false });
      if (window !== undefined && Date.parse(fresh.validTo) - ctx.now.getTime() <= window * DAY_MS) {
        notes.push(`the new certificate itself expires within --renew-within ${window}d: every run would renew it again; issue longer ones (--days) or shorten the window`);
      }
      let pong: RespReply;
      try {
        pong = await old.call(['PING']);
      } catch (e) {
        pong = new RespError(`ERR ${(e as Error).message}`);
      }
      check('connection opened before still works', pong === 'PONG', pong === 'PONG' ? 'PING on a connection opened before the change: PONG' : `PING on a connection opened before the change: ${visible(pong instanceof RespError ? pong.message : String(pong))}`);
      const links = await linkState(conn, ctx, view.config.get('cluster-enabled') === 'yes');
      const lost = droppedLinks(view.links, links);
      check('replication/cluster links kept', lost.length === 0, lost.length === 0 ? describeLinks(links) : `dropped: ${lost.join('; ')}`);
      const now = await configValues(conn, ctx, ['tls-cert-file', 'tls-key-file']);
      const named = inDir(now.get('tls-cert-file')) === newCertPath && inDir(now.get('tls-key-file')) === newKeyPath;
      check('server names the new files', named, named ? `tls-cert-file ${newCertPath}` : `CONFIG GET tls-cert-file: ${visible(now.get('tls-cert-file') ?? '?')}`);
      if (persist && checks.every((c) => c.ok !== false)) {
        const r = await conn.call(['CONFIG', 'REWRITE']);
        commands.push('CONFIG REWRITE');
        check('persisted', !(r instanceof RespError), r instanceof RespError ? `CONFIG REWRITE failed: the server uses the new files until it restarts: ${visible(r.message.slice(0, 200))}` : 'CONFIG REWRITE: OK');
      } else if (!persist) notes.push('--no-persist: CONFIG REWRITE not sent; a restart brings back the old files');
      notes.push(`the old files stay for a rollback (${certPath}, ${keyPath}); remove them once every client is happy`);
    }

    for (const c of clientPlans) {
      const renewed = renewedClients.get(c.name)!;
      const keyFile = c.file.replace(/\.crt$/, '.key');
      c.newCert = pathBeside(c.file, stamp);
      c.newKey = pathBeside(keyFile, stamp);
      writePair(written, [c.newKey, renewed.keyPem, keyFile], [c.newCert, renewed.certPem, c.file]);
      listPair(c.newCert, c.newKey);
      certificates.push({ ...status(`client ${c.name} (new)`, new X509Certificate(renewed.certPem), ctx.now, undefined, c.newCert), due: false });
      check(`server accepts client ${visible(c.name)}'s new certificate`, ...(await clientAccepted(ctx, at, renewed.certPem, renewed.keyPem)));
      deploy.push(...deployLines(c, at, ca.path));
    }
    return done();
  } finally {
    for (const c of extra) c.close();
    conn.close();
  }
}

/** Key (0600) then certificate, each beside the file it replaces; when the second fails the first is removed. */
function writePair(written: string[], key: [string, string, string], cert: [string, string, string]): void {
  const mine: string[] = [];
  try {
    mine.push(writeNewFile(key[0], key[1], 0o600, key[2]));
    mine.push(writeNewFile(cert[0], cert[1], 0o644, cert[2]));
  } catch (e) {
    removeFiles(mine);
    throw e;
  }
  written.push(...mine);
}

/** A TLS handshake and one reply (PING) with the client certificate: the server's verdict on it. */
async function clientAccepted(ctx: Ctx, at: Target, certPem: string, keyPem: string): Promise<[boolean, string]> {
  try {
    const c = await connect(at, connectOptions(ctx, { ...probeTls(ctx, 'ca'), cert: certPem, key: keyPem }, false));
    try {
      // PONG or NOAUTH: either is a reply over the finished handshake (TLS 1.3 refuses a client certificate only after it).
      const r = await c.call(['PING']);
      return [true, `TLS handshake with the new certificate on ${at.display}, then PING: ${visible(r instanceof RespError ? r.message.split(' ')[0] ?? '' : String(r))}`];
    } finally {
      c.close();
    }
  } catch (e) {
    return [false, `refused: ${visible((e as Error).message.slice(0, 200))}`];
  }
}

function deployLines(c: ClientPlan, at: Target, caPath: string): string[] {
  return [
    `${c.name}: copy to the client's host, replacing the files it uses (key stays 0600):`,
    `  install -m 0644 ${c.newCert} <client tls dir>/${basename(c.file)}`,
    `  install -m 0600 ${c.newKey} <client tls dir>/${basename(c.file.replace(/\.crt$/, '.key'))}`,
    `  then reconnect or restart the client; check: redis-cli --tls --cacert ${caPath} --cert ${c.newCert} --key ${c.newKey} -h ${at.host} -p ${at.port} PING`,
  ];
}
