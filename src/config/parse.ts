/**
 * The redis.conf parser: lines, comments, tokens and includes exactly as redis-server reads them.
 * Redis splits the text on "\n", trims " \t\r\n", skips lines starting with '#', and lowercases the
 * first token. `include` reads its file relative to the process's working directory (which a
 * preceding `dir` changes, since Redis chdir()s while loading), not the including file; from 7.0 a
 * pattern with * ? [ is globbed and all matches are read as one text (so a file without a final
 * newline runs into the next one, and no match is not an error). Redis has no cycle detection
 * (it recurses until it crashes); here a cycle (by real path) is an error, and the walk is bounded
 * in depth, files, lines, bytes and glob work (config/limits.ts).
 */
import { posix as path } from 'node:path';
import { ConfigSyntaxError, isRedsecError, UsageError } from '../errors.js';
import type { Location } from '../report/types.js';
import { expandGlob, GlobLimitError, hasWildcard } from './glob.js';
import { CONFIG_LIMITS } from './limits.js';
import { trimSet } from '../text/index.js';
import { directiveChecker } from './support.js';
import { splitArgs, UNBALANCED_QUOTES } from './tokenize.js';
import type { Directive, ParseOptions, ParsedConfig } from './types.js';

interface SourceLine {
  text: string;
  file: string;
  line: number;
}

interface ParseState {
  opts: ParseOptions;
  cwd: string;
  directives: Directive[];
  files: string[];
  /** Absolute paths of every file read, in the order of `files`. */
  paths: string[];
  /** Real paths of the files being read, outermost first, for cycle detection. */
  stack: string[];
  /** Lines and bytes read so far, all files together. */
  lines: number;
  bytes: number;
  /** Validates directives in load order when opts.check is set. */
  check: ((d: Directive) => string | undefined) | undefined;
}

export function parseConfig(text: string, opts: ParseOptions): ParsedConfig {
  if (opts.check && opts.version === undefined) throw new UsageError('parseConfig: check needs a version');
  const cwd = opts.cwd ?? '/';
  const main = opts.path ?? path.resolve(cwd, opts.file);
  const state: ParseState = {
    opts,
    cwd,
    directives: [],
    files: [opts.file],
    paths: [main],
    stack: [realOf(opts, main)],
    lines: 0,
    bytes: 0,
    check: opts.check && opts.version !== undefined ? directiveChecker(opts.version) : undefined,
  };
  countInput(state, { file: opts.file, line: 0 }, text);
  parseLines(joinAsRedis([{ file: opts.file, text }]), [], state);
  return { file: opts.file, directives: state.directives, files: state.files, paths: state.paths };
}

function realOf(opts: ParseOptions, absolute: string): string {
  return opts.realPath?.(absolute) ?? absolute;
}

function limitError(what: string, at: Location): ConfigSyntaxError {
  return new ConfigSyntaxError(`${what} (redsec's limit; see SECURITY.md)`, at.file, at.line || 1);
}

/** Adds a file's text to the totals, refusing input past the documented limits. */
function countInput(state: ParseState, at: Location, text: string): void {
  const { maxFileBytes, maxTotalBytes, maxLines } = CONFIG_LIMITS;
  // UTF-16 length bounds the work; a UTF-8 byte count would cost a pass of its own.
  if (text.length > maxFileBytes) throw limitError(`config file larger than ${maxFileBytes} bytes`, at);
  state.bytes += text.length;
  if (state.bytes > maxTotalBytes) throw limitError(`config and its includes larger than ${maxTotalBytes} bytes`, at);
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    if (++state.lines > maxLines) throw limitError(`config and its includes longer than ${maxLines} lines`, at);
  }
}

/** Whether text[from, to) is blank or a comment once trimmed: such lines are skipped unread. */
function skippable(text: string, from: number, to: number): boolean {
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) break;
    i++;
  }
  return i === to || text.charCodeAt(i) === 0x23; /* # */
}

/**
 * Concatenates files as Redis does and remembers where each resulting line came from. Blank and
 * comment lines (most of a stock redis.conf) are dropped here without allocating anything.
 */
function joinAsRedis(sources: { file: string; text: string }[]): SourceLine[] {
  const lines: SourceLine[] = [];
  let open: SourceLine | undefined;
  for (const { file, text } of sources) {
    let start = 0;
    for (let k = 0; ; k++) {
      const nl = text.indexOf('\n', start);
      const end = nl === -1 ? text.length : nl;
      if (k === 0 && open !== undefined && open.text !== '') open.text += text.slice(start, end);
      else if (nl !== -1 && skippable(text, start, end)) open = undefined;
      else open = { text: text.slice(start, end), file, line: k + 1 };
      if (nl === -1) break;
      if (open !== undefined) lines.push(open);
      open = undefined;
      start = nl + 1;
    }
  }
  if (open !== undefined) lines.push(open);
  return lines;
}

/** sdstolower: ASCII only. */
function asciiLower(s: string): string {
  return /[A-Z]/.test(s) ? s.replace(/[A-Z]/g, (c) => c.toLowerCase()) : s;
}

