import type { Rule, RuleResult } from '../types.js';
import { fail, pass, unknownResult } from '../result.js';
import { pci } from '../compliance.js';

/** A rename that an attacker can guess: contains the original name, is short, or a common pattern. */
function guessable(command: string, to: string): boolean {
  const t = to.toLowerCase();
  return t.includes(command.toLowerCase()) || t.length < 8 || /^(x+|_+|my|secret|hidden|disabled)/.test(t);
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
    if (r.value.length === 0) return pass('no rename-command in use');
    return r.value.map((x): RuleResult => {
      const opts = { location: x.location };
      // Live, COMMAND INFO only shows that the original name is gone, not what it became.
      if (facts.source === 'live') return fail(`${x.command} is renamed or disabled (COMMAND INFO does not list it)`, opts);
      if (x.to === '') return fail(`rename-command ${x.command} "" (disabled; an ACL rule does this per user)`, opts);
      return guessable(x.command, x.to)
        ? fail(`rename-command ${x.command} to a guessable name`, { ...opts, severity: 'medium' })
        : fail(`rename-command ${x.command} (renamed; prefer ACL rules)`, opts);
    });
  },
};
