/**
 * Input and output schemas of the MCP tools. Where a capability already has a zod schema it is
 * used as is (ProfileSchema, ReportSchema, DiagnosisSchema); the ACL engine, the rule catalog and
 * generate's output only have TypeScript types, so their wire shapes are written down here, and
 * the server validates every result against them before it leaves.
 */
import { z } from 'zod';
import { ProfileSchema, SECURITY_LEVELS } from '../profile/index.js';
import { SEVERITIES } from '../report/index.js';
import { WATCH_EVENT_KINDS } from '../watch/event.js';
import { VERSION_IDS, VERSION_LIST } from '../versions/index.js';

export { ReportSchema } from '../report/index.js';
export { DiagnosisSchema } from '../diagnose/index.js';

// ---------- shared pieces ----------

const version = z.enum(VERSION_IDS).default('7.2').describe(`Target server version: ${VERSION_LIST}`);

const aclSource = {
  rules: z.string().max(65536).optional().describe('ACL rules as for ACL SETUSER, space separated, e.g. "on >pw ~app:* +@read"'),
  acl_text: z.string().max(1_048_576).optional().describe('An ACL file (users.acl format: one `user NAME RULES...` line per user)'),
  acl_path: z.string().max(4096).optional().describe('Path of an ACL file under a directory the server allows reading'),
  user: z.string().max(256).optional().describe('The user to evaluate (required when the ACL file has several)'),
  redis_version: version,
  debian: z.boolean().default(false).describe("With 7.0: Debian's 7.0.15, which carries the 7.2.7 %-rule and glob fixes"),
};

/** A level name, or a full profile: the gap to it is added to the report. */
const auditProfile = z
  .union([z.enum(SECURITY_LEVELS), ProfileSchema])
  .optional()
  .describe('Target profile to measure the gap to: a level (basic, standard, hardened, compliance) or a profile object');

// ---------- generate_security_config ----------

export const GenerateInputSchema = ProfileSchema.extend({
  out_dir: z
    .string()
    .min(1)
    .max(1024)
    .optional()
    .describe('Write the bundle (redis.conf, users.acl, secrets.env, tls/, firewall/, monitoring/, CHECKLIST.md) to this new directory under the server\'s --allow-write directory'),
});

const ChecklistItemSchema = z.object({
  id: z.string(),
  section: z.string(),
  text: z.string(),
  status: z.enum(['enforced', 'verifiable', 'manual']),
  checks: z.array(z.string()),
  compliance: z.array(z.string()),
  note: z.string().optional(),
});

const WarningSchema = z.object({ id: z.string(), severity: z.enum(['info', 'warning', 'critical']), message: z.string() });

/** The seed's output_schema (five keys), typed as far as generate's output is stable, plus extras. */
export const GenerateOutputSchema = z.object({
  schema_version: z.literal(1),
  profile: z.looseObject({ security_level: z.string(), network_exposure: z.string() }),
  security_config: z.looseObject({
    redis_version: z.string(),
    bind: z.array(z.string()),
    port: z.number().int(),
    tls_port: z.number().int(),
    directives: z.array(z.looseObject({ name: z.string(), args: z.array(z.string()) })),
  }),
  acl_rules: z.array(
    z.looseObject({
      user: z.string(),
      role: z.string(),
      enabled: z.boolean(),
      rules: z.string(),
      /** Where the password lives in the bundle (secrets.env:VAR), never the password. */
      secret: z.string().optional(),
    }),
  ),
  tls_config: z.looseObject({ enabled: z.boolean() }),
  audit_checklist: z.array(ChecklistItemSchema),
  warnings: z.array(WarningSchema),
  firewall: z.looseObject({}).optional(),
  bundle: z.object({ dir: z.string(), files: z.array(z.object({ path: z.string(), mode: z.string() })) }).optional(),
});

// ---------- audit_server / diagnose_connection ----------

export function auditInputSchema(targetNames: readonly string[]) {
  return z
    .object({
      target: z.string().min(1).max(64).describe(targetDescription(targetNames)),
      profile: auditProfile,
      probe_keys: z
        .boolean()
        .optional()
        .describe('Also ask EXISTS for backup1..4 and crackit in db 0, keys compromised servers carry (IOC-CRON-KEYS); no other key is read'),
      baseline_acl_text: z
        .string()
        .max(4_194_304)
        .optional()
        .describe('The approved users file (e.g. the users.acl redsec generate wrote) for IOC-HIJACKED-PASSWORD'),
      baseline_acl_path: z.string().max(4096).optional().describe('The approved users file, under a directory the server allows reading'),
      rotation_state_paths: z
        .array(z.string().max(4096))
        .max(64)
        .optional()
        .describe('State files of redsec rotate password, under a directory the server allows reading: when passwords were set (AUTH-PASSWORD-AGE)'),
      password_dates_path: z
        .string()
        .max(4096)
        .optional()
        .describe('A dated password baseline {"version":1,"passwords":[{"user","sha256","set_at"}]} under an allowed directory (AUTH-PASSWORD-AGE)'),
      cert_expiry_window_days: z.number().int().min(1).max(3650).optional().describe('TLS-CERT fails certificates expiring within this many days (default 30)'),
    })
    .strict();
}

