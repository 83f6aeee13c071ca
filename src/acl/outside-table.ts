/**
 * Commands a server answers in processCommand before it looks the name up in its command table,
 * so no ACL rule applies to them (server.c, per version):
 * - 6.2 answers QUIT with +OK for every connection, authenticated or not (7.0+ has QUIT in the
 *   table, flagged NO_AUTH, which the ACL engine already treats as always allowed);
 * - 7.0+ (and Valkey) close the connection on POST and Host: (cross-protocol scripting guard)
 *   without running anything; 6.2 has them in the table, so its ACL check comes first.
 */
import { asciiLower } from './ascii.js';
import { aclContext } from './context.js';
import type { AclOptions, AclVerdict } from './types.js';

export interface OutsideTable {
  /** The run verdict; `dryrun` evaluates the line as ACL DRYRUN would (it may throw: not found). */
  verdict(dryrun: () => AclVerdict): AclVerdict;
}

/** DRYRUN's answer for the note, or its error text (e.g. "Command 'post' not found"). */
function dryrunAnswer(dryrun: () => AclVerdict): { allowed: boolean; message: string } {
  try {
    const v = dryrun();
    return { allowed: v.allowed, message: v.message };
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e);
    return { allowed: false, message: `ERR ${text.replace(/^command: /, '')}` };
  }
}

export function outsideTable(argv: readonly string[], opts: AclOptions): OutsideTable | undefined {
  // On evaluate's hot path: only 4- and 5-letter names can be one of these.
  const first = argv[0];
  if (first === undefined || (first.length !== 4 && first.length !== 5)) return undefined;
  const name = asciiLower(first);
  if (name !== 'quit' && name !== 'post' && name !== 'host:') return undefined;
  const legacy = aclContext(opts).profile.legacy;
  if (legacy && name === 'quit') {
    return {
      verdict: () => ({
        allowed: true,
        command: 'quit',
        decidedBy: `${opts.version} answers QUIT before its command table and ACL check, for every connection`,
        message: 'OK',
        basis: 'run',
      }),
    };
  }
  if (!legacy && (name === 'post' || name === 'host:')) {
    return {
      verdict: (dryrun) => ({
        allowed: false,
        denial: 'run',
        command: name,
        decidedBy: `${opts.version} treats ${name.toUpperCase()} as an HTTP request (cross-protocol scripting guard) before its command table`,
        message: 'the server closes the connection without running anything or replying',
        basis: 'run',
        dryrun: dryrunAnswer(dryrun),
      }),
    };
  }
  return undefined;
}
