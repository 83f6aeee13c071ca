import { chmodCommand } from '../shell.js';
import type { Rule, RuleResult } from '../types.js';
import { fail, notApplicable, pass, unknownResult } from '../result.js';
import { pci } from '../compliance.js';

export const dataDirPerms: Rule = {
  id: 'DATA-DIR-PERMS',
  title: 'Data directory writable, or data files readable, by others',
  severity: 'medium',
  rationale: 'A world-writable dir lets any local user plant or swap RDB/AOF files; RDB/AOF readable by others hand out the whole dataset.',
  remediation: { text: 'Own the directory by redis and close it.', command: 'chown redis:redis <dir> && chmod 750 <dir> && chmod 640 <dir>/*.rdb' },
  compliance: [pci('3.5.1'), pci('7.2.1')],
  level: 2,
  modes: ['live', 'lint'],
  check(facts, ctx) {
    if (!facts.files.known)
      return ctx.mode === 'live' ? notApplicable(`file modes are only visible on the server's host (${facts.files.why})`) : unknownResult(`file modes unknown: ${facts.files.why}`);
    const relevant = facts.files.value.filter((f) => f.kind === 'dir' || f.kind === 'data');
    if (relevant.length === 0) return notApplicable('the data directory is not at hand');
    const bad: RuleResult[] = [];
    for (const f of relevant) {
      const mode = (f.mode & 0o777).toString(8).padStart(3, '0');
      if (f.kind === 'dir' && (f.mode & 0o002) !== 0) bad.push(fail(`${f.path} has mode ${mode}: world-writable`, { remediation: { text: 'Close the directory.', command: chmodCommand('750', f.path) } }));
      if (f.kind === 'data' && (f.mode & 0o004) !== 0) bad.push(fail(`${f.path} has mode ${mode}: readable by others`, { remediation: { text: 'Close the file.', command: chmodCommand('640', f.path) } }));
    }
    return bad.length > 0 ? bad : pass(`${relevant.length} path(s) closed to other users`);
  },
};