export function diagnoseInputSchema(targetNames: readonly string[]) {
  return z
    .object({
      target: z.string().min(1).max(64).describe(targetDescription(targetNames)),
      command: z
        .string()
        .max(4096)
        .optional()
        .describe('The command the application fails on, e.g. "SET orders:1 x"; checked with ACL DRYRUN, never executed unless read-only. Commands that change the connection (AUTH, HELLO, SELECT, CLIENT, RESET, MULTI, SUBSCRIBE ...) are refused'),
      redis_version: z.string().max(32).optional().describe('Server version hint for servers that refuse before saying theirs'),
    })
    .strict();
}

// ---------- plan_rotation ----------

export function planRotationInputSchema(targetNames: readonly string[]) {
  return z
    .object({
      target: z.string().min(1).max(64).describe(targetDescription(targetNames)),
      user: z
        .string()
        .min(1)
        .max(128)
        .regex(/^[^\s\x00-\x1f\x7f]+$/, 'an ACL user name without spaces or control characters')
        .describe('The ACL user whose password would rotate'),
      phase: z
        .enum(['begin', 'status', 'finish'])
        .default('begin')
        .describe("begin: add a new password next to the old; status: the user's connections, flagging those older than begin; finish: remove the old password(s) by hash"),
      state_path: z
        .string()
        .max(4096)
        .optional()
        .describe('The rotation state file the operator keeps (redsec rotate password --state), under a directory the server allows reading; finish needs it'),
    })
    .strict();
}

const RotateCheckSchema = z.object({ name: z.string(), ok: z.boolean().nullable().describe('null: not run (a plan)'), detail: z.string() });

export const RotationPlanSchema = z.object({
  phase: z.enum(['begin', 'status', 'finish']),
  target: z.string(),
  user: z.string(),
  applied: z.literal(false),
  persistence: z.enum(['acl-save', 'config-rewrite']).describe('How the server persists users: ACL SAVE (aclfile) or CONFIG REWRITE'),
  commands: z.array(z.string()).describe('The exact commands the phase would send, passwords masked'),
  checks: z.array(RotateCheckSchema).describe('The verifications the phase would make'),
  ok: z.boolean(),
  notes: z.array(z.string()),
  state: z
    .object({
      version: z.literal(1),
      target: z.string(),
      user: z.string(),
      phase: z.enum(['pending', 'begun', 'finished']),
      new_hash: z.string(),
      old_hashes: z.array(z.string()),
      began_at: z.string(),
      finished_at: z.string().optional(),
    })
    .optional(),
  connections: z
    .array(z.object({ id: z.string(), addr: z.string(), age_s: z.number(), idle_s: z.number(), before_begin: z.boolean() }))
    .optional(),
});

function targetDescription(names: readonly string[]): string {
  return names.length === 0
    ? 'Name of an allowlisted target (none are configured on this server)'
    : `Name of an allowlisted target, one of: ${names.join(', ')}`;
}

// ---------- lint_config ----------

export const LintInputSchema = z
  .object({
    config_text: z.string().max(4_194_304).optional().describe('redis.conf contents to check (give this or config_path)'),
    config_path: z.string().max(4096).optional().describe('Path of a redis.conf under a directory the server allows reading'),
    acl_text: z.string().max(4_194_304).optional().describe("users.acl contents, used instead of the config's aclfile"),
    acl_path: z.string().max(4096).optional().describe('Path of an ACL file under an allowed directory'),
    cwd: z.string().max(4096).optional().describe("The server's working directory for relative include/aclfile paths (under an allowed directory)"),
    redis_version: z.string().max(32).optional().describe(`${VERSION_LIST}, a newer line such as 8.2 (judged with the nearest tables, noted in the report) or an exact x.y.z (default 7.2)`),
    profile: auditProfile,
    systemd_unit_text: z.string().max(1_048_576).optional().describe('The systemd unit that runs the server, for OS-SYSTEMD'),
    compose_text: z.string().max(1_048_576).optional().describe('The Docker Compose file that runs the server, for OS-CONTAINER'),
    compose_service: z.string().max(256).optional().describe('The service in compose_text, when several run redis or valkey'),
  })
  .strict();

// ---------- acl_check / acl_explain ----------

export const AclCheckInputSchema = z
  .object({
    ...aclSource,
    command: z.array(z.string().max(65536)).min(1).max(1024).describe('The command line as argv, e.g. ["SET", "app:1", "x"]'),
  })
  .strict();

