/**
 * Configuration drift: every CONFIG GET * value that changed since the previous poll, and at the
 * start every value that differs from --baseline-plan (the first poll is the baseline otherwise).
 * Directives an attacker changes to write files, follow a rogue master or open the server weigh
 * more (IOC weight); secret directives show that they changed, never their value. Loaded modules
 * (MODULE LIST) are part of the configuration.
 */
import type { Severity } from '../../report/types.js';
import { sameConfigValue } from '../../audit/drift.js';
import { configForState, isSecretDirective } from '../target-state.js';
import type { WatchEvent } from '../event.js';
import { makeEvent, shown, type DetectInput, type DetectOutput } from './context.js';

/** How much a change of `directive` weighs, and why. */
export function driftWeight(directive: string): { severity: Severity; ioc: string | null } {
  if (directive === 'dir' || directive === 'dbfilename' || directive === 'appenddirname' || directive === 'appendfilename')
    return { severity: 'critical', ioc: 'persistence path: the classic way to write an SSH key or cron file with SAVE' };
  if (directive === 'replicaof' || directive === 'slaveof') return { severity: 'critical', ioc: 'replication source: a rogue master can load a module or overwrite the data' };
  if (directive === 'protected-mode' || directive === 'bind' || directive === 'port' || directive === 'tls-port') return { severity: 'high', ioc: 'network exposure' };
  if (directive.startsWith('enable-')) return { severity: 'high', ioc: 'enables a dangerous command family (DEBUG, MODULE, protected configs)' };
  if (directive === 'aclfile' || directive === 'rename-command' || isSecretDirective(directive)) return { severity: 'high', ioc: 'authentication' };
  if (directive.startsWith('tls-')) return { severity: 'medium', ioc: null };
  return { severity: 'low', ioc: null };
}

/** At most this many directives are reported one by one per poll; the rest in one event. */
const MAX_DIRECTIVE_EVENTS = 20;

export function detectConfig({ prev, snap, opts }: DetectInput): DetectOutput {
  const events: WatchEvent[] = [];
  const state: DetectOutput['state'] = {};
  if (snap.config.known) {
    const now = configForState(snap.config.value);
    const first = prev.config === undefined;
    const baseline = prev.baselineConfig ?? (opts.planConfig ? { ...opts.planConfig } : now);
    const from = prev.baselineFrom ?? (opts.planConfig ? 'plan' : 'first-poll');
    state.config = now;
    state.baselineConfig = baseline;
    state.baselineFrom = from;
    const changes: { directive: string; before: string | undefined; after: string | undefined; against: 'previous poll' | 'plan' }[] = [];
    if (first) {
      if (opts.planConfig)
        for (const [name, want] of Object.entries(opts.planConfig)) {
          const have = now[name];
          if (have !== undefined && !sameConfigValue(have, want)) changes.push({ directive: name, before: want, after: have, against: 'plan' });
        }
    } else {
      const names = new Set([...Object.keys(prev.config!), ...Object.keys(now)]);
      for (const name of [...names].sort()) {
        // 7.x lists old names beside new ones (slaveof and replicaof): one change, one event.
        const alias = canonicalName(name);
        if (alias !== name && names.has(alias)) continue;
        const before = prev.config![name];
        const after = now[name];
        if (before === after) continue;
        changes.push({ directive: name, before, after, against: 'previous poll' });
      }
    }
    const weighed = changes.map((c) => ({ ...c, ...driftWeight(c.directive) })).sort((a, b) => rank(b.severity) - rank(a.severity));
    for (const c of weighed.slice(0, MAX_DIRECTIVE_EVENTS)) {
      const secret = isSecretDirective(c.directive);
      const show = (v: string | undefined) => (v === undefined ? '(absent)' : secret ? '(secret)' : JSON.stringify(shown(v, 200)));
      const base = baseline[c.directive];
      events.push(
        makeEvent(snap, 'config-drift', c.severity, `${shown(c.directive, 60)} ${c.against === 'plan' ? `is ${show(c.after)}, the plan says ${show(c.before)}` : `changed from ${show(c.before)} to ${show(c.after)}`}${c.ioc ? ` (${c.ioc})` : ''}`, {
          directive: shown(c.directive, 128),
          old: secret || c.before === undefined ? null : shown(c.before, 512),
          new: secret || c.after === undefined ? null : shown(c.after, 512),
          against: c.against,
          baseline: secret || base === undefined ? null : shown(base, 512),
          baseline_from: from,
          matches_baseline: base !== undefined && c.after !== undefined && sameConfigValue(base, c.after),
          ioc: c.ioc !== null,
          secret,
        }),
      );
    }
    if (weighed.length > MAX_DIRECTIVE_EVENTS) {
      const rest = weighed.slice(MAX_DIRECTIVE_EVENTS);
      events.push(makeEvent(snap, 'config-drift', 'low', `${rest.length} more directive(s) changed: ${rest.slice(0, 10).map((r) => shown(r.directive, 40)).join(', ')}`, { directives: rest.length }));
    }
  }
  if (snap.modules.known) {
    const now = snap.modules.value.map((m) => `${m.name}@${m.version}`).sort();
    if (prev.modules) {
      const before = new Set(prev.modules);
      const after = new Set(now);
      for (const m of now) if (!before.has(m)) events.push(makeEvent(snap, 'config-drift', 'critical', `module ${shown(m, 80)} loaded (native code inside the server)`, { directive: 'loadmodule', new: shown(m, 128), old: null, ioc: true, secret: false }));
      for (const m of prev.modules) if (!after.has(m)) events.push(makeEvent(snap, 'config-drift', 'medium', `module ${shown(m, 80)} unloaded`, { directive: 'loadmodule', old: shown(m, 128), new: null, ioc: false, secret: false }));
    }
    state.modules = now;
  }
  return { state, events };
}

/** The current name of an old alias CONFIG GET * still lists. */
export function canonicalName(name: string): string {
  return name.replace(/^slaveof$/, 'replicaof').replace(/^slave-/, 'replica-').replace(/ziplist/, 'listpack');
}

const rank = (s: Severity): number => ({ critical: 4, high: 3, medium: 2, low: 1, info: 0 })[s];
