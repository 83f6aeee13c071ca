import type { Rule } from '../types.js';
import { fail, notApplicable, pass } from '../result.js';
import { defaultMark, withConfig } from '../config.js';
import { pci } from '../compliance.js';

export const unixsocketPerm: Rule = {
  id: 'NET-UNIXSOCKET-PERM',
  title: 'Unix socket more open than 770',
  severity: 'medium',
  rationale: 'Any local user who can open the socket can talk to the server; unixsocketperm 0 leaves the mode to the umask (usually 755/777).',
  remediation: { text: 'Restrict the socket to the owner and group.', config: 'unixsocketperm 770' },
  compliance: [pci('7.2.1')],
  level: 2,
  modes: ['live', 'lint'],
  check(facts) {
    return withConfig(facts, ['unixsocket', 'unixsocketperm'], ({ unixsocket, unixsocketperm }) => {
      if (!unixsocket || unixsocket.value === '') return notApplicable('no unixsocket configured');
      const raw = unixsocketperm?.value ?? '0';
      const mode = Number.parseInt(raw, 8);
      const location = unixsocketperm?.location ?? unixsocket.location;
      if (!Number.isFinite(mode) || mode === 0) return fail(`unixsocketperm ${raw}${defaultMark(unixsocketperm)}: the socket mode is left to the umask`, { location });
      if ((mode & 0o007) !== 0) return fail(`unixsocketperm ${raw} lets other local users connect`, { location });
      return pass(`unixsocketperm ${raw}`, { location });
    });
  },
};
