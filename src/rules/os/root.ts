import type { Rule } from '../types.js';
import { fail, notApplicable, pass, unknownResult } from '../result.js';
import { pci } from '../compliance.js';

export const osRoot: Rule = {
  id: 'OS-ROOT',
  title: 'redis-server runs as root',
  severity: 'high',
  rationale: 'As root, every file-write primitive (CONFIG SET dir, MODULE LOAD, a Lua escape) becomes full host compromise.',
  remediation: { text: 'Run as a dedicated unprivileged user.', config: '# systemd unit\nUser=redis\nGroup=redis' },
  compliance: [pci('2.2.6'), pci('7.2.5')],
  level: 2,
  modes: ['live', 'lint'],
  check(facts, ctx) {
    if (facts.process.known) {
      const p = facts.process.value;
      return p.uid === 0 ? fail(`redis-server runs as ${p.user} (uid 0)`) : pass(`redis-server runs as ${p.user} (uid ${p.uid})`);
    }
    const unit = facts.systemd;
    if (unit?.known) {
      const user = unit.value.user;
      if (!user || user === 'root' || user === '0') return fail(`${unit.value.file}: no User= (or User=root): the service runs as root`);
      return pass(`${unit.value.file}: User=${user}`);
    }
    if (ctx.mode === 'live') return notApplicable(`the process owner is only visible on the server's host (${facts.process.why})`);
    return unknownResult(`process owner unknown: ${facts.process.why}`);
  },
};
