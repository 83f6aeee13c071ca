/**
 * The commands whose use is a security event, by INFO commandstats name (lowercase, 7.0+ splits
 * container commands: "config|set"). A fixed list, so metrics labelled with it stay bounded.
 * Severity is the watcher's default: what an intruder or a mistake does with it, weighed against
 * how often applications run it legitimately (EVAL and KEYS are common in application code).
 */
import type { Severity } from '../report/types.js';

export interface DangerousCommand {
  /** INFO commandstats name, e.g. "config|set". */
  command: string;
  severity: Severity;
  /** Why it matters, one short clause. */
  why: string;
  /**
   * Applications run it all day (KEYS in old code, Lua, functions): the watcher reports its first
   * use on a target, not every poll it is used, or steady traffic would be a stream of alerts.
   */
  routine?: boolean | undefined;
}

export const DANGEROUS_COMMANDS: readonly DangerousCommand[] = [
  { command: 'config|set', severity: 'high', why: 'changes the running configuration' },
  { command: 'config|rewrite', severity: 'high', why: 'writes the running configuration to the config file' },
  { command: 'flushall', severity: 'high', why: 'deletes every key of every database' },
  { command: 'flushdb', severity: 'high', why: 'deletes every key of a database' },
  { command: 'debug', severity: 'high', why: 'debugging command that can crash the server or leak memory contents' },
  { command: 'module|load', severity: 'critical', why: 'loads native code into the server' },
  { command: 'module|loadex', severity: 'critical', why: 'loads native code into the server' },
  { command: 'module|unload', severity: 'high', why: 'unloads a module' },
  { command: 'slaveof', severity: 'critical', why: 'makes the server replicate another master (rogue-master attack)' },
  { command: 'replicaof', severity: 'critical', why: 'makes the server replicate another master (rogue-master attack)' },
  { command: 'acl|setuser', severity: 'high', why: 'creates or changes a user' },
  { command: 'acl|deluser', severity: 'high', why: 'deletes a user' },
  { command: 'acl|load', severity: 'high', why: 'replaces every user from the ACL file' },
  { command: 'shutdown', severity: 'high', why: 'stops the server' },
  { command: 'keys', severity: 'low', why: 'scans the whole keyspace and blocks the server', routine: true },
  { command: 'eval', severity: 'low', why: 'runs a Lua script', routine: true },
  { command: 'evalsha', severity: 'low', why: 'runs a cached Lua script', routine: true },
  { command: 'script|load', severity: 'low', why: 'caches a Lua script', routine: true },
  { command: 'script|flush', severity: 'medium', why: 'drops the script cache' },
  { command: 'function|load', severity: 'medium', why: 'loads a function library' },
  { command: 'function|delete', severity: 'medium', why: 'deletes a function library' },
  { command: 'function|flush', severity: 'medium', why: 'deletes every function library' },
  { command: 'function|restore', severity: 'medium', why: 'replaces function libraries' },
  { command: 'fcall', severity: 'low', why: 'runs a function', routine: true },
];

export const DANGEROUS_COMMAND_NAMES: readonly string[] = DANGEROUS_COMMANDS.map((c) => c.command);
