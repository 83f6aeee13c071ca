/**
 * redsec's own RESP client, and why it is not a client library: libraries send hidden handshakes
 * (HELLO, CLIENT SETINFO, SELECT, INFO), reconnect silently, and swallow or reinterpret
 * out-of-band errors such as the `-DENIED` protected-mode reply that arrives before any command.
 * An auditor must see exactly what was sent and received, and must be unable to send a write.
 * So this client sends only what the caller asks for (AUTH first, and only when `auth` is given),
 * checks every command against the read-only allowlist before writing a byte, keeps unsolicited
 * errors in `outOfBand`, never reconnects once connected, and bounds every wait with a deadline.
 * A server is hostile input: each reply must be complete within the reply deadline counted from
 * its request (bytes trickling in do not extend it), and replies and connections are capped in
 * size. Every secret the connection holds or sends is hidden from every error the server sends.
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { assertAllowed, type KeyReadPolicy } from './allowlist.js';
import { assertRotationAllowed } from './rotation-allowlist.js';
import { assertTlsRotationAllowed } from './tls-rotation-allowlist.js';
import { encodeCommands } from './encode.js';
import { ConnectionError, socketError } from './faults.js';
import { RespLimitError, RespParser, RespProtocolError } from './parser.js';
import { Redactor } from './redaction.js';
import { RespError, RespPush, type RespReply } from './reply.js';
import type { Target } from './target.js';
import { sessionInfo, type TlsInfo } from './tls-session.js';
import { adoptSocket, openSocket, type Endpoint, type TlsOptions } from './transport.js';
import { speaksTls } from './tls-sniff.js';
import { assertQueueable, type QueueCheckReplies } from './queue-check.js';
import { visible } from '../text/visible.js';
import { ForbiddenCommandError, UsageError } from '../errors.js';

export interface AuthOptions {
  user?: string;
  password: string;
  /** AUTH (default) or HELLO <protocol> AUTH user pass. */
  via?: 'AUTH' | 'HELLO';
  /** Protocol for HELLO (default 2: the audit reads RESP2 replies). */
  protocol?: 2 | 3;
}

export interface ConnectOptions {
  /** TLS settings; TLS is used when the target is rediss:// or this is given. */
  tls?: TlsOptions | undefined;
  connectTimeoutMs?: number | undefined;
  replyTimeoutMs?: number | undefined;
  /** How often a connection reset while connecting is retried (default 2). */
  retries?: number | undefined;
  /** First backoff, doubled on each retry (default 1000 ms). */
  backoffMs?: number | undefined;
  auth?: AuthOptions | undefined;
  /** Opt-in EXISTS / capped SCAN (IOC-CRON-KEYS only); without it they are refused like writes. */
  keyReads?: KeyReadPolicy | undefined;
  /**
   * A password rotation's connection for this user: it may send only the rotation write allowlist
   * (rotation-allowlist.ts), which replaces the read-only allowlist instead of adding to it.
   */
  rotationUser?: string | undefined;
  /**
   * A certificate rotation's connection: the audit's reads plus CONFIG SET of TLS file directives
   * and CONFIG REWRITE (tls-rotation-allowlist.ts), nothing else.
   */
  tlsRotation?: boolean | undefined;
  /**
   * CONFIG's name on a server with `rename-command CONFIG NAME` (--config-command). Right after
   * AUTH the connection asks COMMAND INFO NAME; only when the server says NAME is its CONFIG does
   * every `CONFIG GET ...` go out as `NAME GET ...` (and the allowlist admit exactly that form).
   * Costs one round trip before `initialCommands`.
   */
  configCommand?: string | undefined;
  /**
   * Send PING before AUTH and keep its reply in `unauthenticatedReply`: whether the server answers
   * a client that has not authenticated, asked on the same connection instead of a second one.
   */
  pingBeforeAuth?: boolean;
  /**
   * Commands sent in the same write as that PING and AUTH, right after them (one round trip
   * instead of three); their replies are in `initialReplies`. When AUTH fails they are discarded.
   */
  initialCommands?: string[][];
  /**
   * Wait this long after connecting for anything the server sends unasked (e.g. -DENIED), without
   * sending a byte. Default 0: the first command's reply shows it instead.
   */
  greetingWaitMs?: number;
  /** Bytes of one reply (default 64 MiB, REPLY_LIMITS). */
  maxReplyBytes?: number | undefined;
  /** Elements of one reply, all nesting levels together (default 1,000,000, REPLY_LIMITS). */
  maxReplyElements?: number | undefined;
  /** Bytes received over the connection's life (default 256 MiB): everything one audit of a target reads. */
  maxTotalBytes?: number | undefined;
}

