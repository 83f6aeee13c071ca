export { SEVERITIES, STATUSES } from './types.js';
export type { Severity, Status, Location, Remediation, Finding, Summary, Report } from './types.js';
