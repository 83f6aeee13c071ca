/** `redsec lint` as a library: config files → facts → the same rules → report. */
import { closeSync, openSync, readSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { inferServer, loadConfigFile, type LoadOptions, type ParsedConfig, type ServerGuess } from '../config/index.js';
import { InputError } from '../errors.js';
import { collectFiles } from '../facts/index.js';
import type { Report } from '../report/types.js';
import { requestVersion, tableName, tablesUsed, type TablesUsed, type VersionId } from '../versions/index.js';
import { evaluateFacts, type EvaluateOptions } from './evaluate.js';
import { displayPath, relocateFindings } from './lint-locations.js';
import { stampTimes } from './report.js';

export interface LintOptions extends EvaluateOptions {
  aclPath?: string;
  /** A table id (6.2 ... 8.0, valkey-7.2 ... valkey-8.1), a newer line (8.2) or an exact version such as 7.0.15 (default 7.2). */
  redisVersion?: string;
  /** The server's working directory for relative paths (default: the config file's directory). */
  cwd?: string;
  /** The systemd unit that runs the server (its FILE.d/*.conf drop-ins are applied), for OS-SYSTEMD. */
  systemdUnit?: string;
  /** A Docker Compose file that runs the server (and the service, when several run redis/valkey), for OS-CONTAINER. */
  compose?: string;
  composeService?: string;
}

export const DEFAULT_LINT_VERSION: VersionId = '7.2';

/**
 * The tables a lint judges with: --redis-version (a newer line or release resolves to the nearest
 * tables, with a note in the report), else the profile's version, else the default.
 */
export function lintTarget(given: string | undefined, profileVersion: VersionId | undefined, field: string): { version: VersionId; exactVersion?: string | undefined; tables?: TablesUsed | undefined } {
  const text = given?.trim();
  if (!text) return { version: profileVersion ?? DEFAULT_LINT_VERSION };
  const r = requestVersion(text);
  if (!r.ok) throw new InputError(r.reason, field);
  return { version: r.choice.id, exactVersion: r.exact ? r.version : undefined, tables: tablesUsed(r.choice, r.flavor, r.version) };
}

/** The first bytes of the main file: enough for the stock files' header comment. */
function head(file: string, bytes = 4096): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    return buf.subarray(0, readSync(fd, buf, 0, bytes, 0)).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Without --redis-version or a profile's version: the server the file was written for (Valkey's header, flavour-only directives). */
function guessFromFile(confPath: string, cwd: string, access: LoadOptions['access']): { guess: ServerGuess; parsed: ParsedConfig } {
  const parsed = loadConfigFile(confPath, { cwd, access });
  const text = access ? access.readFile(resolve(confPath)).slice(0, 4096) : head(confPath);
  return { guess: inferServer(text, parsed.directives, DEFAULT_LINT_VERSION), parsed };
}

function targetFromGuess(guess: ServerGuess): { version: VersionId; tables: TablesUsed } | undefined {
  if (!guess.fromFile) return undefined;
  return { version: guess.version, tables: { id: guess.version, from: tableName(guess.version), target: tableName(guess.version), note: guess.why } };
}

/** The tables inferred from the file, with the reason as the report's note; undefined when the file names no server. */
export function inferredLintTarget(confPath: string, cwd: string, access?: LoadOptions['access']): { version: VersionId; tables: TablesUsed } | undefined {
  return targetFromGuess(guessFromFile(confPath, cwd, access).guess);
}

export function lintFiles(confPath: string, opts: LintOptions): Report {
  const started = new Date();
  let target = lintTarget(opts.redisVersion, opts.profile?.redis_version, '--redis-version');
  const given = opts.redisVersion?.trim();
  const guessed = !given && !opts.profile?.redis_version ? guessFromFile(confPath, resolve(opts.cwd ?? dirname(confPath)), undefined) : undefined;
  const inferred = guessed && targetFromGuess(guessed.guess);
  if (inferred) target = inferred;
  const facts = collectFiles(confPath, {
    ...target,
    // The guess already parsed the same file from the same directory: a 10 MB config is not read twice.
    parsed: guessed?.parsed,
    ...(opts.aclPath !== undefined ? { aclPath: opts.aclPath } : {}),
    ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
    ...(opts.systemdUnit !== undefined ? { systemdUnit: opts.systemdUnit } : {}),
    ...(opts.compose !== undefined ? { compose: opts.compose } : {}),
    ...(opts.composeService !== undefined ? { composeService: opts.composeService } : {}),
  });
  const report = evaluateFacts(facts, opts);
  // What the rules assumed, as asked for (8.2 stays 8.2; server.tables says which tables judged it).
  report.server.assumed = given
    ? { version: given, source: 'flag' }
    : { version: target.version, source: opts.profile?.redis_version ? 'profile' : inferred ? 'file' : 'default' };
  // Locations relative to the directory lint runs in (the repository root in CI), whatever the
  // spelling each file was reached by; subjects read from the located lines for fingerprints.
  report.findings = relocateFindings(report.findings, {
    serverCwd: opts.cwd ?? dirname(confPath),
    given: [confPath, opts.aclPath, opts.systemdUnit, opts.compose],
  });
  report.artifact = displayPath(resolve(process.cwd()), resolve(confPath));
  return stampTimes(report, started, new Date());
}
