/**
 * audit_server and diagnose_connection: the live tools. Both take an allowlisted target NAME; the
 * URL, TLS files and credentials are the operator's, fixed at start.
 */
import type { z } from 'zod';
import { auditTarget, loadBaseline, loadPasswordRecords, parseBaseline, type AuditOptions } from '../../audit/index.js';
import { InputError } from '../../errors.js';
import { resolveReadable } from '../roots.js';
import { diagnose, type Diagnosis, type DiagnoseOptions } from '../../diagnose/index.js';
import type { Report } from '../../report/index.js';
import type { McpContext } from '../context.js';
import type { auditInputSchema, diagnoseInputSchema } from '../schemas.js';
import { credentialEnv, lookupTarget, type TargetTls } from '../targets.js';
import { auditProfile } from './profile.js';

export async function auditServer(ctx: McpContext, input: z.infer<ReturnType<typeof auditInputSchema>>): Promise<Report> {
  const allowed = lookupTarget(ctx.targets, input.target);
  const profile = auditProfile(input.profile);
  const creds = credentialEnv(allowed, ctx.env);
  const tls = allowed.tls;
  const opts: AuditOptions = {
    profile,
    env: creds.env,
    ...(creds.passwordFile !== undefined ? { passwordFile: creds.passwordFile } : {}),
    ...(tls ? { tls: clientTls(tls) } : {}),
    connectTimeoutMs: ctx.timeoutMs,
    replyTimeoutMs: ctx.timeoutMs,
    ...(input.probe_keys ? { probeKeys: true } : {}),
    configCommand: allowed.configCommand,
    ...baselineOption(ctx, input),
    cveData: ctx.cveData,
    passwordRecords:
      input.rotation_state_paths !== undefined || input.password_dates_path !== undefined
        ? loadPasswordRecords(
            (input.rotation_state_paths ?? []).map((p, i) => resolveReadable(ctx.readRoots, p, `rotation_state_paths[${i}]`)),
            input.password_dates_path !== undefined ? [resolveReadable(ctx.readRoots, input.password_dates_path, 'password_dates_path')] : [],
          )
        : undefined,
    certExpiryWindowDays: input.cert_expiry_window_days,
  };
  return auditTarget(allowed.target, opts);
}

/** The approved users from text or from a file under the read roots (at most one of them). */
function baselineOption(ctx: McpContext, input: z.infer<ReturnType<typeof auditInputSchema>>): Pick<AuditOptions, 'baseline'> {
  if (input.baseline_acl_text !== undefined && input.baseline_acl_path !== undefined) {
    throw new InputError('give at most one of baseline_acl_text, baseline_acl_path', 'baseline');
  }
  if (input.baseline_acl_text !== undefined) return { baseline: parseBaseline(input.baseline_acl_text, 'baseline_acl_text') };
  if (input.baseline_acl_path !== undefined) return { baseline: loadBaseline(resolveReadable(ctx.readRoots, input.baseline_acl_path, 'baseline_acl_path')) };
  return {};
}

export async function diagnoseConnection(ctx: McpContext, input: z.infer<ReturnType<typeof diagnoseInputSchema>>): Promise<Diagnosis> {
  const allowed = lookupTarget(ctx.targets, input.target);
  const creds = credentialEnv(allowed, ctx.env);
  const tls = allowed.tls;
  const opts: DiagnoseOptions = {
    // The display form: the operator's URL never holds a password (refused at start).
    url: allowed.target.display,
    env: creds.env,
    ...(creds.passwordFile !== undefined ? { passwordFile: creds.passwordFile } : {}),
    ...(allowed.adminUser !== undefined ? { adminUser: allowed.adminUser } : {}),
    ...(creds.adminPasswordFile !== undefined ? { adminPasswordFile: creds.adminPasswordFile } : {}),
    ...(tls ? { tls: clientTls(tls) } : {}),
    ...(input.command !== undefined ? { command: input.command } : {}),
    ...(input.redis_version !== undefined ? { redisVersion: input.redis_version } : {}),
    configCommand: allowed.configCommand,
    connectTimeoutMs: ctx.timeoutMs,
    replyTimeoutMs: ctx.timeoutMs,
  };
  return diagnose(opts);
}

/** The operator's TLS files for a target, without the fields it left unset (exactOptionalPropertyTypes). */
export function clientTls(tls: TargetTls) {
  return {
    ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
    ...(tls.cert !== undefined ? { cert: tls.cert } : {}),
    ...(tls.key !== undefined ? { key: tls.key } : {}),
    ...(tls.servername !== undefined ? { servername: tls.servername } : {}),
    ...(tls.insecure ? { insecure: true } : {}),
  };
}
