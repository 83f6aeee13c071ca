import type { Rule } from '../types.js';
import { fail, notApplicable, pass } from '../result.js';
import { pci, sox } from '../compliance.js';
import { at } from './common.js';
import type { Location } from '../../report/types.js';

/** How many locations the evidence names; the last (the one in force) is always among them. */
const SHOWN_LOCATIONS = 10;

// A generated file can set one directive hundreds of thousands of times: listing every line would
// make one finding megabytes long (and the MCP reply too large), so the middle is counted instead.
function listLocations(locations: readonly Location[]): string {
  if (locations.length <= SHOWN_LOCATIONS) return locations.map(at).join(', ');
  const head = locations.slice(0, SHOWN_LOCATIONS - 1).map(at).join(', ');
  const last = locations[locations.length - 1];
  return `${head}, ... ${locations.length - SHOWN_LOCATIONS} more ..., ${last ? at(last) : ''}`;
}

export const confDuplicateDirective: Rule = {
  id: 'CONF-DUPLICATE-DIRECTIVE',
  title: 'Directive set more than once (the last one wins)',
  severity: 'low',
  rationale:
    'For a single-value directive the server keeps the last line and drops the others silently, so a reviewer who reads the first `timeout 300` or `protected-mode yes` approves a value that is not in force; includes make this easy to miss.',
  remediation: { text: 'Keep one line per directive (in the file that owns it) and delete the others.' },
  compliance: [pci('2.2.1'), sox('change management')],
  level: 3,
  modes: ['lint'],
  check(facts, ctx) {
    if (ctx.mode === 'live') return notApplicable('a running server shows only the value in force; lint checks the files');
    if (facts.duplicateDirectives.length === 0) return pass('no single-value directive is set more than once');
    return facts.duplicateDirectives.map((d) => {
      const last = d.locations[d.locations.length - 1];
      const where = listLocations(d.locations);
      return fail(`'${d.name}' is set ${d.locations.length} times (${where}); only the last${last ? `, ${at(last)},` : ''} counts`, {
        location: last,
        remediation: { text: `Keep one '${d.name}' line and delete the others (${where}).` },
      });
    });
  },
};