/** What became of ConnectOptions.configCommand. */
export interface ConfigCommandInfo {
  name: string;
  /** COMMAND INFO NAME showed the server's NAME is CONFIG: CONFIG GET is sent as NAME GET. */
  verified: boolean;
  /** What COMMAND INFO NAME answered, for evidence. */
  detail: string;
}

export interface RespConnection {
  /** Sends one allowlisted command; ForbiddenCommandError (nothing written) otherwise. */
  call(args: string[]): Promise<RespReply>;
  /** One write for all commands (all are checked first), replies in order. */
  pipeline(commands: string[][]): Promise<RespReply[]>;
  /** Errors the server sent when no command was waiting, e.g. -DENIED right after accept. */
  readonly outOfBand: RespError[];
  /** RESP3 pushes (only after HELLO 3). */
  readonly pushes: RespReply[][];
  readonly tlsInfo?: TlsInfo;
  /** The server's reply to the AUTH/HELLO that `auth` asked for. */
  readonly authReply?: RespReply;
  /**
   * ConnectOptions.configCommand on a connection already open (e.g. after its own AUTH): asks
   * COMMAND INFO NAME and, when the server calls NAME config, sends every CONFIG GET as NAME GET.
   */
  useConfigCommand(name: string): Promise<ConfigCommandInfo>;
  /** MULTI, the command, DISCARD (never EXEC): does the server queue it? See queue-check.ts. */
  queueCheck(argv: readonly string[]): Promise<QueueCheckReplies>;
  /** The reply to the PING sent before AUTH (`pingBeforeAuth`). */
  readonly unauthenticatedReply?: RespReply;
  /** The replies to `initialCommands`, in order. */
  readonly initialReplies?: RespReply[];
  /** Connection attempts made (1 + retries used). */
  readonly attempts: number;
  /** Set when ConnectOptions.configCommand was given. */
  readonly configCommand?: ConfigCommandInfo;
  /** Masked target. */
  readonly target: string;
  readonly closed: boolean;
  close(): void;
}

export const DEFAULTS = { connectTimeoutMs: 5000, replyTimeoutMs: 5000, retries: 2, backoffMs: 1000, maxTotalBytes: 256 * 1024 * 1024 } as const;

interface Pending {
  resolve(reply: RespReply): void;
  reject(err: Error): void;
  /** The command carried a secret (AUTH, HELLO AUTH): its reply's echo of arguments is hidden. */
  secretBearing: boolean;
  /** When the complete reply must have arrived (performance.now() at the write + replyTimeoutMs). */
  due: number;
}

/** Limits and secrets a connection is built with. */
interface Guards {
  replyTimeoutMs: number;
  redactor: Redactor;
  keyReads: KeyReadPolicy | undefined;
  rotationUser: string | undefined;
  tlsRotation: boolean;
  parser: RespParser;
  maxTotalBytes: number;
}

/** The error codes Redis sends unasked right before closing a connection it will not serve. */
function unsolicitedFault(err: RespError, display: string): ConnectionError | undefined {
  const first = err.message.split('. ')[0] ?? err.message;
  if (err.code === 'DENIED') {
    return new ConnectionError('E605', 'protected-mode', `refused by protected mode: ${first}`, display, { serverText: err.message });
  }
  if (/^ERR max number of clients/.test(err.message)) {
    return new ConnectionError('MAXCLIENTS', 'max-clients', `the server refused the connection: ${err.message}`, display, { serverText: err.message });
  }
  return undefined;
}

