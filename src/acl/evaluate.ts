import { InputError } from '../errors.js';
import { commandIndex, lookupArgv, type AclCommand, type CommandIndex } from './commands.js';
import { aclContext } from './context.js';
import { compileGlob, globMatch } from './glob.js';
import { commandHasKeys, extractKeys, type KeyBuffer } from './keys.js';
import type { AclProfile } from './profile.js';
import { isCommandBitSet } from './rules.js';
import type { AclOptions, AclSelector, AclUser, AclVerdict, KeyPattern } from './types.js';

const OK = 0;
const DENIED_CMD = 1;
const DENIED_KEY = 2;
const DENIED_CHANNEL = 4;

interface SelectorResult {
  code: number;
  idx: number;
}

type Matcher = (subject: string) => boolean;
// Users are immutable, so a selector's pattern list can carry its compiled matchers.
const keyMatchers = new WeakMap<readonly KeyPattern[], Matcher[]>();
const keyMatchersNoLimit = new WeakMap<readonly KeyPattern[], Matcher[]>();

function matchersFor(keys: readonly KeyPattern[], globLimit: boolean): Matcher[] {
  const cache = globLimit ? keyMatchers : keyMatchersNoLimit;
  let m = cache.get(keys);
  if (!m) {
    m = keys.map((k) => compileGlob(k.pattern, globLimit));
    cache.set(keys, m);
  }
  return m;
}

/** ACLSelectorCheckKey */
function keyAllowed(s: AclSelector, key: string, need: number, globLimit: boolean): boolean {
  if (s.allKeys) return true;
  const keys = s.keys;
  const m = matchersFor(keys, globLimit);
  for (let i = 0; i < keys.length; i++) {
    if ((keys[i]!.perms & need) !== need) continue;
    if (m[i]!(key)) return true;
  }
  return false;
}

function channelAllowed(s: AclSelector, channel: string, literal: boolean, globLimit: boolean): boolean {
  for (const p of s.channels) {
    if (literal ? p === channel : globMatch(p, channel, globLimit)) return true;
  }
  return false;
}

function commandPasses(s: AclSelector, cmd: AclCommand, argv: readonly string[]): boolean {
  if (s.allCommands || cmd.noAuth || isCommandBitSet(s.bits, cmd.id)) return true;
  const firstArgs = s.firstArgs.get(cmd.id);
  if (argv.length < 2 || !firstArgs) return false;
  const arg = argv[cmd.parent ? 2 : 1];
  if (arg === undefined) return false;
  const lower = arg.toLowerCase();
  return firstArgs.some((a) => a.toLowerCase() === lower);
}

/** ACLSelectorCheckCmd; `keys` is the per-call cache shared by the selectors. */
function checkSelector(
  s: AclSelector,
  cmd: AclCommand,
  argv: readonly string[],
  profile: AclProfile,
  cache: { keys: KeyBuffer | undefined },
  out: SelectorResult,
): number {
  if (!commandPasses(s, cmd, argv)) return DENIED_CMD;
  if (!s.allKeys && commandHasKeys(cmd, profile.legacy)) {
    const keys = (cache.keys ??= extractKeys(cmd, argv, profile.legacy));
    for (let i = 0; i < keys.n; i++) {
      const pos = keys.pos[i]!;
      if (!keyAllowed(s, argv[pos]!, keys.need[i]!, profile.globLimit)) {
        out.idx = pos;
        return DENIED_KEY;
      }
    }
  }
  const ch = cmd.channels;
  if (ch && !s.allChannels) {
    const stop = ch.count === -1 ? argv.length : Math.min(argv.length, ch.start + ch.count);
    for (let i = ch.start; i < stop; i++) {
      if (!channelAllowed(s, argv[i]!, ch.pattern, profile.globLimit)) {
        out.idx = i;
        return DENIED_CHANNEL;
      }
    }
  }
  return OK;
}

