/** Small constructors for rule results, so every rule reads the same way. */
import type { Location, Remediation, Severity } from '../report/types.js';
import type { RuleResult } from './types.js';

interface Extra {
  location?: Location | undefined;
  severity?: Severity | undefined;
  remediation?: Remediation | undefined;
  subject?: string | undefined;
}

function make(status: RuleResult['status'], evidence: string, extra: Extra = {}): RuleResult {
  const r: RuleResult = { status, evidence };
  if (extra.location) r.location = extra.location;
  if (extra.severity) r.severity = extra.severity;
  if (extra.remediation) r.remediation = extra.remediation;
  if (extra.subject !== undefined) r.subject = extra.subject;
  return r;
}

export const pass = (evidence: string, extra?: Extra): RuleResult => make('pass', evidence, extra);
export const fail = (evidence: string, extra?: Extra): RuleResult => make('fail', evidence, extra);
export const unknownResult = (evidence: string, extra?: Extra): RuleResult => make('unknown', evidence, extra);
export const notApplicable = (evidence: string, extra?: Extra): RuleResult => make('not_applicable', evidence, extra);
