/** The client TLS flags audit, diagnose and rotate share (`tls` keeps its own ones: it inspects files too). */
import type { Command } from 'commander';
import { UsageError } from '../errors.js';

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
