/** What every diagnosis builder knows about the target, and how it spells redis-cli commands for it. */

export interface TargetContext {
  /** Masked URL for display. */
  display: string;
  host: string;
  port: number;
  tls: boolean;
  /** CA file the user gave, shown in commands (a path, not a secret). */
  caFile?: string;
  /** Client certificate and key files the user gave: a server that requires mTLS refuses redis-cli without them. */
  certFile?: string;
  keyFile?: string;
  /** The server version when known (e.g. "7.0.15"), else null. */
  version: string | null;
}

/** `redis-cli` with the connection flags for this target; `--askpass` keeps passwords off the command line. */
export function redisCli(ctx: TargetContext, args: string, as?: string): string {
  const parts = ['redis-cli', '-h', ctx.host, '-p', String(ctx.port)];
  if (ctx.tls) {
    parts.push('--tls');
    if (ctx.caFile) parts.push('--cacert', quote(ctx.caFile));
    if (ctx.certFile && ctx.keyFile) parts.push('--cert', quote(ctx.certFile), '--key', quote(ctx.keyFile));
  }
  if (as) parts.push('--user', quote(as), '--askpass');
  return `${parts.join(' ')} ${args}`;
}

/** Quotes a shell word when it needs it. */
export function quote(word: string): string {
  // No | (pipe) and no ~ (home expansion at a word start): those words are quoted.
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** "7.0.15" → [7, 0]; null when unknown. */
export function majorMinor(version: string | null): [number, number] | null {
  const m = /^(\d+)\.(\d+)/.exec(version ?? '');
  return m ? [Number(m[1]), Number(m[2])] : null;
}
