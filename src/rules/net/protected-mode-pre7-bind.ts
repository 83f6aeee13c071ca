import type { Rule } from '../types.js';
import { defaultOffRemediation, HANDOVER_COMMAND, HANDOVER_TEXT } from '../handover.js';
import { fail, notApplicable, pass, unknownResult } from '../result.js';
import { withConfig } from '../config.js';
import { atLeast, describeVersion } from '../version.js';
import { bindTokens, classifyAddress } from './common.js';
import { pci } from '../compliance.js';

export const protectedModePre7Bind: Rule = {
  id: 'NET-PROTECTED-MODE-PRE7-BIND',
  title: 'Before 7.0 an explicit bind disables protected mode',
  severity: 'high',
  rationale:
    'Up to 6.2, protected mode only refuses outside clients when no bind address is configured; any explicit non-loopback bind silently turns it off. From 7.0 it applies whatever bind says.',
  remediation: {
    text: `Do not rely on protected mode before 7.0: require a password (or disable the default user) and upgrade. ${HANDOVER_TEXT}`,
    config: 'user admin on #<sha256-of-a-generated-password> ~* &* +@all\nuser default off',
    command: HANDOVER_COMMAND,
  },
  compliance: [pci('2.2.6')],
  level: 1,
  modes: ['live', 'lint'],
  check(facts) {
    const v7 = atLeast(facts, [7, 0, 0]);
    if (v7 === null) return unknownResult('the server version is unknown');
    if (v7) return notApplicable(`${describeVersion(facts)}: protected mode applies regardless of bind`);
    return withConfig(facts, ['bind'], ({ bind }) => {
      const tokens = bindTokens(bind?.value ?? '');
      const nonLoop = tokens.filter((t) => classifyAddress(t) !== 'loopback');
      const explicit = !!bind && !(bind.isDefault && facts.source === 'files') && tokens.length > 0;
      if (explicit && nonLoop.length > 0)
        return fail(`${describeVersion(facts)} with bind ${bind.value}: protected mode is inactive`, { location: bind.location, remediation: defaultOffRemediation(facts) });
      return pass(`${describeVersion(facts)}: bind ${bind?.value ?? '(none)'} keeps protected mode in effect`);
    });
  },
};
