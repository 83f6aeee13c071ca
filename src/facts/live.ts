/**
 * The live collector: a handful of pipelined round trips of read-only commands. It never opens a
 * socket itself; the caller hands it connections made by resp/ (which enforces the allowlist).
 * Whatever a reply does not show becomes `unknown` with the server's own reason.
 */
import { isAbsolute, join } from 'node:path';
import { known, unknown, type Known, type RenamedCommand, type ServerFacts, type TlsSessionFacts, type UserFacts } from './types.js';
import { commandNames, type VersionId } from '../versions/index.js';
import { visible } from '../text/visible.js';
import { parseInfo, type InfoSections } from './info.js';
import { identifyServer, hasDryrun } from './identity.js';
import { asArray, asPairs, asText, errorText, isErrorReply, knownFromReply, replyProblem } from './replies.js';
import { parseAclList, parseAclLog, parseClientList, parseConfigGet, parseModuleList } from './parse-replies.js';
import { DRYRUN_PROBES, SUSPICIOUS_KEYS, WATCHED_COMMANDS, probeKey } from './probes.js';
import { debianPackage, processUser, readSystemdUnit, scanServerLog, serviceOf, statFiles, type LogScan } from './local-host.js';
import { parseSystemdUnit, type SystemdUnitFacts } from './systemd.js';
import { versionTable } from '../versions/index.js';

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
  /** --config-command: the name CONFIG GET went out under, as the connection verified it (resp/). */
  configCommand?: { name: string; verified: boolean; detail: string } | undefined;
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
  // Names only (7.0+): it keeps a renamed command's original name and drops one renamed to "";
  // with COMMAND INFO (next round trip) that tells renamed from disabled. 6.2 answers an error.
  ['COMMAND', 'LIST'],
  // HELLO needs no @dangerous permission, so it names the server even when INFO is denied.
  ['HELLO', '2'],
];

/** The first round trip: everything that does not depend on an earlier reply. */
export const LIVE_BASE_COMMANDS = BASE_COMMANDS;

