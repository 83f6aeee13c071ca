/**
 * The smallest ACL change that lets a user run exactly one denied command line, found and
 * verified with the offline ACL engine: every proposed rule is applied and the command
 * re-evaluated, and the change must not open other commands or keys.
 */
import type { AclVerdict } from '../acl/types.js';

/** The slice of the ACL engine diagnose needs, bound to one server version. */
export interface AclChecker {
  /** Evaluates argv for a user with these rules (ACL LIST form without "user <name>"). */
  check(rules: string, argv: string[]): AclVerdict;
  /** Full names of every command the rules allow (root or any selector). */
  allowedCommands(rules: string): string[];
  /** Whether the version knows `%R~` / `%W~` key rules (7.0+). */
  readonly keyPermissions: boolean;
}

export interface AclFixProposal {
  /** The rules to add, in order, e.g. ["+set", "%W~foo"]. */
  add: string[];
  /** True when the engine allows the command after the change. */
  allowed: boolean;
  /** True when the change opens nothing else that was checked: no other command, no sibling key or channel. */
  minimal: boolean;
  /** What was checked, for the evidence. */
  checks: string[];
  before: AclVerdict;
  after: AclVerdict;
}

/** Escapes glob metacharacters so a pattern matches exactly this key or channel. */
export function exactPattern(name: string): string {
  return name.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

const MAX_STEPS = 6;

export function proposeAclFix(checker: AclChecker, rules: string, argv: string[]): AclFixProposal {
  const before = checker.check(rules, argv);
  const add: string[] = [];
  let current = before;
  const objectIndexes = new Set<number>();
  const withAdded = (extra: string[]) => [rules, ...extra].filter(Boolean).join(' ');
  for (let step = 0; step < MAX_STEPS && !current.allowed; step++) {
    const candidates = candidatesFor(current, checker.keyPermissions);
    let moved = false;
    for (const rule of candidates) {
      const next = checker.check(withAdded([...add, rule]), argv);
      if (next.allowed || !sameDenial(next, current)) {
        if ((current.denial === 'key' || current.denial === 'channel') && current.argIndex !== undefined) objectIndexes.add(current.argIndex);
        add.push(rule);
        current = next;
        moved = true;
        break;
      }
    }
    if (!moved) break;
  }
  const checks: string[] = [];
  let minimal = current.allowed;
  if (current.allowed) {
    const beforeCmds = new Set(checker.allowedCommands(rules));
    const gained = checker.allowedCommands(withAdded(add)).filter((c) => !beforeCmds.has(c));
    const extra = gained.filter((c) => c !== current.command);
    checks.push(`commands newly allowed: ${gained.join(', ') || 'none'}`);
    if (extra.length) minimal = false;
    // A sibling of each denied key or channel must stay denied: the pattern must be exact, not a prefix.
    for (const index of objectIndexes) {
      const sibling = [...argv];
      sibling[index] = `${argv[index] ?? ''}-redsec-sibling`;
      const prior = checker.check(rules, sibling);
      const now = checker.check(withAdded(add), sibling);
      const opened = now.allowed && !prior.allowed;
      if (opened) minimal = false;
      checks.push(`${sibling[index]} ${opened ? 'became allowed' : 'stays as it was'}`);
    }
  }
  return { add, allowed: current.allowed, minimal, checks, before, after: current };
}

function sameDenial(a: AclVerdict, b: AclVerdict): boolean {
  return a.denial === b.denial && a.object === b.object && a.command === b.command && a.argIndex === b.argIndex;
}

function candidatesFor(v: AclVerdict, keyPermissions: boolean): string[] {
  switch (v.denial) {
    case 'command':
      return [`+${v.command}`];
    case 'key': {
      const p = exactPattern(v.object ?? '');
      return keyPermissions ? [`%R~${p}`, `%W~${p}`, `~${p}`] : [`~${p}`];
    }
    case 'channel':
      return [`&${exactPattern(v.object ?? '')}`];
    default:
      return [];
  }
}

/** A broader alternative for keys with a prefix ("app:1" → "~app:*"), offered only as a second choice. */
export function prefixAlternative(key: string): string | null {
  const m = /^(.+?[:/._-])[^:/._-]+$/.exec(key);
  return m?.[1] ? `~${exactPattern(m[1])}*` : null;
}
