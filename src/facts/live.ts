/**
 * The live collector: a handful of pipelined round trips of read-only commands. It never opens a
 * socket itself; the caller hands it connections made by resp/ (which enforces the allowlist).
 * Whatever a reply does not show becomes `unknown` with the server's own reason.
 */
import { isAbsolute, join } from 'node:path';
import { known, unknown, type Known, type ServerFacts, type TlsSessionFacts, type UserFacts } from './types.js';
import { parseInfo, type InfoSections } from './info.js';
import { identifyServer, hasDryrun } from './identity.js';
import { asArray, asPairs, asText, errorText, isErrorReply } from './replies.js';
import { parseAclList, parseAclLog, parseClientList, parseConfigGet, parseModuleList } from './parse-replies.js';
import { DRYRUN_PROBES, SUSPICIOUS_KEYS, WATCHED_COMMANDS, probeKey } from './probes.js';
import { debianPackage, processUser, readSystemdUnit, scanServerLog, serviceOf, statFiles, type LogScan } from './local-host.js';
import { parseSystemdUnit, type SystemdUnitFacts } from './systemd.js';

/** The part of resp/'s RespConnection the collector uses. */
export interface ProbeConnection {
  pipeline(commands: string[][]): Promise<unknown[]>;
}

export interface LiveCollectOptions {
  /**
   * Sends PING on a fresh connection without AUTH and returns the first reply (or out-of-band
   * error text such as "DENIED ..."); throws when that connection cannot be made.
   */
  unauthenticatedPing?: () => Promise<string>;
  /** TLS handshake facts for TLS targets. */
  probeTls?: () => Promise<TlsSessionFacts>;
  /** The server runs on this host (loopback target): stat its files and read its process user. */
  local?: boolean;
  /** The user the connection authenticated as, when ACL WHOAMI itself is denied. */
  authenticatedAs?: string;
  /** Opt-in: EXISTS for each of SUSPICIOUS_KEYS (the connection must allow that key read). */
  probeKeys?: boolean;
  /** At most this many users get ACL DRYRUN probes (default 256); the rest are reported unknown. */
  maxDryrunUsers?: number;
  /**
   * The replies to LIVE_BASE_COMMANDS when the caller already sent them (with its AUTH, in the
   * same round trip); otherwise the collector sends them itself.
   */
  baseReplies?: readonly unknown[];
}

/** The INFO sections the rules read; asked one by one, which 6.2 supports too (and skips the costly latencystats). */
export const INFO_SECTIONS = ['server', 'clients', 'replication', 'persistence', 'stats', 'errorstats', 'commandstats', 'modules'] as const;

const BASE_COMMANDS: readonly (readonly string[])[] = [
  ...INFO_SECTIONS.map((s) => ['INFO', s]),
  ['CONFIG', 'GET', '*'],
  ['ACL', 'WHOAMI'],
  ['ACL', 'LIST'],
  ['ACL', 'LOG', '128'],
  ['MODULE', 'LIST'],
  ['CLIENT', 'LIST'],
  // Names only (7.0+): a watched command missing from the list was renamed away. 6.2 answers with
  // an error and gets COMMAND INFO in the next round trip instead.
  ['COMMAND', 'LIST'],
  // HELLO needs no @dangerous permission, so it names the server even when INFO is denied.
  ['HELLO', '2'],
];

/** The first round trip: everything that does not depend on an earlier reply. */
export const LIVE_BASE_COMMANDS = BASE_COMMANDS;

function denied(what: string, reply: unknown): string {
  return isErrorReply(reply) ? `${what} failed: ${errorText(reply)}` : `${what} returned an unexpected reply`;
}

function fromReply<T>(what: string, reply: unknown, parse: (r: unknown) => T | undefined): Known<T> {
  if (isErrorReply(reply)) return unknown(denied(what, reply));
  const v = parse(reply);
  return v === undefined ? unknown(denied(what, reply)) : known(v);
}

