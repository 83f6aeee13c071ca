import { chmodCommand } from '../shell.js';
import type { Rule, RuleResult } from '../types.js';
import { fail, notApplicable, pass, unknownResult } from '../result.js';
import { withheld } from '../withheld.js';
import { pci } from '../compliance.js';
import type { FileFacts } from '../../facts/types.js';

const SENSITIVE = new Set<FileFacts['kind']>(['config', 'acl', 'tls-key']);

export const confPerms: Rule = {
  id: 'AUTH-CONF-PERMS',
  title: 'Config, ACL file or TLS key readable by other users',
  severity: 'medium',
  rationale: 'redis.conf and users.acl carry secrets or hashes and the TLS key is the server identity; any local account that can read them can impersonate the server or brute-force offline.',
  remediation: { text: "Close them to other users (o-rwx keeps the owner's and group's access, which the server may read through).", command: 'chmod o-rwx redis.conf users.acl server.key' },
  compliance: [pci('3.6.1'), pci('8.3.2')],
  level: 2,
  modes: ['live', 'lint'],
  check(facts, ctx) {
    if (!facts.files.known)
      return ctx.mode === 'live' ? notApplicable(`file modes are only visible on the server's host (${facts.files.why})`) : unknownResult(`file modes unknown: ${facts.files.why}`);
    const files = facts.files.value.filter((f) => SENSITIVE.has(f.kind));
    const bad: RuleResult[] = files
      .filter((f) => (f.mode & 0o007) !== 0)
      .map((f) => fail(`${f.path} (${f.kind}) has mode ${(f.mode & 0o777).toString(8).padStart(3, '0')}: readable by others`, { remediation: { text: `Close ${f.path} to other users (the owner and group keep their access).`, command: chmodCommand('o-rwx', f.path) } }));
    if (bad.length > 0) return bad;
    // A file redsec may not look at is not a closed file.
    const unseen = withheld(facts, SENSITIVE);
    if (unseen) return unknownResult(unseen);
    if (files.length === 0) return notApplicable('no config, ACL or key files at hand');
    return pass(`${files.length} sensitive file(s) closed to other users`);
  },
};
