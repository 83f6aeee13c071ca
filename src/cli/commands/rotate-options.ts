import { Option, type Command } from 'commander';
import { addClientTlsOptions } from '../client-tls.js';
import { EXIT } from '../exit.js';

/** The client TLS flags, --timeout and --format every rotate command takes. */
export function connectionOptions(cmd: Command, tlsHelp: string): Command {
  return addClientTlsOptions(cmd, tlsHelp)
    .option('--timeout <ms>', 'connect and reply deadline', '5000')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'));
}

/** 0 ok; 3 the target refused or failed (nothing further was changed); 1 a check failed. */
export function exitOf(r: { ok: boolean; failure?: 'verify' | 'target' | undefined }): number {
  return r.ok ? EXIT.ok : r.failure === 'target' ? EXIT.target : EXIT.findings;
}