export async function collectLive(conn: ProbeConnection, target: string, opts: LiveCollectOptions = {}): Promise<ServerFacts> {
  const unauthP = opts.unauthenticatedPing ? probeUnauthenticated(opts.unauthenticatedPing) : Promise.resolve(unknown<{ reply: string; reachable: boolean }>('not probed'));
  const tlsP = opts.probeTls ? opts.probeTls().then(known, (e: unknown) => unknown<TlsSessionFacts>(`TLS probe failed: ${(e as Error)?.message ?? e}`)) : Promise.resolve(unknown<TlsSessionFacts>('target is not TLS'));

  const replies = opts.baseReplies?.length === BASE_COMMANDS.length ? opts.baseReplies : await conn.pipeline(BASE_COMMANDS.map((c) => [...c]));
  const infoReplies = replies.slice(0, INFO_SECTIONS.length);
  const [configR, whoamiR, aclListR, aclLogR, moduleR, clientR, commandListR, helloR] = replies.slice(INFO_SECTIONS.length);

  const info = mergeInfo(infoReplies);
  const identity = identifyServer(info.known ? info.value['server'] : helloAsInfoServer(helloR));
  const config = fromReply('CONFIG GET *', configR, parseConfigGet);
  const users = fromReply('ACL LIST', aclListR, parseAclList);
  const auditUser = (isErrorReply(whoamiR) ? undefined : asText(whoamiR)) ?? opts.authenticatedAs ?? null;

  const dryrun = await collectDryrun(conn, users, identity.versionId, opts.maxDryrunUsers ?? 256);
  const renamed = isErrorReply(commandListR)
    ? renamedFromCommandInfo(await conn.pipeline([['COMMAND', 'INFO', ...WATCHED_COMMANDS]]).then((r) => r[0]))
    : renamedFromCommandList(commandListR);

  const server = info.known ? info.value['server'] : helloAsInfoServer(helloR);
  const modeText = server?.['redis_mode'] ?? server?.['server_mode'];
  const mode: ServerFacts['mode'] =
    modeText === 'standalone' || modeText === 'cluster' || modeText === 'sentinel' ? known(modeText) : unknown('INFO server shows no mode');

  const local = opts.local ? localFacts(server, config, identity.version) : undefined;
  const suspiciousKeys = opts.probeKeys ? await probeSuspiciousKeys(conn) : undefined;
  const tls = await tlsP;

  return {
    source: 'live',
    target,
    flavor: identity.flavor,
    version: identity.version,
    versionId: identity.versionId,
    tables: identity.tables,
    mode,
    config,
    unknownDirectives: [],
    duplicateDirectives: [],
    renamedCommands: renamed,
    aclSourceConflict: false,
    users,
    auditUser,
    unauthenticated: await unauthP,
    info,
    modules: fromReply('MODULE LIST', moduleR, parseModuleList),
    clients: fromReply('CLIENT LIST', clientR, parseClientList),
    aclLog: fromReply('ACL LOG', aclLogR, parseAclLog),
    dryrun,
    tls,
    // The leaf the handshake showed (TLS-CERT reads certificates, not the session).
    certificates: tls.known && tls.value.certificate ? [tls.value.certificate] : [],
    files: local ? known(local.files) : unknown('the server is not on this host: file modes cannot be read'),
    process: local?.process ? known(local.process) : unknown(local ? 'the server process is not visible on this host' : 'the server is not on this host'),
    ...(local?.distro ? { distro: known(local.distro) } : {}),
    ...(local?.logScan ? { logScan: local.logScan } : {}),
    ...(local?.systemd ? { systemd: local.systemd } : {}),
    ...(suspiciousKeys ? { suspiciousKeys } : {}),
  };
}

async function probeUnauthenticated(ping: () => Promise<string>): Promise<Known<{ reply: string; reachable: boolean }>> {
  try {
    const reply = (await ping()).trim();
    return known({ reply: reply.split(' ')[0] ?? reply, reachable: /^\+?PONG$/i.test(reply) });
  } catch (e) {
    const msg = (e as Error)?.message ?? String(e);
    // Refusals before any command (protected mode's DENIED, NOAUTH) answer the question: not reachable.
    if (/\b(DENIED|E605)\b/.test(msg)) return known({ reply: 'DENIED', reachable: false });
    if (/\b(NOAUTH|E601)\b/.test(msg)) return known({ reply: 'NOAUTH', reachable: false });
    return unknown(`unauthenticated PING failed: ${msg.split('\n')[0]}`);
  }
}

async function collectDryrun(
  conn: ProbeConnection,
  users: Known<UserFacts[]>,
  versionId: ServerFacts['versionId'],
  maxUsers: number,
): Promise<Known<Record<string, Record<string, boolean>>>> {
  if (!hasDryrun(versionId)) return unknown(`ACL DRYRUN is not available on ${versionId ?? 'this server'} (7.0+)`);
  if (!users.known) return unknown(`no user list: ${users.why}`);
  const names = users.value.map((u) => u.name).slice(0, maxUsers);
  if (names.length === 0) return known({});
  const commands = names.flatMap((u) => DRYRUN_PROBES.map((p) => ['ACL', 'DRYRUN', u, ...p]));
  const keys = DRYRUN_PROBES.map(probeKey);
  const replies = await conn.pipeline(commands);
  const out: Record<string, Record<string, boolean>> = {};
  let i = 0;
  for (const user of names) {
    const row: Record<string, boolean> = {};
    for (const key of keys) {
      const r = replies[i++];
      // "OK" = allowed; a text reply = the denial reason. An error (e.g. a renamed command is
      // "not found") answers nothing about permissions, so that probe is left out.
      if (isErrorReply(r)) continue;
      row[key] = asText(r) === 'OK';
    }
    out[user] = row;
  }
  return known(out);
}

