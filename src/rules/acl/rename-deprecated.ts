import type { Rule, RuleResult } from '../types.js';
import { fail, pass, unknownResult } from '../result.js';
import { pci } from '../compliance.js';
import { versionTable, type VersionId } from '../../versions/index.js';

/** A rename that an attacker can guess: contains the original name, is short, or a common pattern. */
function guessable(command: string, to: string): boolean {
  const t = to.toLowerCase();
  return t.includes(command.toLowerCase()) || t.length < 8 || /^(x+|_+|my|secret|hidden|disabled)/.test(t);
}

/** DEBUG and MODULE on a version without enable-debug-command / enable-module-command (6.2): rename-command is the only switch. */
function onlySwitch(versionId: VersionId | null, command: string): boolean {
  if (versionId === null || (command !== 'debug' && command !== 'module')) return false;
  return versionTable(versionId).config[`enable-${command}-command`] === undefined;
}

export const aclRenameDeprecated: Rule = {
  id: 'ACL-RENAME-DEPRECATED',
  title: 'rename-command used instead of ACLs',
  severity: 'low',
  rationale:
    'rename-command is deprecated: it is global, invisible to ACLs (rules keep using the original names), breaks tooling and replication of renamed commands, and a guessable new name protects nothing. Deny commands per user with ACL rules instead.',
  remediation: {
    text: 'Remove rename-command lines and deny the commands in the users\' ACL rules.',
    config: '# rename-command CONFIG ""\nuser <app> ... -@dangerous',
    command: 'redis-cli ACL SETUSER <app> -config -flushall -debug',
  },
  compliance: [pci('2.2.4')],
  level: 3,
  modes: ['live', 'lint'],
  check(facts) {
    const r = facts.renamedCommands;
    if (!r.known) return unknownResult(`cannot tell which commands are renamed: ${r.why}`);
    if (r.value.length === 0) {
      return pass(facts.source === 'live' ? 'no rename-command in use (every watched command this version has answers COMMAND INFO under its own name)' : 'no rename-command in use');
    }
    return r.value.map((x): RuleResult => {
      const opts = { location: x.location };
      const name = x.command.toUpperCase();
      const why = x.evidence ? ` (${x.evidence})` : '';
      if (onlySwitch(facts.versionId, x.command)) {
        const cfg = `enable-${x.command}-command`;
        if (x.to === '') return pass(`${name} is disabled with rename-command ${name} "": ${facts.versionId} has no ${cfg}, so this is the only server-wide switch`, opts);
        if (x.to === null) return unknownResult(`${name} is renamed or disabled${why}: disabling it so is right on ${facts.versionId} (no ${cfg}), a guessable rename is not, and the server does not show which`, opts);
      }
      if (x.to === '') return fail(`${name} is disabled: rename-command ${name} ""${why}; an ACL rule does this per user`, opts);
      if (x.to === null) return fail(`${name} is renamed${x.ambiguous ? ' or disabled' : ' to a name the server does not show'}${why}`, opts);
      return guessable(x.command, x.to)
        ? fail(`rename-command ${name} to a guessable name${why}`, { ...opts, severity: 'medium' })
        : fail(`rename-command ${name} (renamed; prefer ACL rules)${why}`, opts);
    });
  },
};
