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
import { directiveChecker } from './support.js';
import { splitArgs, UNBALANCED_QUOTES } from './tokenize.js';
import type { Directive, ParseOptions, ParsedConfig } from './types.js';

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
  parseSources([{ file: opts.file, text }], [], state);
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
 * Concatenates files as Redis does and hands each resulting line, with where it came from, to
 * `onLine` in order. Blank and comment lines (most of a stock redis.conf) are dropped here without
 * allocating anything, and no per-line record is built: lines go straight to the parser.
 */
function joinAsRedis(sources: { file: string; text: string }[], onLine: (text: string, file: string, line: number) => void): void {
  // The last line of a file without a final newline runs into the next file's first line.
  let open: string | undefined;
  let openFile = '';
  let openLine = 0;
  for (const { file, text } of sources) {
    let start = 0;
    for (let k = 0; ; k++) {
      const nl = text.indexOf('\n', start);
      const end = nl === -1 ? text.length : nl;
      if (k === 0 && open !== undefined && open !== '') open += text.slice(start, end);
      else if (nl !== -1 && skippable(text, start, end)) open = undefined;
      else {
        open = text.slice(start, end);
        openFile = file;
        openLine = k + 1;
      }
      if (nl === -1) break;
      if (open !== undefined) onLine(open, openFile, openLine);
      open = undefined;
      start = nl + 1;
    }
  }
  if (open !== undefined) onLine(open, openFile, openLine);
}

/** sdstolower: ASCII only (a copy only when there is an upper-case letter). */
function asciiLower(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) return s.replace(/[A-Z]/g, (u) => u.toLowerCase());
  }
  return s;
}

// One string per directive name rather than one per line: hundreds of thousands of `save` lines
// then share a name (less memory to keep, and later lookups compare the same string). Names come
// from input: the table is bounded.
const names = new Map<string, string>();

function internName(name: string): string {
  const known = names.get(name);
  if (known !== undefined) return known;
  if (names.size >= 10_000) names.clear();
  names.set(name, name);
  return name;
}

/** sdstrim(line, " \t\r\n"). */
function trimBlanks(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isTrimmed(s.charCodeAt(start))) start++;
  while (end > start && isTrimmed(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

function isTrimmed(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

function parseSources(sources: { file: string; text: string }[], includedFrom: Location[], state: ParseState): void {
  joinAsRedis(sources, (text, file, line) => parseLine(text, file, line, includedFrom, state));
}

function parseLine(text: string, file: string, line: number, includedFrom: Location[], state: ParseState): void {
  const trimmed = trimBlanks(text); // sdstrim
  if (trimmed === '' || trimmed.charCodeAt(0) === 0x23 /* # */) return;
  const tokens = splitArgs(trimmed);
  if (tokens === null) throw new ConfigSyntaxError(UNBALANCED_QUOTES, file, line);
  if (tokens.length === 0) return;
  const location: Location = { file, line };
  const name = internName(asciiLower(tokens[0] as string));
  const args = tokens.slice(1);
  const directive: Directive =
    includedFrom.length > 0 ? { name, args, location, includedFrom } : { name, args, location };
  if (name === 'user' && args.length - 1 > CONFIG_LIMITS.maxRulesPerUser) {
    throw limitError(`more than ${CONFIG_LIMITS.maxRulesPerUser} rules for one user`, location);
  }
  const problem = state.check?.(directive);
  if (problem !== undefined) throw new ConfigSyntaxError(problem, file, line);
  state.directives.push(directive);
  if (args.length !== 1) return;
  const arg = args[0] as string;
  if (name === 'include') include(arg, location, includedFrom, state);
  else if (name === 'dir') changeDir(arg, location, state);
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
  parseSources(sources, [...includedFrom, at], state);
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
