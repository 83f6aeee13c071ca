/**
 * The structured result of `redsec diagnose`, defined with zod so the CLI (`--format json`) and
 * the MCP tool share one contract. Passwords never appear in it: credentials are described by
 * user name and source only.
 */
import { z } from 'zod';

/** The seed's E60x codes plus the network and server-state failures diagnose also names. */
export const DIAGNOSIS_CODES = [
  'OK',
  'E601',
  'E602',
  'E603',
  'E604',
  'E605',
  'CONNREFUSED',
  'TIMEOUT',
  'DNS',
  'RESET',
  'CLOSED',
  'PROTOCOL',
  'UNREACHABLE',
  'LOADING',
  'READONLY',
  'MISCONF',
  'MOVED',
  'ASK',
  'CLUSTERDOWN',
  'MAXCLIENTS',
  'SENTINEL',
  'UNKNOWN',
] as const;
export const DiagnosisCodeSchema = z.enum(DIAGNOSIS_CODES);
export type DiagnosisResultCode = z.infer<typeof DiagnosisCodeSchema>;

export const FixSchema = z.object({
  /** What to do, one sentence. */
  text: z.string(),
  /** Shell or redis-cli commands / config lines that do it, in order. */
  commands: z.array(z.string()),
});
export type Fix = z.infer<typeof FixSchema>;

export const ProblemSchema = z.object({
  code: DiagnosisCodeSchema,
  /** The seed's name (NOAUTH, NOPERM, WRONGPASS, TLS_HANDSHAKE, PROTECTED) or the network/state name. */
  name: z.string(),
  /** The specific cause, e.g. "user-disabled", "expired", "san-mismatch". */
  kind: z.string(),
  summary: z.string(),
  /** One paragraph: why this happens. */
  cause: z.string(),
  evidence: z.array(z.string()),
  /** In order of preference. */
  fixes: z.array(FixSchema),
});
export type Problem = z.infer<typeof ProblemSchema>;

export const StepSchema = z.object({
  step: z.enum(['resolve', 'connect', 'tls', 'auth', 'server', 'command', 'acl-log']),
  status: z.enum(['ok', 'fail', 'skipped', 'unknown']),
  detail: z.string(),
});
export type Step = z.infer<typeof StepSchema>;

export const CommandCheckSchema = z.object({
  argv: z.array(z.string()),
  /** How "the command works" was established; never by running a non-allowlisted command. */
  method: z.enum(['executed', 'acl-dryrun', 'multi-queue', 'acl-engine', 'not-checked']),
  /** null when it could not be verified. */
  allowed: z.boolean().nullable(),
  detail: z.string(),
});
export type CommandCheck = z.infer<typeof CommandCheckSchema>;

export const AclLogGroupSchema = z.object({
  user: z.string(),
  reason: z.string(),
  object: z.string(),
  context: z.string(),
  /** Sum of the entries' counts. */
  count: z.number().int(),
  lastSeenSeconds: z.number(),
  /** The smallest ACL change for this denial, when one can be proposed. */
  fix: z.string().nullable(),
  /** Whether the fix was verified with the ACL engine against the user's current rules. */
  verified: z.boolean(),
});
export type AclLogGroup = z.infer<typeof AclLogGroupSchema>;

export const TlsSessionSchema = z.object({
  protocol: z.string().nullable(),
  cipher: z.string().nullable(),
  /** Leaf certificate summary as the client saw it (no private data). */
  certificate: z
    .object({
      subject: z.string(),
      issuer: z.string(),
      subjectAltNames: z.array(z.string()),
      validFrom: z.string(),
      validTo: z.string(),
      selfSigned: z.boolean(),
    })
    .nullable(),
});
export type TlsSession = z.infer<typeof TlsSessionSchema>;

export const DiagnosisSchema = z.object({
  schema_version: z.literal(1),
  tool: z.object({ name: z.literal('redsec'), version: z.string() }),
  /** The target as given, with any password masked. */
  target: z.string(),
  /** True when the connection (and the given command, if any) work. */
  ok: z.boolean(),
  code: DiagnosisCodeSchema,
  /** The failure that stops the client, or null when ok. */
  problem: ProblemSchema.nullable(),
  /** Further observations: recent ACL LOG denials, warnings, facts that could not be verified. */
  notes: z.array(ProblemSchema),
  steps: z.array(StepSchema),
  credentials: z.object({
    user: z.string(),
    /** Where the password came from ("none" when no source had one). */
    source: z.string(),
    /** Every source looked at, in order, with what was found (never the value). */
    tried: z.array(z.string()),
  }),
  server: z.object({
    version: z.string().nullable(),
    mode: z.string().nullable(),
    role: z.string().nullable(),
  }),
  tls: TlsSessionSchema.nullable(),
  command: CommandCheckSchema.nullable(),
  aclLog: z.array(AclLogGroupSchema).nullable(),
});
export type Diagnosis = z.infer<typeof DiagnosisSchema>;

const TlsVersionSchema = z.enum(['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']);

/** The input of diagnose() for tools (MCP): file paths, never secret values. */
export const DiagnoseInputSchema = z.object({
  url: z.string().describe('redis://[user@]host:port or rediss://... (a password here is masked in output)'),
  user: z.string().optional(),
  passwordFile: z.string().optional().describe('file holding the password'),
  tls: z
    .object({
      enabled: z.boolean().optional(),
      ca: z.string().optional(),
      cert: z.string().optional(),
      key: z.string().optional(),
      servername: z.string().optional(),
      insecure: z.boolean().optional(),
      minVersion: TlsVersionSchema.optional(),
      maxVersion: TlsVersionSchema.optional(),
    })
    .optional(),
  command: z.string().optional().describe('the command the application runs, e.g. "SET foo bar"; checked with ACL DRYRUN, not executed'),
  adminUser: z.string().optional(),
  adminPasswordFile: z.string().optional(),
  redisVersion: z.string().optional(),
  connectTimeoutMs: z.number().int().positive().optional(),
  replyTimeoutMs: z.number().int().positive().optional(),
});
export type DiagnoseInput = z.infer<typeof DiagnoseInputSchema>;
