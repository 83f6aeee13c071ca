/**
 * A password written in a URL on the command line is readable by every user of the host (ps,
 * /proc/PID/cmdline) for as long as redsec runs. It still works, as it does for redis-cli, but the
 * user is told once per run where the password belongs instead.
 */
import { err } from './action.js';

export const URL_PASSWORD_WARNING =
  'redsec: warning: a password in a command-line URL is visible to every user of this host (ps, /proc); put it in a 0600 file (--password-file) or in REDSEC_PASSWORD instead';

/** The userinfo of a redis:// or rediss:// URL holds a password (user:password@ or :password@). */
export function urlHasPassword(url: string): boolean {
  const m = /^rediss?:\/\/([^/?#]*)@/i.exec(url.trim());
  return m !== null && (m[1] ?? '').includes(':');
}

/** Writes the warning (once) when any of the URLs carries a password. */
export function warnPasswordInUrls(urls: readonly (string | undefined)[]): void {
  if (urls.some((u) => u !== undefined && urlHasPassword(u))) err(URL_PASSWORD_WARNING);
}
