/**
 * Findings over time: the audit's rules re-run every --audit-every; a rule failing now that did
 * not fail at the previous audit is finding-new, one that failed and passes now finding-resolved.
 * The first audit is the baseline (the findings an operator knows of from `redsec audit`).
 * A rule that cannot tell (unknown) neither appears nor resolves.
 */
import type { Finding } from '../../report/types.js';
import type { WatchEvent } from '../event.js';
import type { TargetState } from '../target-state.js';
import { makeEvent, shown } from './context.js';

const MAX_EVENTS = 30;

export function detectFindings(prev: TargetState, findings: readonly Finding[], at: number, target: string): { state: Partial<TargetState>; events: WatchEvent[] } {
  const failing = findings.filter((f) => f.status === 'fail');
  const passing = new Set(findings.filter((f) => f.status === 'pass').map((f) => f.id));
  const ids = [...new Set(failing.map((f) => f.id))].sort();
  const state = { audit: { at, failing: ids } };
  if (!prev.audit) return { state, events: [] };
  const before = new Set(prev.audit.failing);
  const where = { target, at };
  const events: WatchEvent[] = [];
  const seen = new Set<string>();
  for (const f of failing) {
    if (before.has(f.id) || seen.has(f.id)) continue;
    seen.add(f.id);
    events.push(makeEvent(where, 'finding-new', f.severity, `${f.id} fails now: ${shown(f.title, 100)}: ${shown(f.evidence, 200)}`, { rule: f.id, title: shown(f.title, 200), evidence: shown(f.evidence, 512), level: f.level ?? null }));
  }
  for (const id of prev.audit.failing) {
    if (!passing.has(id)) continue;
    const f = findings.find((x) => x.id === id);
    events.push(makeEvent(where, 'finding-resolved', 'info', `${id} passes now${f ? `: ${shown(f.title, 100)}` : ''}`, { rule: id }));
  }
  if (events.length > MAX_EVENTS) events.length = MAX_EVENTS;
  return { state, events };
}
