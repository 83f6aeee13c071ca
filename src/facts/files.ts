/**
 * The offline collector: redis.conf (with includes), its aclfile (or --acl) and, where they are at
 * hand, the files they name → ServerFacts with file:line locations. Parsing is the config and ACL
 * engines' job; this module reads the files and stats them (the filesystem edge of lint).
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { readInputBytes, readInputFile } from '../input-file.js';
import { trimSet } from '../text/index.js';
import { effectiveConfig, loadConfigFile, quoteArg, type ConfigAccess, type ParsedConfig } from '../config/index.js';
import { parseAclFile, unknownCategoryNote, type AclOptions } from '../acl/index.js';
import { AclRuleError } from '../errors.js';
import { inspectCertificate } from '../certs/inspect.js';
import { versionTable, type TablesUsed, type VersionId } from '../versions/index.js';
import { known, unknown, type CertificateFacts, type FileFacts, type Known, type ServerFacts, type UserFacts } from './types.js';
import { statFiles } from './local-host.js';
import { parseSystemdUnit, type UnitText } from './systemd.js';
import { parseCompose, type ContainerFacts } from './compose.js';

export interface FilesCollectOptions {
  version: VersionId;
  /** The exact version when known (e.g. "7.0.15"), for version-specific verdicts such as CVEs. */
  exactVersion?: string | undefined;
  /** Which tables judge the config (and the note when the target is newer than them). */
  tables?: TablesUsed | undefined;
  /** An ACL file to use instead of (or in the absence of) the config's `aclfile`. */
  aclPath?: string;
  /**
   * The server's working directory when it starts: relative includes (and `dir`) resolve against
   * it, as redis-server would; the aclfile, TLS files and logfile against `dir` when one is set.
   * Default: the config file's own directory.
   */
  cwd?: string;
  /** A systemd unit file; drop-ins in FILE.d/*.conf are applied in file-name order. */
  systemdUnit?: string;
  /**
   * A fenced filesystem (MCP): config files are read and listed through it, files the config names
   * are read only when `mayLook` allows (else `refused` is thrown) and stat'ed only then (else they
   * are listed in filesWithheld). Default: the plain filesystem.
   */
  access?: (ConfigAccess & { mayLook: (path: string) => boolean; refused: (what: string) => Error }) | undefined;
  /**
   * `confPath` already parsed (without a version, from the same `cwd` and `access`), so it is not
   * read again; ignored for 6.2, whose includes read differently.
   */
  parsed?: ParsedConfig | undefined;
  /** A Docker Compose file that runs the server, and the service when several could be it. */
  compose?: string;
  composeService?: string;
}

export function collectFiles(confPath: string, opts: FilesCollectOptions): ServerFacts {
  const cwd = resolve(opts.cwd ?? dirname(confPath));
  const access = opts.access;
  // A parse without a version (as `parsed` may be) reads the same directives as one for any version
  // but 6.2, whose `include` does not expand globs.
  const parsed = opts.parsed !== undefined && opts.version !== '6.2' ? opts.parsed : loadConfigFile(confPath, { cwd, version: opts.version, access });
  const eff = effectiveConfig(parsed, opts.version);
  const at = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  // redis-server chdir()s to `dir` while it reads the config, and opens the aclfile, the TLS files
  // and the logfile only after that: their relative paths resolve against `dir`, not where it started.
  const serverDir = eff.values['dir']?.isDefault === true || !eff.values['dir']?.value ? cwd : at(eff.values['dir'].value);
  const atRuntime = (p: string) => (isAbsolute(p) ? p : resolve(serverDir, p));
  /** A directive the files set themselves (not a default filled in for it). */
  const written = (name: string) => (eff.values[name]?.isDefault === true ? undefined : value(name));
  const value = (name: string) => {
    const v = eff.values[name]?.value;
    return v === undefined || v === '' ? undefined : v;
  };

  const inlineUsers: UserFacts[] = eff.users.map((u) => ({ name: u.name, rules: u.rules.map(quoteArg).join(' '), location: u.location }));
  const aclPath = opts.aclPath ?? eff.aclfile?.path;
  let users: Known<UserFacts[]> = known(inlineUsers);
  const aclFiles: string[] = [];
  if (aclPath !== undefined) {
    const file = opts.aclPath !== undefined ? opts.aclPath : atRuntime(aclPath);
    if (opts.aclPath === undefined && access !== undefined && !access.mayLook(file)) throw access.refused(`aclfile ${aclPath}`);
    if (opts.aclPath === undefined && !(access ? access.realPath(file) !== undefined : existsSync(file))) {
      users = unknown(`aclfile ${aclPath} is not readable here; pass it with --acl FILE`);
    } else {
      users = known([...(eff.conflict ? inlineUsers : []), ...readAclFile(file, opts.version, value('acl-pubsub-default'))]);
      aclFiles.push(file);
    }
  }

  const tlsCert = value('tls-cert-file');
  const certificates: CertificateFacts[] = [];
  if (tlsCert) {
    if (access !== undefined && !access.mayLook(atRuntime(tlsCert))) throw access.refused(`tls-cert-file ${tlsCert}`);
    const cert = readCertificate(atRuntime(tlsCert));
    if (cert) certificates.push(cert);
  }
  const dir = value('dir');
  const dbfilename = value('dbfilename');
  const named: { path: string | undefined; kind: FileFacts['kind'] }[] = [
    ...parsed.paths.map((f) => ({ path: f, kind: 'config' as const })),
    ...aclFiles.map((f) => ({ path: f, kind: 'acl' as const })),
    { path: value('tls-key-file') && atRuntime(value('tls-key-file') as string), kind: 'tls-key' },
    { path: tlsCert && atRuntime(tlsCert), kind: 'tls-cert' },
    { path: value('tls-ca-cert-file') && atRuntime(value('tls-ca-cert-file') as string), kind: 'tls-ca' },
    { path: dir && at(dir), kind: 'dir' },
    { path: dir && dbfilename ? resolve(at(dir), dbfilename) : undefined, kind: 'data' },
    { path: value('logfile') && atRuntime(value('logfile') as string), kind: 'log' },
  ];
  const withheld = access ? named.filter((f): f is { path: string; kind: FileFacts['kind'] } => f.path !== undefined && !access.mayLook(f.path)) : [];
  const files = statFiles(named.filter((f) => !withheld.includes(f as (typeof withheld)[number])));

  const table = versionTable(opts.version);
  return {
    source: 'files',
    target: confPath,
    flavor: table.flavor,
    version: opts.exactVersion ?? null,
    versionId: opts.version,
    tables: opts.tables,
    mode: known(value('cluster-enabled') === 'yes' ? 'cluster' : 'standalone'),
    config: known(eff.values),
    unknownDirectives: [...eff.unknown, ...eff.invalid],
    duplicateDirectives: eff.duplicates,
    renamedCommands: known(eff.renamed),
    aclSourceConflict: eff.conflict,
    users,
    auditUser: null,
    unauthenticated: unknown('offline lint: no server to probe'),
    info: unknown('offline lint: no INFO'),
    modules: known(eff.modules.map((m) => ({ name: basename(m.path).replace(/\.so$/, ''), version: '', path: m.path }))),
    clients: unknown('offline lint: no clients'),
    aclLog: unknown('offline lint: no ACL LOG'),
    dryrun: unknown('offline lint: ACL DRYRUN needs a server'),
    tls: unknown('offline lint: no TLS handshake'),
    certificates,
    files: known(files),
    ...(withheld.length > 0 ? { filesWithheld: withheld.map(({ path, kind }) => ({ path, kind })) } : {}),
    process: unknown('offline lint: no server process'),
    ...(opts.systemdUnit !== undefined ? { systemd: known(parseSystemdUnit(readUnitFile(opts.systemdUnit))) } : {}),
    ...(opts.compose !== undefined ? { container: known(readCompose(opts.compose, opts.composeService, written('protected-mode'), value('port'))) } : {}),
  };
}

