/**
 * The read-only allowlist, enforced here before a single byte is written: no code path of redsec can
 * send CONFIG SET, FLUSHALL, KEYS, MONITOR or any write to a server it audits. Commands compare
 * case-insensitively by name and, for containers (CONFIG, ACL, CLIENT ...), by subcommand; where a
 * subcommand has a writing variant (ACL LOG RESET, HELLO ... SETNAME) the arguments are checked too.
 */
import { ForbiddenCommandError } from '../errors.js';

type ArgCheck = (rest: readonly string[]) => boolean;

const none: ArgCheck = (rest) => rest.length === 0;
const any: ArgCheck = () => true;
const exactly = (n: number): ArgCheck => (rest) => rest.length === n;
const atMost = (n: number): ArgCheck => (rest) => rest.length <= n;
const atLeast = (n: number): ArgCheck => (rest) => rest.length >= n;
const isCount = (s: string | undefined): boolean => s !== undefined && /^\d{1,9}$/.test(s);

/** `HELLO [2|3] [AUTH user pass]`: no SETNAME, which would change the connection's name. */
const hello: ArgCheck = (rest) => {
  if (rest.length === 0) return true;
  if (rest[0] !== '2' && rest[0] !== '3') return false;
  if (rest.length === 1) return true;
  return rest.length === 4 && rest[1]?.toUpperCase() === 'AUTH';
};

/** `ACL LOG [count]`, never `ACL LOG RESET`, which erases the evidence an auditor came for. */
const aclLog: ArgCheck = (rest) => rest.length === 0 || (rest.length === 1 && isCount(rest[0]));

type Entry = { args: ArgCheck } | { sub: Readonly<Record<string, ArgCheck>> };

const TABLE: Readonly<Record<string, Entry>> = {
  PING: { args: atMost(1) },
  AUTH: { args: (rest) => rest.length === 1 || rest.length === 2 },
  HELLO: { args: hello },
  INFO: { args: any },
  ROLE: { args: none },
  TIME: { args: none },
  DBSIZE: { args: none },
  CONFIG: { sub: { GET: atLeast(1) } },
  ACL: {
    sub: { WHOAMI: none, LIST: none, USERS: none, GETUSER: exactly(1), CAT: atMost(1), DRYRUN: atLeast(2), LOG: aclLog },
  },
  COMMAND: { sub: { COUNT: none, INFO: any, DOCS: any, LIST: any } },
  CLIENT: { sub: { INFO: none, LIST: any, ID: none } },
  MODULE: { sub: { LIST: none } },
  LATENCY: { sub: { LATEST: none, HISTORY: exactly(1), DOCTOR: none } },
  SLOWLOG: { sub: { GET: (rest) => rest.length === 0 || (rest.length === 1 && isCount(rest[0])), LEN: none } },
  MEMORY: { sub: { DOCTOR: none, STATS: none } },
  CLUSTER: { sub: { INFO: none, NODES: none, MYID: none } },
  SENTINEL: {
    sub: { MASTERS: none, MASTER: exactly(1), REPLICAS: exactly(1), SLAVES: exactly(1), SENTINELS: exactly(1), 'GET-MASTER-ADDR-BY-NAME': exactly(1), MYID: none },
  },
};

/**
 * Opt-in key reads for the IOC-CRON-KEYS check only: EXISTS and a capped SCAN. A connection gets
 * them only when this object is passed explicitly; the default client cannot send them.
 */
export interface KeyReadPolicy {
  /** Upper bound for SCAN's COUNT (and the default when COUNT is missing the server uses 10); 0: no SCAN. */
  maxScanCount: number;
  /** Upper bound on keys per EXISTS. */
  maxExistsKeys?: number;
}

export interface AllowPolicy {
  keyReads?: KeyReadPolicy | undefined;
  /**
   * CONFIG's name on a server with `rename-command CONFIG NAME` (--config-command), once the
   * connection has verified with COMMAND INFO NAME that the server's NAME is CONFIG: then exactly
   * `NAME GET <parameter>...` is allowed, as the read-only CONFIG GET it is; nothing else of NAME.
   */
  configAlias?: string | undefined;
}

/** `NAME GET <parameter>...` for the verified CONFIG alias. */
function configAliasAllowed(name: string, rest: readonly string[], alias: string | undefined): boolean {
  return alias !== undefined && name === alias.toUpperCase() && rest.length >= 2 && rest[0]?.toUpperCase() === 'GET';
}

function keyReadAllowed(name: string, rest: readonly string[], policy: KeyReadPolicy): boolean {
  if (name === 'EXISTS') return rest.length >= 1 && rest.length <= (policy.maxExistsKeys ?? 16);
  if (name !== 'SCAN' || policy.maxScanCount < 1) return false;
  if (!isCount(rest[0])) return false;
  // SCAN cursor [MATCH pattern] [COUNT n] [TYPE t], each option at most once, COUNT capped.
  const seen = new Set<string>();
  for (let i = 1; i < rest.length; i += 2) {
    const opt = rest[i]?.toUpperCase() ?? '';
    const value = rest[i + 1];
    if (value === undefined || seen.has(opt)) return false;
    seen.add(opt);
    if (opt === 'COUNT') {
      if (!isCount(value) || Number(value) > policy.maxScanCount || Number(value) < 1) return false;
    } else if (opt !== 'MATCH' && opt !== 'TYPE') return false;
  }
  return true;
}

/** The allowlisted commands, as "NAME" or "NAME SUBCOMMAND", for documentation and reports. */
export const ALLOWLIST: readonly string[] = Object.entries(TABLE).flatMap(([name, entry]) =>
  'sub' in entry ? Object.keys(entry.sub).map((s) => `${name} ${s}`) : [name],
);

/** The opt-in key reads (see KeyReadPolicy). */
export const KEY_READ_COMMANDS: readonly string[] = ['EXISTS', 'SCAN'];

export function isAllowed(args: readonly string[], policy: AllowPolicy = {}): boolean {
  const [first, ...rest] = args;
  if (first === undefined || args.some((a) => typeof a !== 'string')) return false;
  const name = first.toUpperCase();
  const entry = TABLE[name];
  if (!entry) {
    if (configAliasAllowed(name, rest, policy.configAlias)) return true;
    return policy.keyReads ? keyReadAllowed(name, rest, policy.keyReads) : false;
  }
  if ('args' in entry) return entry.args(rest);
  const [sub, ...subRest] = rest;
  const check = sub === undefined ? undefined : entry.sub[sub.toUpperCase()];
  return check !== undefined && check(subRest);
}

/** The command's name for messages: never its arguments, which may hold passwords. */
export function commandName(args: readonly string[]): string {
  const [first, second] = args;
  const name = (first ?? '').toUpperCase();
  const entry = TABLE[name];
  return entry && 'sub' in entry && second !== undefined ? `${name} ${second.toUpperCase()}` : name;
}

/** Throws ForbiddenCommandError unless every command is allowed. */
export function assertAllowed(commands: readonly (readonly string[])[], policy: AllowPolicy = {}): void {
  for (const args of commands) {
    if (!isAllowed(args, policy)) throw new ForbiddenCommandError(commandName(args).slice(0, 64) || '(empty)');
  }
}