export async function collectLive(conn: ProbeConnection, target: string, opts: LiveCollectOptions = {}): Promise<ServerFacts> {
  const unauthP = opts.unauthenticatedPing ? probeUnauthenticated(opts.unauthenticatedPing) : Promise.resolve(unknown<{ reply: string; reachable: boolean }>('not probed'));
  const tlsP = opts.probeTls ? opts.probeTls().then(known, (e: unknown) => unknown<TlsSessionFacts>(`TLS probe failed: ${(e as Error)?.message ?? e}`)) : Promise.resolve(unknown<TlsSessionFacts>('target is not TLS'));

  const replies = opts.baseReplies?.length === BASE_COMMANDS.length ? opts.baseReplies : await conn.pipeline(BASE_COMMANDS.map((c) => [...c]));
  const infoReplies = replies.slice(0, INFO_SECTIONS.length);
  const [configR, whoamiR, aclListR, aclLogR, moduleR, clientR, commandListR, helloR] = replies.slice(INFO_SECTIONS.length);

  const info = mergeInfo(infoReplies);
  const identity = identifyServer(info.known ? info.value['server'] : helloAsInfoServer(helloR));
  const alias = opts.configCommand;
  const configRead = knownFromReply(alias?.verified ? `${visible(alias.name)} GET * (--config-command)` : 'CONFIG GET *', configR, parseConfigGet);
  // An alias that was not used says why next to CONFIG GET's own failure.
  const config: ServerFacts['config'] = !configRead.known && alias && !alias.verified ? unknown(`${configRead.why}; --config-command ${visible(alias.name)}: ${alias.detail}`) : configRead;
  const users = knownFromReply('ACL LIST', aclListR, parseAclList);
  const auditUser = (isErrorReply(whoamiR) ? undefined : asText(whoamiR)) ?? opts.authenticatedAs ?? null;

  // One more round trip: COMMAND INFO for the watched commands the version has, and the DRYRUN probes.
  const watched = identity.versionId ? WATCHED_COMMANDS.filter((c) => commandNames(identity.versionId!).has(c)) : [];
  const probes = dryrunPlan(users, identity.versionId, opts.maxDryrunUsers ?? 256);
  const infoCommands = watched.length > 0 ? [['COMMAND', 'INFO', ...watched]] : [];
  const round2 = infoCommands.length + probes.commands.length > 0 ? await conn.pipeline([...infoCommands, ...probes.commands]) : [];
  const dryrun = probes.decode(round2.slice(infoCommands.length));
  const extraAclCategories = await collectExtraCategories(conn, identity.versionId);
  const renamed = identity.versionId
    ? renamedCommands(identity.versionId, watched, { list: commandListR, info: round2[0], config: configR, alias: opts.configCommand })
    : unknown<RenamedCommand[]>('the server version is unknown: a command missing from COMMAND INFO may not exist in it');

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
    extraAclCategories,
    mode,
    config,
    unknownDirectives: [],
    duplicateDirectives: [],
    renamedCommands: renamed,
    ...(opts.configCommand ? { configCommand: opts.configCommand } : {}),
    aclSourceConflict: false,
    users,
    auditUser,
    unauthenticated: await unauthP,
    info,
    modules: knownFromReply('MODULE LIST', moduleR, parseModuleList),
    clients: knownFromReply('CLIENT LIST', clientR, parseClientList),
    aclLog: knownFromReply('ACL LOG', aclLogR, parseAclLog),
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

/** At most this many categories the tables lack are read (a server could report thousands). */
const MAX_EXTRA_CATEGORIES = 64;

/**
 * Categories the server has and its table lacks (modules add @search, @json ...), with members,
 * so the ACL engine can apply rules that name them instead of rejecting the user's rules.
 */
async function collectExtraCategories(conn: ProbeConnection, versionId: ServerFacts['versionId']): Promise<Known<Record<string, string[]>>> {
  if (!versionId) return unknown('no version table to compare ACL CAT with');
  const [catR] = await conn.pipeline([['ACL', 'CAT']]);
  const names = asArray(catR);
  if (!names) return unknown(replyProblem('ACL CAT', catR));
  const table = new Set(versionTable(versionId).categories);
  const extra = [...new Set(names.map((n) => asText(n)?.toLowerCase()).filter((n): n is string => n !== undefined && n !== '' && !table.has(n)))].slice(0, MAX_EXTRA_CATEGORIES);
  if (extra.length === 0) return known({});
  const replies = await conn.pipeline(extra.map((c) => ['ACL', 'CAT', c]));
  const out: Record<string, string[]> = {};
  extra.forEach((c, i) => {
    const members = asArray(replies[i]);
    if (members) out[c] = members.map((m) => asText(m)?.toLowerCase()).filter((m): m is string => m !== undefined);
  });
  return known(out);
}

interface DryrunPlan {
  commands: string[][];
  decode(replies: readonly unknown[]): Known<Record<string, Record<string, boolean>>>;
}

/** ACL DRYRUN of every probe for every user (at most maxUsers), sent with the second round trip. */
function dryrunPlan(users: Known<UserFacts[]>, versionId: ServerFacts['versionId'], maxUsers: number): DryrunPlan {
  const none = (why: string): DryrunPlan => ({ commands: [], decode: () => unknown(why) });
  if (!hasDryrun(versionId)) return none(`ACL DRYRUN is not available on ${versionId ?? 'this server'} (7.0+)`);
  if (!users.known) return none(`no user list: ${users.why}`);
  const names = users.value.map((u) => u.name).slice(0, maxUsers);
  const keys = DRYRUN_PROBES.map(probeKey);
  return {
    commands: names.flatMap((u) => DRYRUN_PROBES.map((p) => ['ACL', 'DRYRUN', u, ...p])),
    decode(replies) {
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
    },
  };
}

function mergeInfo(replies: unknown[]): Known<InfoSections> {
  const merged: InfoSections = {};
  for (const r of replies) {
    if (isErrorReply(r)) return unknown(replyProblem('INFO', r));
    const text = asText(r);
    if (text === undefined) return unknown(replyProblem('INFO', r));
    Object.assign(merged, parseInfo(text));
  }
  return known(merged);
}

interface RenameReplies {
  /** COMMAND LIST (7.0+; an error on 6.2). */
  list: unknown;
  /** COMMAND INFO of the watched commands, in order. */
  info: unknown;
  /** CONFIG GET *: "unknown command" is CONFIG's rename showing. */
  config: unknown;
  alias: LiveCollectOptions['configCommand'];
}

/**
 * Which watched commands rename-command changed, from what the server shows. The version's table
 * says which commands it has (FUNCTION and FCALL are not missing from 6.2: it never had them).
 * 7.x keeps a renamed command's original name in COMMAND LIST while COMMAND INFO of that name
 * answers nil (the table is keyed by the new name); a command renamed to "" is in neither.
 * 6.2 has no COMMAND LIST: nil from COMMAND INFO is "renamed or disabled".
 */
function renamedCommands(versionId: VersionId, watched: readonly string[], r: RenameReplies): Known<RenamedCommand[]> {
  const info = asArray(r.info);
  if (isErrorReply(r.info) || !info || info.length !== watched.length) return unknown(replyProblem('COMMAND INFO', r.info));
  let listed: Set<string> | undefined;
  if (!isErrorReply(r.list)) {
    const arr = asArray(r.list);
    if (!arr) return unknown(replyProblem('COMMAND LIST', r.list));
    listed = new Set();
    for (const x of arr) {
      const name = asText(x);
      if (name !== undefined) listed.add(name.toLowerCase());
    }
  }
  const configRefused = isErrorReply(r.config) && /unknown command/i.test(errorText(r.config)) ? `; CONFIG GET * fails: ${visible(errorText(r.config).slice(0, 120))}` : '';
  const out: RenamedCommand[] = [];
  watched.forEach((name, idx) => {
    const item = info[idx];
    if (item !== null && item !== undefined) return;
    const alias = name === 'config' && r.alias?.verified ? r.alias : undefined;
    const extra = name === 'config' ? (alias ? `; --config-command ${visible(alias.name)}: ${alias.detail}` : configRefused) : '';
    if (listed === undefined) {
      out.push({ command: name, to: alias?.name ?? null, ambiguous: alias === undefined, evidence: `${versionId} has ${name}, but COMMAND INFO ${name} answers nil; ${versionId} has no COMMAND LIST to tell a rename from ""${extra}` });
    } else if (listed.has(name)) {
      out.push({ command: name, to: alias?.name ?? null, evidence: `COMMAND LIST lists ${name}, but COMMAND INFO ${name} answers nil${extra}` });
    } else {
      out.push({ command: name, to: '', evidence: `${versionId} has ${name}, but neither COMMAND LIST nor COMMAND INFO knows it${extra}` });
    }
  });
  return known(out);
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
  if (refused !== undefined) return unknown(replyProblem('EXISTS', refused));
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
