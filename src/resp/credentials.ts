/**
 * Where the password comes from, in order: the URL, --password-file, REDSEC_PASSWORD, REDISCLI_AUTH
 * (redis-cli's variable, so existing setups work unchanged). The source is reported, the value never.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import type { Target } from './target.js';

export type CredentialSource = 'url' | 'file' | 'REDSEC_PASSWORD' | 'REDISCLI_AUTH' | 'none';

export interface Credentials {
  user?: string;
  password?: string;
  source: CredentialSource;
}

export interface CredentialOptions {
  user?: string | undefined;
  passwordFile?: string | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  target?: Target | undefined;
}

/** A password file holds the password alone; one trailing newline (as editors add) is not part of it. */
function readPasswordFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new InputError(`cannot read password file (${code})`, path);
  }
  const password = text.replace(/\r?\n$/, '');
  if (password === '') throw new InputError('password file is empty', path);
  if (/[\r\n]/.test(password)) throw new InputError('password file must hold one line', path);
  return password;
}

export function resolveCredentials(opts: CredentialOptions): Credentials {
  const env = opts.env ?? process.env;
  const user = opts.user ?? opts.target?.user;
  const withUser = user !== undefined ? { user } : {};
  if (opts.target?.password !== undefined) return { ...withUser, password: opts.target.password, source: 'url' };
  if (opts.passwordFile !== undefined) return { ...withUser, password: readPasswordFile(opts.passwordFile), source: 'file' };
  const fromEnv = env['REDSEC_PASSWORD'];
  if (fromEnv !== undefined && fromEnv !== '') return { ...withUser, password: fromEnv, source: 'REDSEC_PASSWORD' };
  const cli = env['REDISCLI_AUTH'];
  if (cli !== undefined && cli !== '') return { ...withUser, password: cli, source: 'REDISCLI_AUTH' };
  return { ...withUser, source: 'none' };
}
