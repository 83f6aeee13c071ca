/** Quoting for values spliced into the redis-cli commands of a remediation (user names can be hostile). */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_.:@%+=,/-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** `redis-cli ACL SETUSER <user> <rules...>` with every word quoted for a POSIX shell. */
export function aclSetuserCommand(user: string, ...rules: string[]): string {
  return ['redis-cli', 'ACL', 'SETUSER', user, ...rules].map(shellQuote).join(' ');
}

export function chmodCommand(mode: string, path: string): string {
  return `chmod ${mode} ${shellQuote(path)}`;
}
