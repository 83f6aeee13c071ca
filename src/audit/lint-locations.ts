/**
 * Lint's file edge for report locations: every location becomes a path relative to the directory
 * lint runs in (the repository root in CI; files outside it keep their absolute path), so SARIF, GitLab and the text formats name the same
 * file whichever way it was reached (the main file and --acl as given on the command line,
 * includes and aclfile relative to the server's working directory). Findings without a subject
 * get one from the located line: the directive name, or `user NAME` for ACL lines.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Finding } from '../report/types.js';

export interface RelocateOptions {
  /** The server's working directory: relative include/aclfile paths in the facts resolve against it. */
  serverCwd: string;
  /** Paths given on the command line (relative to the process's directory). */
  given: (string | undefined)[];
  /** The directory locations are made relative to (default: the process's). */
  base?: string | undefined;
}

/** Lines of a file at most this long are read for subjects; longer files keep none. */
const MAX_BYTES = 4 * 1024 * 1024;

export function relocateFindings(findings: Finding[], opts: RelocateOptions): Finding[] {
  const base = resolve(opts.base ?? process.cwd());
  const given = opts.given.filter((g): g is string => g !== undefined);
  const lines = new Map<string, string[] | null>();
  const absolute = (file: string): string => {
    if (isAbsolute(file)) return file;
    // A path given on the command line (or a systemd drop-in beside one) is relative to the process.
    if (given.some((g) => file === g || file.startsWith(`${g}.d/`))) return resolve(file);
    return resolve(opts.serverCwd, file);
  };
  const lineOf = (abs: string, line: number): string | undefined => {
    if (!lines.has(abs)) lines.set(abs, readLines(abs));
    return lines.get(abs)?.[line - 1];
  };
  return findings.map((f) => {
    if (!f.location) return f;
    const abs = absolute(f.location.file);
    const out: Finding = { ...f, location: { file: displayPath(base, abs), line: f.location.line } };
    if (out.subject === undefined && f.location.line > 0) {
      const subject = subjectOf(lineOf(abs, f.location.line));
      if (subject !== undefined) out.subject = subject;
    }
    return out;
  });
}

/** Relative to `base` when the file is under it; a file elsewhere keeps its absolute path. */
export function displayPath(base: string, abs: string): string {
  const rel = relative(base, abs);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return abs;
  return rel.split(sep).join('/');
}

function readLines(file: string): string[] | null {
  try {
    const buf = readFileSync(file);
    return buf.length > MAX_BYTES ? null : buf.toString('utf8').split('\n');
  } catch {
    return null;
  }
}

/** `bind 0.0.0.0` → `bind`; `user app on >x` → `user app`; `User=redis` → `User`. Never a value. */
export function subjectOf(line: string | undefined): string | undefined {
  const tokens = line?.trim().split(/[\s=:]+/).filter((t) => t !== '');
  const first = tokens?.[0];
  if (first === undefined || first.startsWith('#')) return undefined;
  if (first.toLowerCase() === 'user' && tokens?.[1] !== undefined) return `user ${tokens[1]}`;
  return first.toLowerCase();
}
