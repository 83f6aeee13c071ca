/**
 * What the live collector asks ACL DRYRUN and COMMAND INFO about. DRYRUN evaluates a user's
 * permissions for a command line without executing it, so the dangerous commands below are never
 * run. The keys of ServerFacts.dryrun[user] are these argv lines joined with single spaces.
 */
export const DRYRUN_PROBES: readonly (readonly string[])[] = [
  ['CONFIG', 'GET', 'x'],
  ['CONFIG', 'SET', 'dir', 'x'],
  ['FLUSHALL'],
  ['FLUSHDB'],
  ['KEYS', 'x'],
  ['DEBUG', 'OBJECT', 'x'],
  ['EVAL', 'return 1', '0'],
  ['FCALL', 'f', '0'],
  ['FUNCTION', 'LOAD', 'x'],
  ['SCRIPT', 'DEBUG', 'YES'],
  ['MODULE', 'LIST'],
  ['MODULE', 'LOAD', 'x'],
  ['REPLICAOF', 'NO', 'ONE'],
  ['SLAVEOF', 'NO', 'ONE'],
  ['MONITOR'],
  ['ACL', 'SETUSER', 'x'],
  ['SHUTDOWN'],
  ['CLIENT', 'KILL', 'ID', '1'],
] as const;

export const probeKey = (argv: readonly string[]): string => argv.join(' ');

/** Commands whose absence from COMMAND INFO means rename-command hid them. */
export const WATCHED_COMMANDS = [
  'config', 'flushall', 'flushdb', 'keys', 'debug', 'eval', 'evalsha', 'script', 'function', 'fcall',
  'module', 'replicaof', 'slaveof', 'monitor', 'acl', 'shutdown', 'save', 'bgsave', 'bgrewriteaof',
  'migrate', 'restore', 'sync', 'psync', 'client',
] as const;

/**
 * Key names compromised servers carry (docker-library/redis#378 and the cron/ssh write attacks):
 * the opt-in IOC-CRON-KEYS probe asks EXISTS for each, one key per command so the reply says which.
 */
export const SUSPICIOUS_KEYS = ['backup1', 'backup2', 'backup3', 'backup4', 'crackit'] as const;
