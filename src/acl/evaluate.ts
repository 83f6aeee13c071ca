import { InputError } from '../errors.js';
import { commandIndex, lookupArgv, type AclCommand, type CommandIndex } from './commands.js';
import { allowedVerdict, commandDenied, compiledUser, patternSummary, type CompiledSelector, type CompiledUser } from './compiled.js';
import { FIXED, planFor, SINGLE, type Plan } from './plan.js';
import { aclContext } from './context.js';
import { extractKeys, type KeyBuffer } from './keys.js';
import { isCommandBitSet } from './rules.js';
import type { AclOptions, AclUser, AclVerdict } from './types.js';
import { asciiLower } from './ascii.js';
import { outsideTable } from './outside-table.js';

const OK = 0;
const DENIED_CMD = 1;
const DENIED_KEY = 2;
const DENIED_CHANNEL = 4;

/** ACLSelectorCheckKey */
function keyAllowed(s: CompiledSelector, key: string, need: number): boolean {
  const perms = s.keyPerms;
  const matchers = s.keyMatchers;
  for (let i = 0; i < matchers.length; i++) {
    if ((perms[i]! & need) !== need) continue;
    if (matchers[i]!(key)) return true;
  }
  return false;
}

/** ACLCheckChannelAgainstList: PSUBSCRIBE's arguments are compared literally. */
function channelAllowed(s: CompiledSelector, channel: string, literal: boolean): boolean {
  if (literal) {
    for (const p of s.channels) if (p === channel) return true;
    return false;
  }
  for (const m of s.channelMatchers) if (m(channel)) return true;
  return false;
}

/** The command half of ACLSelectorCheckCmd: the bitmap, NO_AUTH, or an allowed first argument. */
function commandPasses(s: CompiledSelector, cmd: AclCommand, argv: readonly string[]): boolean {
  const id = cmd.id;
  if (s.allCommands || cmd.noAuth || (s.bits[id >>> 5]! & (1 << (id & 31))) !== 0) return true;
  const allowed = s.firstArgs?.get(id);
  if (allowed === undefined || argv.length < 2) return false;
  const arg = argv[cmd.parent ? 2 : 1];
  return arg !== undefined && allowed.includes(asciiLower(arg));
}

/**
 * The failing argument of the last checkSelector call. Module state rather than a result object
 * so the hot path allocates nothing; evaluation is synchronous, so nothing can interleave.
 */
let failedAt = 0;
/** Keys of the current command line, extracted once and shared by all selectors. */
let keys: KeyBuffer | undefined;

/** The key half of ACLSelectorCheckCmd: OK, or DENIED_KEY with failedAt set. */
function checkKeys(s: CompiledSelector, k: KeyBuffer, argv: readonly string[]): number {
  for (let j = 0; j < k.n; j++) {
    const pos = k.pos[j]!;
    if (!keyAllowed(s, argv[pos]!, k.need[j]!)) {
      failedAt = pos;
      return DENIED_KEY;
    }
  }
  return OK;
}

/**
 * checkKeys over plain index + range specs, read straight from argv: the same positions in the same
 * order as getKeysUsingKeySpecs, which finds no keys at all when any spec falls outside argv.
 */
function checkRangeKeys(s: CompiledSelector, ranges: Int32Array, argv: readonly string[]): number {
  const argc = argv.length;
  for (let r = 0; r < ranges.length; r += 4) {
    const first = ranges[r]!;
    const lastkey = ranges[r + 1]!;
    const last = lastkey >= 0 ? first + lastkey : argc + lastkey;
    if (last >= argc || last < first || first >= argc) return OK;
  }
  for (let r = 0; r < ranges.length; r += 4) {
    const first = ranges[r]!;
    const lastkey = ranges[r + 1]!;
    const last = lastkey >= 0 ? first + lastkey : argc + lastkey;
    const step = ranges[r + 2]!;
    const need = ranges[r + 3]!;
    for (let pos = first; pos <= last; pos += step) {
      if (!keyAllowed(s, argv[pos]!, need)) {
        failedAt = pos;
        return DENIED_KEY;
      }
    }
  }
  return OK;
}

/** The channel half of ACLSelectorCheckCmd: OK, or DENIED_CHANNEL with failedAt set. */
function checkChannels(s: CompiledSelector, cmd: AclCommand, argv: readonly string[]): number {
  const ch = cmd.channels!;
  const stop = ch.count === -1 ? argv.length : Math.min(argv.length, ch.start + ch.count);
  for (let j = ch.start; j < stop; j++) {
    if (!channelAllowed(s, argv[j]!, ch.pattern)) {
      failedAt = j;
      return DENIED_CHANNEL;
    }
  }
  return OK;
}