function ruleText(user: AclUser, s: AclSelector, cmd: AclCommand): string {
  const i = s.decidedBy[cmd.id] ?? -1;
  return i >= 0 ? (user.ruleLog[i] ?? 'unknown') : 'default (new users have no command permissions)';
}

/** Resolves argv to a command as ACL DRYRUN does, or throws its error text. */
export function resolveCommand(argv: readonly string[], opts: AclOptions): AclCommand {
  return resolveIn(commandIndex(opts.version), argv);
}

function resolveIn(index: CommandIndex, argv: readonly string[]): AclCommand {
  if (argv.length === 0) throw new InputError('no command given', 'command');
  const cmd = lookupArgv(index, argv);
  if (!cmd) throw new InputError(`Command '${argv[0]}' not found`, 'command');
  const argc = argv.length;
  if ((cmd.arity > 0 && cmd.arity !== argc) || argc < -cmd.arity) {
    throw new InputError(`wrong number of arguments for '${cmd.name}' command`, 'command');
  }
  return cmd;
}

/**
 * Decides a command line for a user exactly as ACL DRYRUN (ACLCheckAllUserCommandPerm) does:
 * a selector must pass command, key and channel checks on its own; otherwise the reported
 * failure is the highest code, ties broken by the larger argument index.
 */
export function evaluate(user: AclUser, argv: readonly string[], opts: AclOptions): AclVerdict {
  const { profile, index } = aclContext(opts);
  const cmd = resolveIn(index, argv);
  const cache: { keys: KeyBuffer | undefined } = { keys: undefined };
  const local: SelectorResult = { code: OK, idx: 0 };
  let relevant = DENIED_CMD;
  let lastIdx = 0;
  let relevantSelector = 0;
  for (let i = 0; i < user.selectors.length; i++) {
    const s = user.selectors[i]!;
    const code = checkSelector(s, cmd, argv, profile, cache, local);
    if (code === OK) {
      const bitSet = s.allCommands || isCommandBitSet(s.bits, cmd.id);
      const decidedBy = cmd.noAuth && !bitSet ? `${cmd.name} needs no authentication (NO_AUTH)` : ruleText(user, s, cmd);
      const verdict: AclVerdict = { allowed: true, command: cmd.name, decidedBy, selector: i, message: 'OK' };
      if (cmd.name === 'sort' || cmd.name === 'sort_ro') {
        const restriction = sortRestriction(user, cmd, argv, profile);
        if (restriction) verdict.restriction = restriction;
      }
      return verdict;
    }
    if (code > relevant || (code === relevant && local.idx > lastIdx)) {
      relevant = code;
      lastIdx = local.idx;
      relevantSelector = i;
    }
  }
  const who = profile.wording === '7.2' ? `User ${user.name}` : 'This user';
  if (relevant === DENIED_CMD) {
    const root = user.selectors[0]!;
    return {
      allowed: false,
      denial: 'command',
      command: cmd.name,
      decidedBy: ruleText(user, root, cmd),
      selector: 0,
      message: `${who} has no permissions to run the '${cmd.name}' command`,
    };
  }
  const object = argv[lastIdx]!;
  const kind = relevant === DENIED_KEY ? 'key' : 'channel';
  return {
    allowed: false,
    denial: kind,
    command: cmd.name,
    decidedBy: patternSummary(user.selectors[relevantSelector]!, kind),
    object,
    argIndex: lastIdx,
    selector: relevantSelector,
    message: `${who} has no permissions to access the '${object}' ${kind}`,
  };
}

const summaries = new WeakMap<AclSelector, { key?: string; channel?: string }>();

