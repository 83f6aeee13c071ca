import type { Rule, RuleResult } from '../types.js';
import { fail, notApplicable, pass, unknownResult } from '../result.js';
import { configValue } from '../config.js';
import { userFlags } from '../users.js';
import { pci } from '../compliance.js';

const SECRET_DIRECTIVES = ['requirepass', 'masterauth', 'tls-key-file-pass', 'tls-client-key-file-pass'] as const;

export const cleartextSecret: Rule = {
  id: 'AUTH-CLEARTEXT-SECRET',
  title: 'Cleartext secret in a config or ACL file',
  severity: 'medium',
  rationale:
    'requirepass, >password, masterauth and tls-key-file-pass put the secret itself in files that get copied to backups, tickets and repositories; ACL files accept #sha256 hashes instead. Where plaintext is unavoidable (masterauth, key passphrases) the file must be 0600.',
  remediation: {
    text: 'Replace >password with #<sha256>, drop requirepass in favour of a hashed `user default` line, and keep unavoidable secrets in a 0600 file or inject them at run time.',
    config: 'user default on #<sha256-of-secret> ~* &* +@all',
  },
  compliance: [pci('8.3.2'), pci('8.6.2')],
  level: 2,
  modes: ['lint'],
  check(facts, ctx) {
    if (ctx.mode === 'live') return notApplicable('needs the files (the server never shows cleartext in ACL LIST)');
    const results: RuleResult[] = [];
    for (const name of SECRET_DIRECTIVES) {
      const v = configValue(facts, name);
      if (!v.known) return unknownResult(`cannot read ${name}: ${v.why}`);
      if (v.value && !v.value.isDefault && v.value.value !== '') results.push(fail(`${name} holds a cleartext secret`, { location: v.value.location }));
    }
    if (!facts.users.known) return unknownResult(`cannot read users: ${facts.users.why}`);
    for (const u of facts.users.value) {
      if (userFlags(facts, u).cleartext.length > 0) results.push(fail(`user ${u.name} has a >cleartext password`, { location: u.location, subject: `user ${u.name}` }));
    }
    return results.length > 0 ? results : pass('no cleartext secrets in the files');
  },
};
