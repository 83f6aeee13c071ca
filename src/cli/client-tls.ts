/** The client TLS flags audit, diagnose and rotate share (`tls` keeps its own ones: it inspects files too). */
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { TlsOptions } from '../resp/index.js';

export interface ClientTlsFlags {
  tls?: boolean | undefined;
  cacert?: string | undefined;
  cert?: string | undefined;
  key?: string | undefined;
  insecure?: boolean | undefined;
  sni?: string | undefined;
}

export function addClientTlsOptions(cmd: Command, tlsHelp: string): Command {
  return cmd
    .option('--tls', tlsHelp)
    .option('--cacert <file>', 'CA certificate(s) to verify the server with')
    .option('--cert <file>', 'client certificate (mTLS)')
    .option('--key <file>', 'client private key (mTLS)')
    .option('--insecure', 'do not verify the server certificate')
    .option('--sni <name>', 'TLS server name to send and verify');
}

export function checkClientCert(flags: ClientTlsFlags): void {
  if ((flags.cert === undefined) !== (flags.key === undefined)) throw new UsageError('--cert and --key go together');
}

/** The TLS settings these flags give, or undefined when none was given (plain TCP unless rediss://). */
export function clientTlsOptions(flags: ClientTlsFlags): TlsOptions | undefined {
  if (!(flags.tls || flags.cacert || flags.cert || flags.insecure || flags.sni)) return undefined;
  return { ca: flags.cacert, cert: flags.cert, key: flags.key, servername: flags.sni, insecure: flags.insecure === true ? true : undefined };
}

/** --timeout: a positive whole number of milliseconds. */
export function timeoutMs(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`--timeout must be a positive number of milliseconds, got ${JSON.stringify(value)}`);
  return Number(value);
}
