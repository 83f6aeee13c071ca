/**
 * The [Service] settings OS-SYSTEMD reads from a unit file and its drop-ins, combined as systemd
 * combines them: later files and later lines win, an empty assignment resets a list, a trailing
 * backslash continues a line, `#` and `;` start comments.
 */

export interface SystemdUnitFacts {
  /** The unit file, with " + N drop-ins" when drop-ins were applied. */
  file: string;
  user?: string;
  noNewPrivileges: boolean;
  protectSystem?: string;
  /** ReadWritePaths (and its old name ReadWriteDirectories), without the `-`/`+` prefixes. */
  readWritePaths: string[];
}

export interface UnitText {
  file: string;
  text: string;
}

/** systemd's boolean syntax (parse_boolean). */
function parseBoolean(value: string): boolean | undefined {
  const v = value.toLowerCase();
  if (['1', 'yes', 'y', 'true', 't', 'on'].includes(v)) return true;
  if (['0', 'no', 'n', 'false', 'f', 'off'].includes(v)) return false;
  return undefined;
}

/** ProtectSystem's value: a boolean spelled any way becomes yes/no; "full" and "strict" stay. */
function protectSystemValue(value: string): string | undefined {
  if (value === '') return undefined;
  const b = parseBoolean(value);
  return b === undefined ? value.toLowerCase() : b ? 'yes' : 'no';
}

/** A space-separated path list, double or single quotes allowed around an entry. */
function pathList(value: string): string[] {
  const out: string[] = [];
  for (const m of value.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) {
    const word = m[1] ?? m[2] ?? m[3] ?? '';
    out.push(word.replace(/^[-+]+/, ''));
  }
  return out;
}

/** Logical lines of a unit file: comments dropped, continuations joined. */
function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let pending: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (pending === undefined && (line === '' || line.startsWith('#') || line.startsWith(';'))) continue;
    // Comment lines inside a continuation are skipped, as systemd does.
    if (pending !== undefined && (line.startsWith('#') || line.startsWith(';'))) continue;
    const joined = pending === undefined ? line : `${pending} ${line}`;
    if (joined.endsWith('\\')) pending = joined.slice(0, -1).trimEnd();
    else {
      lines.push(joined);
      pending = undefined;
    }
  }
  if (pending !== undefined) lines.push(pending);
  return lines;
}

/** Combines the unit file and its drop-ins (in the order given: the unit first). */
export function parseSystemdUnit(parts: readonly UnitText[]): SystemdUnitFacts {
  let user: string | undefined;
  let noNewPrivileges = false;
  let protectSystem: string | undefined;
  let readWritePaths: string[] = [];
  for (const { text } of parts) {
    let section = '';
    for (const line of logicalLines(text)) {
      const header = /^\[([^\]]+)\]$/.exec(line);
      if (header) {
        section = header[1] ?? '';
        continue;
      }
      if (section !== 'Service') continue;
      const eq = line.indexOf('=');
      if (eq < 0) continue;
      const key = line.slice(0, eq).trim();
      const value = line.slice(eq + 1).trim();
      if (key === 'User') user = value === '' ? undefined : value;
      else if (key === 'NoNewPrivileges') noNewPrivileges = value === '' ? false : (parseBoolean(value) ?? noNewPrivileges);
      else if (key === 'ProtectSystem') protectSystem = protectSystemValue(value);
      else if (key === 'ReadWritePaths' || key === 'ReadWriteDirectories') readWritePaths = value === '' ? [] : [...readWritePaths, ...pathList(value)];
    }
  }
  const [unit, ...dropIns] = parts;
  const file = `${unit?.file ?? '(none)'}${dropIns.length > 0 ? ` + ${dropIns.length} drop-in${dropIns.length > 1 ? 's' : ''}` : ''}`;
  return { file, ...(user !== undefined ? { user } : {}), noNewPrivileges, ...(protectSystem !== undefined ? { protectSystem } : {}), readWritePaths };
}
