import type { Location } from '../report/types.js';
import type { VersionId } from '../versions/index.js';

/** One non-comment line of redis.conf, tokenised. */
export interface Directive {
  /** Lowercased first token, as Redis compares it. */
  name: string;
  args: string[];
  location: Location;
  /** The `include` lines that led here, outermost first; absent for the main file. */
  includedFrom?: Location[];
}

export interface ParsedConfig {
  /** The main file, as given. */
  file: string;
  /** Every directive in the order Redis applies them (includes expanded in place). */
  directives: Directive[];
  /** Every file read, main file first, as Redis would name it (include arguments, glob results). */
  files: string[];
  /** The same files as absolute paths (what was actually read), for stat() and cycle detection. */
  paths: string[];
}

export interface DirEntry {
  name: string;
  isDirectory: boolean;
}

export interface ParseOptions {
  /** Name of the text's file, used in locations and errors. */
  file: string;
  /**
   * The main file's absolute path. A relative `file` names it from the process's working
   * directory, which need not be the server's `cwd` (default: `file` resolved against `cwd`).
   */
  path?: string | undefined;
  /** Reads an included file (absolute path); throws when it cannot. Without it, `include` is an error. */
  readFile?: (path: string) => string;
  /** Lists a directory (absolute path), or undefined when it is not one. Needed for glob includes and `dir`. */
  listDir?: (path: string) => DirEntry[] | undefined;
  /** The real path of an existing file or directory (symlinks resolved), or undefined; for cycle and loop detection. */
  realPath?: ((path: string) => string | undefined) | undefined;
  /** The server's working directory at start-up: relative includes resolve against it, not the including file. */
  cwd?: string;
  /** Target version: 6.2 has no glob includes; with `check`, directives are validated as this version would. */
  version?: VersionId;
  /** Validate every directive in order as `version` would, throwing the first problem (Redis stops there too). */
  check?: boolean;
}
