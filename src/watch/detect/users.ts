/**
 * ACL changes: users added, removed, enabled or disabled, given other passwords or other rules,
 * from one ACL LIST to the next; at the start against --baseline users.acl (the approved users
 * and password hashes, as the audit's IOC-HIJACKED-PASSWORD reads them). Passwords are compared
 * as hashes and digests, never shown.
 */
import type { Severity } from '../../report/types.js';
import type { UserFacts } from '../../facts/types.js';
import { userDigest, type UserDigest } from '../target-state.js';
import type { WatchEvent } from '../event.js';
import { makeEvent, shown, type DetectInput, type DetectOutput } from './context.js';

/** Rule tokens that open a user wide: their appearance makes a change high. */
const WIDE = /^(\+@all|allcommands|~\*|allkeys|\+@dangerous|\+@admin|&\*|allchannels|nopass|%RW~\*|\+config|\+debug|\+module|\+acl)$/i;

const MAX_EVENTS = 20;

function tokens(rules: string): string[] {
  return rules.split(' ').filter((t) => t !== '');
}

export function detectUsers({ prev, snap, opts }: DetectInput): DetectOutput {
  if (!snap.users.known) return { state: {}, events: [] };
  const now: Record<string, UserDigest> = {};
  const raw = new Map<string, UserFacts>();
  for (const u of snap.users.value) {
    now[u.name] = userDigest(u.rules);
    raw.set(u.name, u);
  }
  const events: WatchEvent[] = [];
  const push = (severity: Severity, user: string, change: string, summary: string, extra: WatchEvent['evidence'] = {}) =>
    events.push(makeEvent(snap, 'acl-change', severity, `user ${shown(user, 60)} ${summary}`, { user: shown(user, 128), change, ...extra }));

  if (prev.users === undefined) {
    const base = opts.baselineUsers;
    if (base) {
      const approved = new Map(base.users.map((u) => [u.name, u]));
      for (const [name, d] of Object.entries(now)) {
        const b = approved.get(name);
        if (!b) {
          push(d.enabled ? 'high' : 'medium', name, 'added', `is not in the baseline ${shown(base.file, 80)}${d.enabled ? ' and is enabled' : ''}`, { against: 'baseline' });
          continue;
        }
        if (b.enabled !== d.enabled) push(d.enabled ? 'high' : 'low', name, d.enabled ? 'enabled' : 'disabled', `is ${d.enabled ? 'enabled' : 'disabled'}, the baseline has it ${b.enabled ? 'on' : 'off'}`, { against: 'baseline' });
        const hashes = tokens(raw.get(name)?.rules ?? '').filter((t) => t.startsWith('#')).map((t) => t.slice(1).toLowerCase());
        const unapproved = hashes.filter((h) => !b.hashes.includes(h));
        if (unapproved.length > 0) push('critical', name, 'password', `has ${unapproved.length} password(s) the baseline does not approve (hijacked password?)`, { against: 'baseline', passwords: unapproved.length });
        if (d.nopass && !b.nopass) push('critical', name, 'password', 'accepts any password (nopass), the baseline does not', { against: 'baseline' });
      }
      for (const name of approved.keys()) if (!(name in now)) push('medium', name, 'removed', `from the baseline ${shown(base.file, 80)} is missing`, { against: 'baseline' });
    }
    return { state: { users: now }, events };
  }

  const before = prev.users;
  for (const [name, d] of Object.entries(now)) {
    const b = before[name];
    if (!b) {
      const wide = tokens(d.rules).filter((t) => WIDE.test(t));
      push(d.enabled ? (wide.length ? 'critical' : 'high') : 'medium', name, 'added', `added${d.enabled ? ', enabled' : ', disabled'}${wide.length ? `, with ${wide.join(' ')}` : ''}`, { rules: shown(d.rules, 512), enabled: d.enabled });
      continue;
    }
    if (b.enabled !== d.enabled) push(d.enabled ? 'high' : 'low', name, d.enabled ? 'enabled' : 'disabled', d.enabled ? 'enabled' : 'disabled');
    if (b.passwords !== d.passwords || b.nopass !== d.nopass) push(d.nopass ? 'critical' : 'high', name, 'password', d.nopass ? 'now accepts any password (nopass)' : d.passwords === '' ? 'has no password any more' : 'was given other passwords');
    if (b.rules !== d.rules) {
      const old = new Set(tokens(b.rules));
      const cur = new Set(tokens(d.rules));
      const added = [...cur].filter((t) => !old.has(t));
      const removed = [...old].filter((t) => !cur.has(t));
      const wide = added.filter((t) => WIDE.test(t));
      push(wide.length ? 'high' : 'medium', name, 'rules', `rules changed: +[${shown(added.join(' '), 160)}] -[${shown(removed.join(' '), 160)}]`, {
        added: shown(added.join(' '), 512),
        removed: shown(removed.join(' '), 512),
        wider: wide.length > 0,
      });
    }
  }
  for (const name of Object.keys(before)) if (!(name in now)) push('medium', name, 'removed', 'removed');
  if (events.length > MAX_EVENTS) {
    const rest = events.length - MAX_EVENTS;
    events.length = MAX_EVENTS;
    events.push(makeEvent(snap, 'acl-change', 'high', `${rest} more user change(s) in one poll`, { change: 'many', more: rest }));
  }
  return { state: { users: now }, events };
}
