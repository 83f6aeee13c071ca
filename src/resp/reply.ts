/**
 * What a server said. RESP2 is the primary protocol (the audit speaks RESP2); RESP3 types are
 * decoded too so that a caller who asks for `HELLO 3` still gets usable values.
 */

/** An error reply, kept exactly: `code` is the first word (NOAUTH, WRONGPASS, NOPERM, DENIED, ERR ...). */
export class RespError {
  readonly code: string;
  /** The whole error line as the server sent it, without the leading '-' (what redis-cli prints). */
  readonly message: string;
  constructor(line: string) {
    this.message = line;
    const space = line.indexOf(' ');
    this.code = space < 0 ? line : line.slice(0, space);
  }
  toString(): string {
    return this.message;
  }
}

/** A RESP3 out-of-band push (`>`), e.g. invalidation messages; never the answer to a command. */
export class RespPush {
  constructor(readonly items: RespReply[]) {}
}

export type RespReply =
  | string
  | number
  | bigint
  | boolean
  | null
  | RespError
  | RespReply[]
  | Map<RespReply, RespReply>;

export function isRespError(reply: unknown): reply is RespError {
  return reply instanceof RespError;
}
