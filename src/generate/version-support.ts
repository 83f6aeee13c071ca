import { versionTable, type VersionId } from '../versions/index.js';

/**
 * What a target version knows, from the facts tables: which directives CONFIG accepts and which
 * commands and subcommands exist. The generator asks here instead of hard-coding version lists.
 */

/** redis.conf-only directives: valid in a config file but absent from CONFIG GET *. */
const FILE_ONLY_DIRECTIVES = ['rename-command', 'include', 'user', 'loadmodule'] as const;

export function knownDirectives(version: VersionId): Set<string> {
  return new Set([...Object.keys(versionTable(version).config), ...FILE_ONLY_DIRECTIVES]);
}

export function hasDirective(version: VersionId, name: string): boolean {
  return knownDirectives(version).has(name);
}

/** True for a command ("ssubscribe") or a real subcommand ("latency|histogram"). */
export function hasCommand(version: VersionId, name: string): boolean {
  const [container, sub] = name.toLowerCase().split('|');
  const cmd = versionTable(version).commands.find((c) => c.name === container);
  if (!cmd) return false;
  return sub === undefined || cmd.subcommands.some((s) => s.name === `${container}|${sub}`);
}

/** 7.0+ has real subcommands, selectors and %R~/%W~; 6.2 only first-arg rules. */
export function hasSubcommandAcls(version: VersionId): boolean {
  return version !== '6.2';
}

/** `+cmd|sub` for a subcommand the version has; on 6.2 the same text is a first-arg rule (valid only after the command is denied). */
export function subcommandRules(version: VersionId, container: string, subs: readonly string[]): string[] {
  if (!hasSubcommandAcls(version)) return subs.map((s) => `+${container}|${s}`);
  return subs.filter((s) => hasCommand(version, `${container}|${s}`)).map((s) => `+${container}|${s}`);
}
