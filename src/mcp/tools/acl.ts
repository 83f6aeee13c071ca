/** acl_check and acl_explain: the offline ACL engine, per version, on rules, ACL text or a file. */
import { readInputFile } from '../../input-file.js';
import type { z } from 'zod';
import { evaluate, explainUser, parseAclFile, parseAclUser, renderExplanation, renderVerdict, type AclOptions, type AclUser } from '../../acl/index.js';
import { visible } from '../../text/visible.js';
import { InputError } from '../../errors.js';
import type { McpContext } from '../context.js';
import { resolveReadable } from '../roots.js';
import type { AclCheckInputSchema, AclExplainInputSchema, AclExplanationSchema, AclVerdictSchema } from '../schemas.js';

type Source = z.infer<typeof AclExplainInputSchema>;

function aclOptions(input: Source): AclOptions {
  return input.debian ? { version: input.redis_version, debianBackports: true } : { version: input.redis_version };
}

/** The user from exactly one of rules / acl_text / acl_path (a path only under the read roots). */
function loadUser(ctx: McpContext, input: Source, opts: AclOptions): AclUser {
  const given = [input.rules, input.acl_text, input.acl_path].filter((x) => x !== undefined).length;
  if (given !== 1) throw new InputError('give exactly one of rules, acl_text, acl_path', 'acl');
  if (input.rules !== undefined) return parseAclUser(input.user ?? 'user', input.rules, opts);
  let text: string;
  let label: string;
  if (input.acl_path !== undefined) {
    const real = resolveReadable(ctx.readRoots, input.acl_path, 'acl_path');
    // Regular files only, bounded: a FIFO under --allow-read must not hang the server.
    text = readInputFile(real, 'ACL file');
    label = input.acl_path;
  } else {
    text = input.acl_text ?? '';
    label = 'acl_text';
  }
  const parsed = parseAclFile(text, label, opts);
  if (input.user !== undefined) {
    const u = parsed.users.get(input.user);
    if (!u) throw new InputError(`no user '${input.user}' in the ACL file`, label);
    return u;
  }
  if (parsed.users.size !== 1) throw new InputError(`the ACL file defines ${parsed.users.size} users: choose one with user`, label);
  return [...parsed.users.values()][0]!;
}

export function aclCheck(ctx: McpContext, input: z.infer<typeof AclCheckInputSchema>): z.infer<typeof AclVerdictSchema> {
  const opts = aclOptions(input);
  const user = loadUser(ctx, input, opts);
  const v = evaluate(user, input.command, opts);
  return {
    user: user.name,
    version: opts.version,
    argv: [...input.command],
    allowed: v.allowed,
    command: v.command,
    decidedBy: v.decidedBy,
    message: v.message,
    ...(v.denial !== undefined ? { denial: v.denial } : {}),
    ...(v.object !== undefined ? { object: v.object } : {}),
    ...(v.argIndex !== undefined ? { argIndex: v.argIndex } : {}),
    ...(v.selector !== undefined ? { selector: v.selector } : {}),
    ...(v.restriction !== undefined ? { restriction: v.restriction } : {}),
    basis: v.basis,
    ...(v.dryrun !== undefined ? { dryrun: v.dryrun } : {}),
  };
}

export function renderVerdictText(v: z.infer<typeof AclVerdictSchema>): string {
  return renderVerdict(v, `user ${visible(v.user)}, Redis ${v.version}`);
}

export function aclExplain(ctx: McpContext, input: Source): { structured: z.infer<typeof AclExplanationSchema>; text: string } {
  const opts = aclOptions(input);
  const user = loadUser(ctx, input, opts);
  const e = explainUser(user, opts);
  return { structured: { version: opts.version, ...e }, text: renderExplanation(e) };
}
