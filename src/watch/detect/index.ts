export { detectSnapshot } from './detect.js';
export { makeEvent, type DetectOptions, type DetectInput, type DetectOutput } from './context.js';
export { newLogEvents, counterRise, EMPTY_ACL_LOG_TALLY, type NewLogEvents, type AclLogTally } from './acl-log.js';
export { driftWeight } from './config.js';
export { usersWhoMayRun } from './commands.js';
export { detectFindings } from './findings.js';