function readCompose(file: string, service: string | undefined, protectedMode: string | undefined, port: string | undefined): ContainerFacts {
  return parseCompose(readInputFile(file, 'compose file'), file, {
    ...(service !== undefined ? { service } : {}),
    ...(protectedMode !== undefined ? { configProtectedMode: protectedMode } : {}),
    ...(port !== undefined && /^\d+$/.test(port) ? { configPort: Number(port) } : {}),
  });
}

/** A unit file named on the command line and its drop-ins; unreadable is bad input. */
function readUnitFile(file: string): UnitText[] {
  const read = (path: string) => readInputFile(path, 'systemd unit');
  let dropIns: string[] = [];
  try {
    dropIns = readdirSync(`${file}.d`).filter((f) => f.endsWith('.conf')).sort();
  } catch {
    // no drop-in directory
  }
  return [{ file, text: read(file) }, ...dropIns.map((f) => ({ file: `${file}.d/${f}`, text: read(`${file}.d/${f}`) }))];
}

/**
 * Users of an ACL file, validated by the ACL engine (the first error is thrown with file:line, as
 * redis-server would refuse to start), with their rules exactly as written so the rules can see
 * cleartext passwords. ACL files have no quoting: a line is split on single spaces.
 */
/**
 * Parses the file as the server would, except that rules naming a category the tables lack
 * (Redis 8's @search, @json ... exist where their modules load) do not stop the lint: the rules
 * judge those users unknown and say why. Any other error is the server's refusal, as before.
 */
function validateAclFile(text: string, file: string, opts: AclOptions): void {
  let checked = text;
  for (let round = 0; round < 16; round++) {
    try {
      parseAclFile(checked, file, opts);
      return;
    } catch (e) {
      if (!(e instanceof AclRuleError) || unknownCategoryNote(e.rule, opts.version) === undefined) throw e;
      const rule = e.rule;
      // Drop that one rule everywhere (empty tokens are no-ops in ACL files) and look for other errors.
      checked = checked.split('\n').map((l) => l.split(' ').map((t) => (t === rule ? '' : t)).join(' ')).join('\n');
    }
  }
}

function readAclFile(file: string, version: VersionId, pubsub: string | undefined): UserFacts[] {
  const text = readInputFile(file, 'ACL file');
  validateAclFile(text, file, { version, ...(pubsub === 'allchannels' || pubsub === 'resetchannels' ? { pubsubDefault: pubsub } : {}) });
  const users: UserFacts[] = [];
  text.split('\n').forEach((raw, i) => {
    const argv = trimSet(raw, ' \t\r\n').split(' ');
    if (argv[0] !== 'user' || argv[1] === undefined) return;
    users.push({ name: argv[1], rules: argv.slice(2).filter((t) => t !== '').join(' '), location: { file, line: i + 1 } });
  });
  // 6.2 lets a later line for the same user win; 7.0+ refuses duplicates (parseAclFile threw).
  const last = new Map(users.map((u) => [u.name, u]));
  return [...last.values()];
}

function readCertificate(path: string): CertificateFacts | undefined {
  try {
    // The leaf (first) certificate of the file, read by certs/ like every other certificate.
    return inspectCertificate(readInputBytes(path, 'certificate'), { source: path });
  } catch {
    return undefined;
  }
}