class Connection implements RespConnection {
  readonly outOfBand: RespError[] = [];
  readonly pushes: RespReply[][] = [];
  readonly tlsInfo?: TlsInfo;
  authReply?: RespReply;
  unauthenticatedReply?: RespReply;
  initialReplies?: RespReply[];
  configCommand?: ConfigCommandInfo;
  attempts = 1;
  /** The verified CONFIG alias: CONFIG GET goes out under this name. */
  private configAlias: string | undefined;
  private readonly parser: RespParser;
  private readonly pending: Pending[] = [];
  private readonly replyTimeoutMs: number;
  private readonly redactor: Redactor;
  private readonly keyReads: KeyReadPolicy | undefined;
  private readonly rotationUser: string | undefined;
  private readonly tlsRotation: boolean;
  private readonly maxTotalBytes: number;
  private received = 0;
  private fatal: Error | undefined;
  private explaining = false;
  private timer: NodeJS.Timeout | undefined;
  private repliesSeen = 0;
  private written = false;
  /** close() was called with nothing pending; `fatal` is then built only if someone asks. */
  private closedByCaller = false;

  constructor(
    private readonly socket: Socket | TLSSocket,
    private readonly ep: Endpoint,
    private readonly isTls: boolean,
    private readonly tlsOptions: TlsOptions | undefined,
    guards: Guards,
  ) {
    this.replyTimeoutMs = guards.replyTimeoutMs;
    this.redactor = guards.redactor;
    this.keyReads = guards.keyReads;
    this.rotationUser = guards.rotationUser;
    this.tlsRotation = guards.tlsRotation;
    this.parser = guards.parser;
    this.maxTotalBytes = guards.maxTotalBytes;
    if (isTls) this.tlsInfo = sessionInfo(socket as TLSSocket);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => this.onSocketEnd(err));
    socket.on('close', () => this.onSocketEnd(undefined));
    const early = adoptSocket(socket);
    if (early) this.onSocketEnd(early);
    else if (socket.destroyed) this.onSocketEnd(undefined);
  }

  get target(): string {
    return this.ep.display;
  }

  get closed(): boolean {
    return this.fatal !== undefined || this.closedByCaller || this.explaining || this.socket.destroyed;
  }

  call(args: string[]): Promise<RespReply> {
    return this.pipeline([args]).then((replies) => replies[0] ?? null);
  }

  pipeline(commands: string[][]): Promise<RespReply[]> {
    // The allowlist is checked for every command before anything is written, in the form the
    // caller asked for and in the form that goes out (CONFIG GET under its verified alias).
    const policy = { keyReads: this.keyReads, configAlias: this.configAlias };
    try {
      if (this.rotationUser !== undefined) {
        assertRotationAllowed(commands, this.rotationUser);
        return this.send(commands);
      }
      if (this.tlsRotation) {
        // No CONFIG alias here: the rotation needs the real CONFIG (SET and REWRITE).
        assertTlsRotationAllowed(commands);
        return this.send(commands);
      }
      assertAllowed(commands, policy);
      if (this.configAlias !== undefined) {
        commands = commands.map((c) => (isConfigGet(c) ? [this.configAlias!, ...c.slice(1)] : c));
        assertAllowed(commands, policy);
      }
    } catch (e) {
      return Promise.reject(e);
    }
    return this.send(commands);
  }

  /**
   * The one path for a command that is not on the allowlist (see queue-check.ts): MULTI alone,
   * and only after its +OK, the command and DISCARD in one write. Never EXEC.
   */
  async queueCheck(argv: readonly string[]): Promise<QueueCheckReplies> {
    if (this.rotationUser !== undefined) throw new ForbiddenCommandError('MULTI', 'password-rotation');
    if (this.tlsRotation) throw new ForbiddenCommandError('MULTI', 'tls-rotation');
    assertQueueable(argv);
    const [multi] = await this.send([['MULTI']]);
    // Not in a transaction (MULTI denied, a proxy without MULTI ...): the command would run. Stop.
    if (multi !== 'OK') return { multi: multi ?? null };
    const [queued, discard] = await this.send([[...argv], ['DISCARD']]);
    return { multi, queued: queued ?? null, discard: discard ?? null };
  }

  private send(commands: string[][]): Promise<RespReply[]> {
    if (commands.length === 0) return Promise.resolve([]);
    if (this.fatal) return Promise.reject(this.fatal);
    if (this.closedByCaller) return Promise.reject(this.closedByRedsec());
    if (this.explaining || this.socket.destroyed) return Promise.reject(this.closedError());
    // Secrets are registered before their first byte is written: the reply may echo them.
    const bearing = commands.map((c) => this.redactor.register(c));
    const idle = this.pending.length === 0;
    const due = performance.now() + this.replyTimeoutMs;
    const promises = commands.map(
      (_, i) => new Promise<RespReply>((resolve, reject) => this.pending.push({ resolve, reject, secretBearing: bearing[i] === true, due })),
    );
    this.written = true;
    this.socket.write(encodeCommands(commands));
    // A reply already awaited keeps its deadline: writing more never extends it.
    if (idle) this.armTimer();
    return Promise.all(promises);
  }

  async useConfigCommand(name: string): Promise<ConfigCommandInfo> {
    if (!COMMAND_NAME.test(name)) throw new UsageError('--config-command: a command name is 1 to 64 printable characters without spaces');
    const [reply] = await this.pipeline([['COMMAND', 'INFO', name]]);
    this.adoptConfigAlias(name, reply ?? null);
    return this.configCommand!;
  }

  /** Records COMMAND INFO NAME's answer; CONFIG GET uses NAME only when the server calls it config. */
  adoptConfigAlias(name: string, reply: RespReply): void {
    const entry = Array.isArray(reply) && reply.length === 1 ? reply[0] : undefined;
    const real = Array.isArray(entry) && typeof entry[0] === 'string' ? entry[0] : undefined;
    const shown = visible(name);
    let detail: string;
    if (real !== undefined && real.toLowerCase() === 'config') {
      this.configAlias = name;
      detail = `COMMAND INFO ${shown} answers for config: CONFIG GET is read as ${shown} GET`;
    } else if (reply instanceof RespError) detail = `COMMAND INFO ${shown} failed: ${visible(reply.message)}`;
    else if (real !== undefined) detail = `${shown} is the server's '${visible(real.slice(0, 64))}' command, not CONFIG: not used`;
    else detail = `the server has no command ${shown} (COMMAND INFO answers nil): not used`;
    this.configCommand = { name, verified: this.configAlias !== undefined, detail };
  }

  close(): void {
    if (this.fatal || this.closedByCaller) return;
    if (this.pending.length > 0) {
      this.fail(this.closedByRedsec());
      return;
    }
    // Nobody waits: skip building an Error (its stack trace is most of the cost of a fleet's closes).
    this.closedByCaller = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.socket.destroy();
  }

  private closedByRedsec(): ConnectionError {
    return new ConnectionError('CLOSED', 'closed', 'connection closed by redsec', this.ep.display);
  }

  /** Resolves after `ms` or as soon as the connection dies, whichever comes first. */
  waitForGreeting(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      const socket = this.socket;
      function done() {
        clearTimeout(t);
        socket.off('close', done);
        resolve();
      }
      socket.once('close', done);
    });
  }

  /** The error a dead connection reports. */
  deadError(): Error | undefined {
    return this.fatal ?? (this.closedByCaller ? this.closedByRedsec() : undefined);
  }

  private closedError(): ConnectionError {
    return new ConnectionError('CLOSED', 'closed', 'connection is closed', this.ep.display);
  }

  /**
   * The deadline of the reply now awaited (the oldest pending): `replyTimeoutMs` from the write of
   * its request, for every reply of a pipeline alike. Set only when a request is written to an idle
   * connection or a reply completes: bytes arriving never push it back, so a server dripping a
   * byte at a time (or answering each pipelined command just in time) cannot hold us.
   */
  private armTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const head = this.pending[0];
    if (!head) return;
    this.timer = setTimeout(() => {
      this.fail(new ConnectionError('TIMEOUT', 'reply-timeout', `no complete reply within ${this.replyTimeoutMs} ms`, this.ep.display));
    }, Math.max(0, head.due - performance.now()));
  }

  /**
   * Secrets hidden from every error the server sent, at any depth (EXEC answers with an array).
   * Aggregates are fresh from the parser and ours alone, so errors are replaced in place.
   */
  private clean(reply: RespReply, secretBearing: boolean): RespReply {
    if (reply instanceof RespError) {
      const text = this.redactor.clean(reply.message, secretBearing);
      return text === reply.message ? reply : new RespError(text);
    }
    if (Array.isArray(reply)) {
      for (let i = 0; i < reply.length; i++) reply[i] = this.clean(reply[i] ?? null, secretBearing);
    } else if (reply instanceof Map) {
      for (const [k, v] of reply) {
        const c = this.clean(v, secretBearing);
        if (c !== v) reply.set(k, c);
      }
    }
    return reply;
  }

  private onData(chunk: Buffer): void {
    if (this.fatal || this.closedByCaller) return;
    this.received += chunk.length;
    if (this.received > this.maxTotalBytes) {
      this.fail(new ConnectionError('PROTOCOL', 'protocol', `the server sent more than ${this.maxTotalBytes >> 20} MiB on one connection (redsec's limit)`, this.ep.display));
      return;
    }
    let replies: (RespReply | RespPush)[];
    try {
      replies = this.parser.feed(chunk);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      const what = e instanceof RespLimitError ? `the server sent ${why}` : `the server's reply is not RESP: ${e instanceof RespProtocolError ? why : String(e)}`;
      this.fail(new ConnectionError('PROTOCOL', 'protocol', this.redactor.clean(what), this.ep.display));
      return;
    }
    let completed = false;
    for (const raw of replies) {
      if (raw instanceof RespPush) {
        this.pushes.push(raw.items);
        continue;
      }
      const bearing = this.pending[0]?.secretBearing ?? false;
      const reply = this.redactor.size > 0 || bearing ? this.clean(raw, bearing) : raw;
      if (reply instanceof RespError) {
        const fault = unsolicitedFault(reply, this.ep.display);
        if (fault) {
          this.outOfBand.push(reply);
          this.fail(fault);
          return;
        }
      }
      const waiter = this.pending.shift();
      if (!waiter) {
        if (reply instanceof RespError) {
          this.outOfBand.push(reply);
          continue;
        }
        this.fail(new ConnectionError('PROTOCOL', 'protocol', 'the server sent a reply nobody asked for', this.ep.display));
        return;
      }
      this.repliesSeen++;
      completed = true;
      waiter.resolve(reply);
    }
    if (completed) this.armTimer();
  }

  private onSocketEnd(err: NodeJS.ErrnoException | undefined): void {
    if (this.fatal || this.explaining || this.closedByCaller) return;
    let error: ConnectionError;
    if (err) error = socketError(err, this.ep.display);
    else if (this.parser.buffered > 0) {
      error = new ConnectionError('CLOSED', 'closed', `the server closed the connection in the middle of a reply (${this.parser.buffered} bytes received)`, this.ep.display);
    } else error = new ConnectionError('CLOSED', 'closed', this.pending.length > 0 ? 'the server closed the connection before replying' : 'the server closed the connection', this.ep.display);
    // A plain connection that dies on its first command without a byte back may be a TLS port.
    const firstExchange = !this.isTls && this.written && this.repliesSeen === 0 && this.parser.buffered === 0;
    if (firstExchange && (error.fault === 'reset' || error.fault === 'closed')) {
      this.explaining = true;
      this.socket.destroy();
      clearTimeout(this.timer);
      this.timer = undefined;
      void speaksTls(this.ep, this.tlsOptions, this.replyTimeoutMs).then((tls) => {
        this.explaining = false;
        this.fail(
          tls
            ? new ConnectionError('PROTOCOL', 'plain-to-tls-port', 'the server speaks TLS on this port: use rediss:// (or --tls)', this.ep.display)
            : error,
        );
      });
      return;
    }
    this.fail(error);
  }

  fail(error: Error): void {
    if (this.fatal) return;
    this.fatal = error;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.socket.destroy();
    for (const p of this.pending.splice(0)) p.reject(error);
  }
}

