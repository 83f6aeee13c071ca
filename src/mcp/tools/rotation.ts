/**
 * plan_rotation: the dry-run plan of `redsec rotate password` for an allowlisted target, and
 * nothing more. An agent never rotates a secret itself: the new password would pass through the
 * model's context (and its provider's logs), and between begin and finish every client must move,
 * which only the operator can do and verify. The connection carries the audit's read-only
 * allowlist (RotateOptions.readOnly), so the plan cannot write whatever the code path.
 */
import type { z } from 'zod';
import type { RotateOptions, RotateResult } from '../../rotate/index.js';
import type { McpContext } from '../context.js';
import { resolveReadable } from '../roots.js';
import type { planRotationInputSchema } from '../schemas.js';
import { credentialEnv, lookupTarget } from '../targets.js';
import { clientTls } from './live.js';

export type PlanRotationInput = z.infer<ReturnType<typeof planRotationInputSchema>>;

export async function planRotation(ctx: McpContext, input: PlanRotationInput): Promise<RotateResult> {
  const allowed = lookupTarget(ctx.targets, input.target);
  const creds = credentialEnv(allowed, ctx.env);
  const statePath = input.state_path !== undefined ? resolveReadable(ctx.readRoots, input.state_path, 'state_path') : undefined;
  // The operator's admin credentials when given (the ones diagnose uses), else the audit's: the
  // plan reads ACL GETUSER, CONFIG GET aclfile and CLIENT LIST only.
  const admin: Pick<RotateOptions, 'adminUser' | 'adminPasswordFile' | 'env'> =
    allowed.adminUser !== undefined
      ? { adminUser: allowed.adminUser, adminPasswordFile: creds.adminPasswordFile, env: creds.env }
      : {
          adminUser: allowed.target.user,
          adminPasswordFile: creds.passwordFile,
          env: creds.env['REDSEC_PASSWORD'] !== undefined ? { REDSEC_ADMIN_PASSWORD: creds.env['REDSEC_PASSWORD'] } : {},
        };
  const opts: RotateOptions = {
    url: allowed.target.display,
    user: input.user,
    ...admin,
    statePath,
    apply: false,
    readOnly: true,
    tls: allowed.tls ? clientTls(allowed.tls) : undefined,
    timeoutMs: ctx.timeoutMs,
  };
  const rotate = await import('../../rotate/index.js');
  const run = input.phase === 'finish' ? rotate.finishRotation : input.phase === 'status' ? rotate.rotationStatus : rotate.beginRotation;
  const result = await run(opts);
  const { secret: _never, ...plan } = result;
  if (input.phase !== 'status') {
    plan.notes = [
      ...plan.notes,
      `a plan only: the operator runs it with \`redsec rotate password ${input.phase} URL --user ${input.user} --state FILE ${input.phase === 'begin' ? '--secret-out FILE' : '--secret-file FILE'} --apply\` (agents do not rotate secrets)`,
    ];
  }
  return plan;
}
