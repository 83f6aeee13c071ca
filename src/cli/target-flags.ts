/**
 * What the commands that connect to a list of servers share: the credential flags, the target
 * list (URLs plus --targets FILE) and the connection settings the flags give.
 */
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { ConnectionSettings } from '../audit/collect-target.js';
import type { Target } from '../resp/index.js';
import { clientTlsOptions, type ClientTlsFlags } from './client-tls.js';

export interface CredentialFlags {
  user?: string | undefined;
  passwordFile?: string | undefined;
}

/** --user and --password-file, as audit, watch and exporter word them. */
export function addCredentialOptions(cmd: Command): Command {
  return cmd
    .option('--user <name>', 'ACL user to authenticate as (read-only rights suffice; see README)')
    .option('--password-file <file>', 'file holding the password (else REDSEC_PASSWORD, then REDISCLI_AUTH)');
}

/** A comma-separated flag value (--allow-clients a,b) as a list; undefined when the flag is absent. */
export const commaList = (v: string | undefined): string[] | undefined => (v === undefined ? undefined : v.split(',').map((s) => s.trim()).filter(Boolean));

/** The URLs given on the command line, then those of --targets FILE, parsed; at least one. */
export async function loadTargets(urls: readonly string[], targetsFile: string | undefined): Promise<Target[]> {
  // Imported here so that --help need not load them.
  const [{ loadTargetEntries }, { parseTarget }] = await Promise.all([import('../audit/targets-file.js'), import('../resp/target.js')]);
  const given = [...urls, ...(targetsFile !== undefined ? loadTargetEntries(targetsFile).map((e) => e.url) : [])];
  if (given.length === 0) throw new UsageError('give at least one URL or --targets FILE');
  return given.map((u) => parseTarget(u));
}

/** Credentials, TLS and one deadline for connecting and for each reply. */
export function connectionSettings(flags: CredentialFlags & ClientTlsFlags, timeoutMs: number): ConnectionSettings {
  return {
    user: flags.user,
    passwordFile: flags.passwordFile,
    forceTls: flags.tls === true,
    tls: clientTlsOptions(flags),
    connectTimeoutMs: timeoutMs,
    replyTimeoutMs: timeoutMs,
  };
}