export const AclExplainInputSchema = z.object(aclSource).strict();

export const AclVerdictSchema = z.object({
  user: z.string(),
  version: z.enum(VERSION_IDS),
  argv: z.array(z.string()),
  allowed: z.boolean(),
  denial: z.enum(['command', 'key', 'channel', 'run']).describe("'run': ACL allows it, the server refuses it when it runs").optional(),
  command: z.string().describe("Full command name, e.g. 'config|get'"),
  decidedBy: z.string().describe('The rule that decided'),
  object: z.string().optional(),
  argIndex: z.number().int().optional(),
  selector: z.number().int().optional(),
  message: z.string().describe("'OK' or the denial text (the server's words when it runs the command)"),
  restriction: z.string().optional(),
  basis: z
    .enum(['acl', 'run'])
    .describe("'acl': the ACL check decided (ACL DRYRUN agrees); 'run': the server answers differently when the command runs, see dryrun"),
  dryrun: z.object({ allowed: z.boolean(), message: z.string() }).describe("ACL DRYRUN's different answer (basis 'run')").optional(),
});

export const AclExplanationSchema = z.object({
  version: z.enum(VERSION_IDS),
  user: z.string(),
  enabled: z.boolean(),
  passwordless: z.boolean(),
  categories: z.record(z.string(), z.enum(['allowed', 'denied', 'partial'])),
  risks: z.array(z.object({ grant: z.string(), detail: z.string() })),
  allKeys: z.boolean(),
  allChannels: z.boolean(),
  keyPatterns: z.array(z.string()),
  channelPatterns: z.array(z.string()),
  selectors: z.number().int(),
  allowedCommands: z.array(z.string()),
  refusedWhenRun: z.array(z.object({ command: z.string(), detail: z.string() })).describe("Allowed by ACL (and ACL DRYRUN) but refused when run"),
});

// ---------- list_checks ----------

export const ListChecksInputSchema = z
  .object({
    severity: z.enum(SEVERITIES).optional().describe('Only checks of this base severity'),
    compliance: z.string().max(64).optional().describe('Only checks whose compliance references contain this text, e.g. "PCI DSS" or "HIPAA"'),
    level: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]).optional().describe('Only checks of this maturity level (1 basic ... 4 compliance)'),
  })
  .strict();

export const CheckSchema = z.object({
  id: z.string(),
  title: z.string(),
  severity: z.enum(SEVERITIES),
  raised_for_exposure: z.boolean().describe('Raised one severity level for public exposure or a compliance profile'),
  level: z.number().int().min(1).max(4),
  modes: z.array(z.enum(['live', 'lint'])),
  compliance: z.array(z.string()),
  rationale: z.string(),
  remediation: z.object({ text: z.string(), config: z.string().optional(), command: z.string().optional() }),
});

export const ListChecksOutputSchema = z.object({ count: z.number().int(), checks: z.array(CheckSchema) });

// ---------- watch_events ----------

export const WatchEventsInputSchema = z
  .object({
    since: z
      .string()
      .max(64)
      .optional()
      .describe('Events at or after this time: an ISO 8601 time, or a duration back from now such as "15m", "1h", "2d" (default "1h")'),
    target: z.string().max(4096).optional().describe("Only this target's events (its name as the watcher reports it)"),
    kinds: z.array(z.enum(WATCH_EVENT_KINDS)).max(WATCH_EVENT_KINDS.length).optional().describe('Only these event kinds'),
    min_severity: z.enum(SEVERITIES).optional().describe('Only events of this severity or higher'),
    limit: z.number().int().min(1).max(1000).default(100).describe('At most this many events, the newest (default 100)'),
  })
  .strict();

const WatchEventSchema = z.object({
  time: z.string(),
  target: z.string(),
  kind: z.enum(WATCH_EVENT_KINDS),
  severity: z.enum(SEVERITIES),
  summary: z.string(),
  evidence: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  baseline: z.object({ observed: z.number(), expected: z.number(), deviation: z.number().optional(), threshold: z.number() }).optional(),
  investigate: z.string().optional(),
});

export const WatchEventsOutputSchema = z.object({
  since: z.string().describe('The start of the window, ISO 8601'),
  watcher_saved_at: z.string().nullable().describe('When the watcher last wrote its state file (null: it has not written it yet)'),
  watcher_age_seconds: z.number().nullable().describe('Seconds since then: a large value means the watcher may have stopped'),
  matched: z.number().int().describe('Events in the window that match the filters (the file keeps the last 1000 of all targets)'),
  truncated: z.boolean().describe('More matched than limit: only the newest are returned'),
  events: z.array(WatchEventSchema).describe('Oldest first'),
});