function mergeInfo(replies: unknown[]): Known<InfoSections> {
  const merged: InfoSections = {};
  for (const r of replies) {
    if (isErrorReply(r)) return unknown(denied('INFO', r));
    const text = asText(r);
    if (text === undefined) return unknown(denied('INFO', r));
    Object.assign(merged, parseInfo(text));
  }
  return known(merged);
}

function renamedFromCommandList(reply: unknown): ServerFacts['renamedCommands'] {
  const arr = asArray(reply);
  if (!arr) return unknown(denied('COMMAND LIST', reply));
  // One pass over the ~240 names, striking off the ~24 watched ones (no set of every name).
  const missing = new Set<string>(WATCHED_COMMANDS);
  for (const x of arr) {
    const name = asText(x);
    if (name !== undefined) missing.delete(name.toLowerCase());
  }
  return known(WATCHED_COMMANDS.filter((c) => missing.has(c)).map((command) => ({ command, to: '' })));
}

/** COMMAND INFO returns nil for names the server does not know: rename-command hid them. */
function renamedFromCommandInfo(reply: unknown): ServerFacts['renamedCommands'] {
  const arr = asArray(reply);
  if (isErrorReply(reply) || !arr || arr.length !== WATCHED_COMMANDS.length) return unknown(denied('COMMAND INFO', reply));
  const missing: { command: string; to: string }[] = [];
  arr.forEach((item, idx) => {
    const name = WATCHED_COMMANDS[idx];
    // The new name is not visible live; '' means renamed away or disabled.
    if ((item === null || item === undefined) && name) missing.push({ command: name, to: '' });
  });
  return known(missing);
}

function localFacts(server: Record<string, string> | undefined, config: ServerFacts['config'], version: string | null) {
  const cfg = config.known ? config.value : {};
  const dir = cfg['dir']?.value;
  const rel = (p: string | undefined) => (p && dir && !isAbsolute(p) ? join(dir, p) : p);
  const files = statFiles([
    { path: server?.['config_file'] || undefined, kind: 'config' },
    { path: rel(cfg['aclfile']?.value || undefined), kind: 'acl' },
    { path: rel(cfg['tls-key-file']?.value || undefined), kind: 'tls-key' },
    { path: rel(cfg['tls-cert-file']?.value || undefined), kind: 'tls-cert' },
    { path: rel(cfg['tls-ca-cert-file']?.value || undefined), kind: 'tls-ca' },
    { path: dir, kind: 'dir' },
    { path: rel(cfg['dbfilename']?.value || undefined), kind: 'data' },
    { path: rel(cfg['logfile']?.value || undefined), kind: 'log' },
  ]);
  const pid = Number(server?.['process_id']);
  const owner = processUser(pid);
  // Only a server process visible here has its log here (a container's paths are its own).
  const logScan = owner ? serverLog(rel(cfg['logfile']?.value), config.known) : undefined;
  const service = owner ? serviceOf(pid) : undefined;
  return { files, process: owner, distro: debianPackage(pid, version), logScan, systemd: service ? systemdUnit(service) : undefined };
}

function systemdUnit(service: string): Known<SystemdUnitFacts> {
  const parts = readSystemdUnit(service);
  return parts ? known(parseSystemdUnit(parts)) : unknown(`the server runs in ${service}, whose unit file is in none of systemd's directories`);
}

/** The scan of the server's logfile; undefined when it logs to standard output (no file to read). */
function serverLog(path: string | undefined, configKnown: boolean): Known<LogScan> | undefined {
  if (!configKnown) return unknown('CONFIG GET was refused: the logfile is not known');
  if (!path) return undefined;
  try {
    return known(scanServerLog(path));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    // Only regular files are read (a FIFO or a device named as the logfile is left alone).
    if (err.code === 'ENOTREG') return unknown(`not read: ${err.message}`);
    return unknown(`cannot read ${path}: ${err.code ?? err.message}`);
  }
}

/** Which of SUSPICIOUS_KEYS exist in the connection's database (0): one EXISTS per key. */
async function probeSuspiciousKeys(conn: ProbeConnection): Promise<Known<string[]>> {
  const replies = await conn.pipeline(SUSPICIOUS_KEYS.map((k) => ['EXISTS', k]));
  const refused = replies.find((r) => isErrorReply(r));
  if (refused !== undefined) return unknown(denied('EXISTS', refused));
  if (replies.some((r) => r !== 0 && r !== 1)) return unknown('EXISTS returned an unexpected reply');
  return known(SUSPICIOUS_KEYS.filter((_, i) => replies[i] === 1));
}

/** HELLO's map (server, version, mode) in INFO server's names, for identifyServer. */
function helloAsInfoServer(reply: unknown): Record<string, string> | undefined {
  const p = asPairs(reply);
  const server = asText(p?.['server']);
  const version = asText(p?.['version']);
  if (!p || !server || !version) return undefined;
  const mode = asText(p['mode']);
  return {
    redis_version: version,
    ...(server === 'valkey' ? { server_name: 'valkey', valkey_version: version } : {}),
    ...(mode ? { redis_mode: mode } : {}),
  };
}