/** "no key pattern matches (~a* %R~b)": computed once per selector, denials are frequent. */
function patternSummary(s: AclSelector, kind: 'key' | 'channel'): string {
  let entry = summaries.get(s);
  if (!entry) summaries.set(s, (entry = {}));
  let text = entry[kind];
  if (text === undefined) {
    const patterns =
      kind === 'key'
        ? s.keys.map((k) => `${k.perms === 3 ? '' : k.perms === 1 ? '%R' : k.perms === 2 ? '%W' : '%'}~${k.pattern}`)
        : s.channels.map((c) => `&${c}`);
    text = patterns.length > 0 ? `no ${kind} pattern matches (${patterns.join(' ')})` : `no ${kind} patterns`;
    entry[kind] = text;
  }
  return text;
}

/** ACLUserCheckCmdWithUnrestrictedKeyAccess(..., CMD_KEY_ACCESS): a selector that allows the
 * command and has unrestricted read (allkeys, ~*, %R~*). */
function fullReadAccess(user: AclUser, cmd: AclCommand, argv: readonly string[], profile: AclProfile): boolean {
  const cache: { keys: KeyBuffer | undefined } = { keys: undefined };
  const local: SelectorResult = { code: OK, idx: 0 };
  return user.selectors.some(
    (s) => checkSelector(s, cmd, argv, profile, cache, local) === OK && (s.allKeys || s.keys.some((k) => k.pattern === '*' && k.perms & 1)),
  );
}

function isLong(s: string): boolean {
  return /^(0|-?[1-9]\d{0,18})$/.test(s) && BigInt(s) <= 9223372036854775807n && BigInt(s) >= -9223372036854775808n;
}

/**
 * sortCommandGeneric (7.0+): BY with a `*` pattern, or GET, need unrestricted read; DRYRUN does
 * not look at this, the command fails when run. Walks the options as the server parses them.
 */
function sortRestriction(user: AclUser, cmd: AclCommand, argv: readonly string[], profile: AclProfile): string | undefined {
  if (profile.legacy) return undefined;
  const readonly = cmd.name === 'sort_ro';
  let full: boolean | undefined;
  const hasFull = () => (full ??= fullReadAccess(user, cmd, argv, profile));
  for (let j = 2; j < argv.length; j++) {
    const a = argv[j]!.toLowerCase();
    const left = argv.length - j - 1;
    if (a === 'asc' || a === 'desc' || a === 'alpha') continue;
    if (a === 'limit' && left >= 2) {
      if (!isLong(argv[j + 1]!) || !isLong(argv[j + 2]!)) return undefined;
      j += 2;
    } else if (!readonly && a === 'store' && left >= 1) j++;
    else if (a === 'by' && left >= 1) {
      if (argv[j + 1]!.includes('*') && !hasFull()) return 'ERR BY option of SORT denied due to insufficient ACL permissions.';
      j++;
    } else if (a === 'get' && left >= 1) {
      if (!hasFull()) return 'ERR GET option of SORT denied due to insufficient ACL permissions.';
      j++;
    } else return undefined;
  }
  return undefined;
}

/** Whether some selector lets the user run the command at all (bitmap, first-args aside). */
export function allowsCommand(user: AclUser, fullName: string, opts: AclOptions): boolean {
  const index = commandIndex(opts.version);
  const cmd = index.byName.get(fullName.toLowerCase());
  if (!cmd) throw new InputError(`Command '${fullName}' not found`, 'command');
  return user.selectors.some((s) => s.allCommands || cmd.noAuth || isCommandBitSet(s.bits, cmd.id));
}

/** ACLSelectorHasUnrestrictedKeyAccess for some selector that may run anything keyed:
 * `allkeys`, `~*`, or a `%R~*`/`%W~*` with the asked permission. */
export function hasUnrestrictedKeyAccess(user: AclUser, need: 'read' | 'write' | 'readwrite'): boolean {
  const bits = need === 'read' ? 1 : need === 'write' ? 2 : 3;
  return user.selectors.some((s) => s.allKeys || s.keys.some((k) => k.pattern === '*' && (k.perms & bits) === bits));
}

export function hasAllChannels(user: AclUser): boolean {
  return user.selectors.some((s) => s.allChannels);
}