function parseLines(lines: SourceLine[], includedFrom: Location[], state: ParseState): void {
  for (const source of lines) {
    const trimmed = trimSet(source.text, ' \t\r\n'); // sdstrim
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const location: Location = { file: source.file, line: source.line };
    const tokens = splitArgs(trimmed);
    if (tokens === null) throw new ConfigSyntaxError(UNBALANCED_QUOTES, location.file, location.line);
    if (tokens.length === 0) continue;
    const directive: Directive = {
      name: asciiLower(tokens[0] as string),
      args: tokens.slice(1),
      location,
      ...(includedFrom.length > 0 ? { includedFrom } : {}),
    };
    if (directive.name === 'user' && directive.args.length - 1 > CONFIG_LIMITS.maxRulesPerUser) {
      throw limitError(`more than ${CONFIG_LIMITS.maxRulesPerUser} rules for one user`, location);
    }
    const problem = state.check?.(directive);
    if (problem !== undefined) throw new ConfigSyntaxError(problem, location.file, location.line);
    state.directives.push(directive);
    if (directive.args.length !== 1) continue;
    const arg = directive.args[0] as string;
    if (directive.name === 'include') include(arg, location, includedFrom, state);
    else if (directive.name === 'dir') changeDir(arg, location, state);
  }
}

/** Redis chdir()s on `dir` while loading, which moves every later relative include. */
function changeDir(dir: string, at: Location, state: ParseState): void {
  const next = path.resolve(state.cwd, dir);
  const { listDir, check } = state.opts;
  if (check && listDir !== undefined && listDir(next) === undefined) {
    // 7.0+ reports strerror() at the line; 6.2 logs "Can't chdir to ..." and exits.
    const reason = state.opts.version === '6.2' ? `Can't chdir to '${dir}': No such file or directory` : 'No such file or directory';
    throw new ConfigSyntaxError(reason, at.file, at.line);
  }
  state.cwd = next;
}

function include(arg: string, at: Location, includedFrom: Location[], state: ParseState): void {
  const { readFile, listDir, version } = state.opts;
  if (readFile === undefined) throw new ConfigSyntaxError(`include '${arg}': no file access to read it`, at.file, at.line);
  if (arg.length > CONFIG_LIMITS.maxPatternLength) throw limitError(`include path longer than ${CONFIG_LIMITS.maxPatternLength} characters`, at);
  if (state.stack.length >= CONFIG_LIMITS.maxIncludeDepth) throw limitError(`includes nested deeper than ${CONFIG_LIMITS.maxIncludeDepth} levels`, at);
  let names: string[];
  if (hasWildcard(arg) && version !== '6.2') {
    if (listDir === undefined) throw new ConfigSyntaxError(`include '${arg}': no directory access to expand it`, at.file, at.line);
    try {
      names = expandGlob(arg, state.cwd, listDir, { maxEntries: CONFIG_LIMITS.maxGlobEntries, realPath: state.opts.realPath });
    } catch (e) {
      if (e instanceof GlobLimitError) throw new ConfigSyntaxError(`include '${arg}': ${e.message}`, at.file, at.line);
      throw refusal(e, arg, at);
    }
  } else {
    names = [arg];
  }
  if (state.files.length - 1 + names.length > CONFIG_LIMITS.maxIncludedFiles) {
    throw limitError(`include '${arg}': more than ${CONFIG_LIMITS.maxIncludedFiles} included files in all`, at);
  }
  const sources: { file: string; text: string }[] = [];
  const real: string[] = [];
  for (const name of names) {
    const absolute = path.resolve(state.cwd, name);
    const realPath = realOf(state.opts, absolute);
    if (state.stack.includes(realPath)) {
      const chain = [...state.stack.slice(state.stack.indexOf(realPath)), realPath].map((p) => path.basename(p)).join(' -> ');
      throw new ConfigSyntaxError(`include cycle: ${chain}`, at.file, at.line);
    }
    let text: string;
    try {
      text = readFile(absolute);
    } catch (err) {
      if (isRedsecError(err)) throw refusal(err, arg, at);
      throw new ConfigSyntaxError(`Fatal error, can't open config file '${name}': ${describeFsError(err)}`, at.file, at.line);
    }
    countInput(state, at, text);
    sources.push({ file: name, text });
    real.push(realPath);
    state.files.push(name);
    state.paths.push(absolute);
  }
  state.stack.push(...real);
  parseLines(joinAsRedis(sources), [...includedFrom, at], state);
  state.stack.length -= real.length;
}

/**
 * A reader or lister that refuses a path (the MCP read fence) throws a RedsecError: it is reported
 * for the include as written, never for what matched, so the answer says nothing about what exists.
 */
function refusal(err: unknown, arg: string, at: Location): unknown {
  return isRedsecError(err) ? new ConfigSyntaxError(`include '${arg}' refused: ${err.message}`, at.file, at.line) : err;
}

/** strerror() wording for the usual codes, so messages read like Redis's. */
function describeFsError(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  switch (code) {
    case 'ENOENT':
      return 'No such file or directory';
    case 'EACCES':
      return 'Permission denied';
    case 'ENOTDIR':
      return 'Not a directory';
    case 'ENOTREG':
      return 'not a regular file';
    case 'EFBIG':
      return `larger than ${CONFIG_LIMITS.maxFileBytes} bytes (redsec's limit; see SECURITY.md)`;
    case 'ELOOP':
      return 'Too many levels of symbolic links';
    default:
      return typeof code === 'string' ? code : 'cannot read';
  }
}
