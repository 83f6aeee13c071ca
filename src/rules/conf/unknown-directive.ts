import { VERSION_IDS, versionTable } from '../../versions/index.js';
import type { Rule } from '../types.js';
import { fail, notApplicable, pass, unknownResult } from '../result.js';
import { pci, sox } from '../compliance.js';
import { at, targetName } from './common.js';

/** What to write instead on a version without the directive (6.2 has no enable-* switches). */
const EQUIVALENTS: Record<string, string> = {
  'enable-debug-command': 'rename-command DEBUG ""',
  'enable-module-command': 'rename-command MODULE ""',
};

/** True when any of our tables lists the directive: then it is not simply new in a later release. */
function inAnyTable(name: string): boolean {
  const lower = name.toLowerCase();
  return VERSION_IDS.some((id) => Object.hasOwn(versionTable(id).config, lower));
}

export const confUnknownDirective: Rule = {
  id: 'CONF-UNKNOWN-DIRECTIVE',
  title: 'Directive unknown to or rejected by the target version',
  severity: 'high',
  rationale:
    'redis-server refuses to start on a directive its version does not know or on arguments it rejects, so a hardening line copied from a newer version (enable-debug-command on 6.2) or a typo takes the service down at the next restart, or gets deleted in a hurry together with the protection it meant to add.',
  remediation: {
    text: 'Remove or correct the line, or lint for the version that really runs (--redis-version); on 6.2 use rename-command instead of the 7.0 enable-* switches.',
    config: 'rename-command DEBUG ""',
  },
  compliance: [pci('2.2.1'), sox('change management')],
  level: 1,
  modes: ['lint'],
  check(facts, ctx) {
    if (ctx.mode === 'live') return notApplicable('a running server has already accepted its configuration; lint checks the files');
    if (!facts.versionId) return unknownResult('no target version to check the directives against');
    const target = targetName(facts);
    if (facts.unknownDirectives.length === 0) return pass(`every directive is known to and accepted by ${target}`);
    const newer = facts.tables?.note !== undefined;
    return facts.unknownDirectives.map((d) => {
      // A server newer than our tables may know a directive none of them has; an uncertain one may be hidden.
      if (d.uncertain || (newer && !inAnyTable(d.name))) {
        const why = d.uncertain ? d.reason : `the ${facts.versionId ?? ''} tables lack '${d.name}' and ${target} is newer than them`;
        return unknownResult(`'${d.name}' at ${at(d.location)}: cannot tell whether ${target} accepts it (${why})`, {
          location: d.location,
          remediation: { text: `Check '${d.name}' against the documentation of the version that runs, or start a throw-away server of that version with this file.` },
        });
      }
      const instead = EQUIVALENTS[d.name.toLowerCase()];
      return fail(`'${d.name}' at ${at(d.location)}: ${target} would refuse to start (${d.reason})`, {
        location: d.location,
        remediation: {
          text: `Remove or correct line ${d.location.line} of ${d.location.file}${instead ? `; on ${target} write ${instead} instead` : ''}, or lint for the version that really runs.`,
          ...(instead ? { config: instead } : {}),
        },
      });
    });
  },
};