function isConfigGet(c: readonly string[]): boolean {
  return c[0]?.toUpperCase() === 'CONFIG' && c[1]?.toUpperCase() === 'GET';
}

/** A usable command name: printable, no spaces, short (Redis compares names case-insensitively). */
const COMMAND_NAME = /^[\x21-\x7e]{1,64}$/;

function authArgs(auth: AuthOptions): string[] {
  if (auth.via === 'HELLO') return ['HELLO', String(auth.protocol ?? 2), 'AUTH', auth.user ?? 'default', auth.password];
  return auth.user !== undefined ? ['AUTH', auth.user, auth.password] : ['AUTH', auth.password];
}

/** AUTH with a password while the default user has none: Redis refuses it, yet the connection is usable. */
const NO_PASSWORD_CONFIGURED = /^ERR AUTH <password> called without any password configured/;

function authFailure(reply: RespError, user: string, display: string): ConnectionError {
  const who = `as user '${user}'`;
  switch (reply.code) {
    case 'WRONGPASS':
      return new ConnectionError('E603', 'wrongpass', `authentication failed ${who}: ${reply.message}`, display, { serverText: reply.message });
    case 'NOAUTH':
      return new ConnectionError('E601', 'noauth', `authentication required ${who}: ${reply.message}`, display, { serverText: reply.message });
    case 'LOADING':
      return new ConnectionError('LOADING', 'loading', reply.message, display, { serverText: reply.message });
    default:
      return new ConnectionError('E603', 'auth-failed', `authentication refused ${who}: ${reply.message}`, display, { serverText: reply.message });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function connectOnce(target: Target, opts: ConnectOptions, attempt: number): Promise<Connection> {
  const tls = target.tls || opts.tls !== undefined ? (opts.tls ?? {}) : undefined;
  const ep: Endpoint = { host: target.host, port: target.port, display: target.display };
  const socket = await openSocket(ep, tls, opts.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs);
  const conn = new Connection(socket, ep, tls !== undefined, tls, {
    replyTimeoutMs: opts.replyTimeoutMs ?? DEFAULTS.replyTimeoutMs,
    // The connection's own credentials are secrets from the start; AUTH/HELLO add theirs when sent.
    redactor: new Redactor([opts.auth?.password, target.password]),
    keyReads: opts.keyReads,
    rotationUser: opts.rotationUser,
    tlsRotation: opts.tlsRotation === true,
    parser: new RespParser({ maxReplyBytes: opts.maxReplyBytes, maxReplyElements: opts.maxReplyElements }),
    maxTotalBytes: opts.maxTotalBytes ?? DEFAULTS.maxTotalBytes,
  });
  conn.attempts = attempt;
  if (opts.greetingWaitMs && opts.greetingWaitMs > 0) {
    await conn.waitForGreeting(opts.greetingWaitMs);
    const dead = conn.deadError();
    if (dead) throw dead;
  }
  const head: string[][] = [...(opts.pingBeforeAuth ? [['PING']] : []), ...(opts.auth ? [authArgs(opts.auth)] : [])];
  const initial = opts.initialCommands ?? [];
  const alias = opts.configCommand !== undefined && opts.configCommand.toUpperCase() !== 'CONFIG' ? opts.configCommand : undefined;
  if (alias !== undefined && !COMMAND_NAME.test(alias)) {
    conn.close();
    throw new UsageError('--config-command: a command name is 1 to 64 printable characters without spaces');
  }
  // The alias is verified before anything uses it, so initialCommands wait for that answer.
  const first = alias !== undefined ? [['COMMAND', 'INFO', alias]] : initial;
  if (head.length + first.length === 0) return conn;
  // Redis handles a pipeline command by command, so everything after AUTH already runs authenticated.
  let replies: RespReply[];
  try {
    replies = await conn.pipeline([...head, ...first]);
  } catch (e) {
    conn.close();
    throw e;
  }
  if (opts.pingBeforeAuth) conn.unauthenticatedReply = replies[0] ?? null;
  if (opts.auth) {
    const reply = replies[head.length - 1] ?? null;
    conn.authReply = reply;
    if (reply instanceof RespError && !NO_PASSWORD_CONFIGURED.test(reply.message)) {
      conn.close();
      throw authFailure(reply, opts.auth.user ?? 'default', target.display);
    }
  }
  if (alias !== undefined) {
    conn.adoptConfigAlias(alias, replies[head.length] ?? null);
    if (opts.initialCommands) {
      try {
        conn.initialReplies = await conn.pipeline(initial);
      } catch (e) {
        conn.close();
        throw e;
      }
    }
  } else if (opts.initialCommands) conn.initialReplies = replies.slice(head.length);
  return conn;
}

/**
 * Connects (TCP or TLS), then sends AUTH first if `auth` is given, and nothing else. A connection
 * reset while connecting is retried `retries` times with exponential backoff; once connected,
 * nothing is ever retried or re-sent behind the caller's back.
 */
export async function connect(target: Target, opts: ConnectOptions = {}): Promise<RespConnection> {
  const retries = opts.retries ?? DEFAULTS.retries;
  const backoff = opts.backoffMs ?? DEFAULTS.backoffMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await connectOnce(target, opts, attempt);
    } catch (e) {
      if (e instanceof ConnectionError && e.fault === 'reset' && attempt <= retries) {
        await sleep(backoff * 2 ** (attempt - 1));
        continue;
      }
      throw e;
    }
  }
}