/** ACLSelectorCheckCmd: OK, DENIED_CMD, DENIED_KEY or DENIED_CHANNEL (then failedAt is set). */
function checkSelector(s: CompiledSelector, cmd: AclCommand, argv: readonly string[], legacy: boolean): number {
  if (!commandPasses(s, cmd, argv)) return DENIED_CMD;
  if (!s.allKeys && cmd.hasKeys) {
    const code = checkKeys(s, (keys ??= extractKeys(cmd, argv, legacy)), argv);
    if (code !== OK) return code;
  }
  if (cmd.channels !== undefined && !s.allChannels) return checkChannels(s, cmd, argv);
  return OK;
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
 * What happens when the user runs the command line: the ACL check (as evaluateDryrun), then what
 * the server refuses or answers beyond it: SORT/SORT_RO's GET and BY patterns without full read
 * access (7.0+), and commands handled outside the command table (QUIT on 6.2, POST and Host:).
 * Where this differs from ACL DRYRUN, `basis` is 'run' and `dryrun` holds DRYRUN's answer.
 *
 * Verdicts that do not depend on the arguments are shared and frozen: treat them as read-only.
 */
export function evaluate(user: AclUser, argv: readonly string[], opts: AclOptions): AclVerdict {
  const outside = outsideTable(argv, opts);
  if (outside !== undefined) return outside.verdict(() => evaluateDryrun(user, argv, opts));
  const v = evaluateDryrun(user, argv, opts);
  if (!v.allowed || v.restriction === undefined) return v;
  return {
    allowed: false,
    denial: 'run',
    command: v.command,
    decidedBy: `the server when the command runs (${v.command.toUpperCase()}'s GET and BY patterns need read access to every key: ~*, %R~* or allkeys, in a selector that allows the command)`,
    ...(v.selector !== undefined ? { selector: v.selector } : {}),
    message: v.restriction,
    restriction: v.restriction,
    basis: 'run',
    dryrun: { allowed: true, message: v.message },
  };
}

/**
 * Decides a command line for a user exactly as ACL DRYRUN (ACLCheckAllUserCommandPerm) does:
 * a selector must pass command, key and channel checks on its own; otherwise the reported
 * failure is the highest code, ties broken by the larger argument index. A refusal the server
 * only gives when the command runs is in `restriction` (see evaluate for the run verdict).
 *
 * Verdicts that do not depend on the arguments are shared and frozen: treat them as read-only.
 */
export function evaluateDryrun(user: AclUser, argv: readonly string[], opts: AclOptions): AclVerdict {
  const ctx = aclContext(opts);
  const cmd = resolveIn(ctx.index, argv);
  const cu = compiledUser(user, ctx);
  const id = cmd.id;
  const fixed = cu.fixed[id];
  if (fixed !== undefined) return fixed;
  const plan = cu.plans[id] ?? (cu.plans[id] = planFor(cu, cmd));
  if (plan.kind === FIXED) return (cu.fixed[id] = plan.verdict!);
  if (plan.kind === SINGLE) return checkSingle(cu, plan, cmd, argv);
  return checkAll(cu, cmd, argv);
}

/** The one selector that can pass the command: its key and channel checks decide. */
function checkSingle(cu: CompiledUser, plan: Plan, cmd: AclCommand, argv: readonly string[]): AclVerdict {
  const range = plan.keyRange;
  if (range !== undefined) {
    // checkRangeKeys for one range, with the matcher already chosen for its permission. Kept apart
    // from checkRangeKeys on purpose: folding both into one loop over ranges measured 5-9% slower.
    const argc = argv.length;
    const first = range.first;
    const last = range.lastkey >= 0 ? first + range.lastkey : argc + range.lastkey;
    if (last >= argc || last < first || first >= argc) return plan.verdict!;
    const allowed = range.allowed;
    for (let pos = first; pos <= last; pos += range.step) {
      if (!allowed(argv[pos]!)) return argumentDenied(cu, cmd, plan.selectorIndex, DENIED_KEY, pos, argv);
    }
    return plan.verdict!;
  }
  const s = plan.selector!;
  const legacy = cu.ctx.profile.legacy;
  let code = OK;
  if (plan.checkKeys) {
    const ranges = cmd.rangeKeys;
    code = ranges !== undefined ? checkRangeKeys(s, ranges, argv) : checkKeys(s, extractKeys(cmd, argv, legacy), argv);
  }
  if (code === OK && plan.checkChannels) code = checkChannels(s, cmd, argv);
  if (code !== OK) return argumentDenied(cu, cmd, plan.selectorIndex, code, failedAt, argv);
  return cmd.sortLike ? withSortRestriction(cu, plan.verdict!, cmd, argv) : plan.verdict!;
}

/** evaluate without the per-command plans: every selector walked, as the server does. Tests hold the plans to it. */
export function evaluateByWalk(user: AclUser, argv: readonly string[], opts: AclOptions): AclVerdict {
  const ctx = aclContext(opts);
  const cmd = resolveIn(ctx.index, argv);
  return checkAll(compiledUser(user, ctx), cmd, argv);
}

/** Every selector in turn, as the server walks them. */
function checkAll(cu: CompiledUser, cmd: AclCommand, argv: readonly string[]): AclVerdict {
  const legacy = cu.ctx.profile.legacy;
  keys = undefined;
  let relevant = DENIED_CMD;
  let lastIdx = 0;
  let relevantSelector = 0;
  const selectors = cu.selectors;
  for (let i = 0; i < selectors.length; i++) {
    const code = checkSelector(selectors[i]!, cmd, argv, legacy);
    if (code === OK) {
      keys = undefined;
      const verdict = allowedVerdict(cu, i, cmd);
      return cmd.sortLike ? withSortRestriction(cu, verdict, cmd, argv) : verdict;
    }
    // A command denial leaves failedAt alone, so it cannot displace an earlier result.
    if (code > relevant || (code === relevant && code !== DENIED_CMD && failedAt > lastIdx)) {
      relevant = code;
      lastIdx = failedAt;
      relevantSelector = i;
    }
  }
  keys = undefined;
  if (relevant === DENIED_CMD) return commandDenied(cu, cmd);
  return argumentDenied(cu, cmd, relevantSelector, relevant, lastIdx, argv);
}

/** A key or channel denial at argument argIndex, as DRYRUN words it. */
function argumentDenied(cu: CompiledUser, cmd: AclCommand, selector: number, code: number, argIndex: number, argv: readonly string[]): AclVerdict {
  const object = argv[argIndex]!;
  const isKey = code === DENIED_KEY;
  const kind = isKey ? 'key' : 'channel';
  return {
    allowed: false,
    denial: kind,
    command: cmd.name,
    decidedBy: patternSummary(cu.selectors[selector]!, kind),
    object,
    argIndex,
    selector,
    message: cu.accessPrefix + object + (isKey ? "' key" : "' channel"),
    basis: 'acl',
  };
}

function withSortRestriction(cu: CompiledUser, verdict: AclVerdict, cmd: AclCommand, argv: readonly string[]): AclVerdict {
  const restriction = sortRestriction(cu, cmd, argv);
  return restriction === undefined ? verdict : { ...verdict, restriction };
}

/** ACLUserCheckCmdWithUnrestrictedKeyAccess(..., CMD_KEY_ACCESS): a selector that allows the
 * command and has unrestricted read (allkeys, ~*, %R~*). */
function fullReadAccess(cu: CompiledUser, cmd: AclCommand, argv: readonly string[]): boolean {
  const legacy = cu.ctx.profile.legacy;
  keys = undefined;
  try {
    return cu.selectors.some(
      (s) => checkSelector(s, cmd, argv, legacy) === OK && (s.allKeys || s.source.keys.some((k) => k.pattern === '*' && k.perms & 1)),
    );
  } finally {
    keys = undefined;
  }
}

function isLong(s: string): boolean {
  return /^(0|-?[1-9]\d{0,18})$/.test(s) && BigInt(s) <= 9223372036854775807n && BigInt(s) >= -9223372036854775808n;
}

/**
 * sortCommandGeneric (7.0+): BY with a `*` pattern, or GET, need unrestricted read; DRYRUN does
 * not look at this, the command fails when run. Walks the options as the server parses them.
 */
function sortRestriction(cu: CompiledUser, cmd: AclCommand, argv: readonly string[]): string | undefined {
  let full: boolean | undefined;
  return sortOptionsRefusal(cmd, argv, () => (full ??= fullReadAccess(cu, cmd, argv)));
}

/** The refusal SORT's option parser gives when `hasFull()` says the user lacks full read access. */
function sortOptionsRefusal(cmd: AclCommand, argv: readonly string[], hasFull: () => boolean): string | undefined {
  const readonly = cmd.name === 'sort_ro';
  for (let j = 2; j < argv.length; j++) {
    const a = asciiLower(argv[j]!);
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

/**
 * Whether the server decides this command line beyond the ACL check when it runs, whoever runs it:
 * SORT/SORT_RO with GET, or BY with a `*` pattern (7.0+), which need full read key access. ACL
 * DRYRUN and MULTI's queue-time check both answer OK for it; only the rules (or running it) tell.
 */
export function refusedUnlessFullRead(argv: readonly string[], opts: AclOptions): string | undefined {
  const cmd = lookupArgv(commandIndex(opts.version), argv);
  if (!cmd?.sortLike) return undefined;
  return sortOptionsRefusal(cmd, argv, () => false);
}

/** Whether some selector lets the user run the command at all (bitmap, first-args aside). */
export function allowsCommand(user: AclUser, fullName: string, opts: AclOptions): boolean {
  const index = commandIndex(opts.version);
  const cmd = index.byName.get(asciiLower(fullName));
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
