/**
 * generate_security_config: the seed's input_schema (the profile) in, its output_schema out. The
 * result never holds a secret (acl_rules name where a password lives, not the password). A bundle
 * is written only when the operator allowed a write directory, only to a new directory under it.
 */
import type { z } from 'zod';
import { buildPlan, claimBundleDir, generateBundle, renderOutput, renderText } from '../../generate/index.js';
import { parseProfile } from '../../profile/index.js';
import type { McpContext } from '../context.js';
import { isWithin, resolveWritableDir } from '../roots.js';
import type { GenerateInputSchema } from '../schemas.js';

export async function generateSecurityConfig(ctx: McpContext, input: z.infer<typeof GenerateInputSchema>): Promise<{ structured: Record<string, unknown>; text: string }> {
  const { out_dir: outDir, ...fields } = input;
  // Resolve the destination before any work, so a refused path costs nothing.
  const dir = outDir === undefined ? undefined : resolveWritableDir(ctx.writeRoot, outDir, 'out_dir');
  const profile = parseProfile(fields);
  if (dir === undefined) {
    const plan = buildPlan(profile);
    return { structured: renderOutput(plan), text: renderText(plan) };
  }
  // Claimed (created exclusively, opened without following links) before the slow key
  // generation, and written through that descriptor: a link planted meanwhile changes nothing.
  // Never --force: an existing non-empty directory is refused, nothing is replaced.
  const root = ctx.writeRoot!;
  const claimed = await claimBundleDir(dir, (real) => isWithin(root.real, real) && real !== root.real);
  let generated;
  try {
    generated = await generateBundle(profile);
  } catch (e) {
    await claimed.discard();
    throw e;
  }
  const written = await claimed.write(generated.files);
  const bundle = { dir: written, files: generated.files.map((f) => ({ path: f.path, mode: f.mode.toString(8).padStart(4, '0') })) };
  return {
    structured: renderOutput(generated.plan, { certificates: generated.certificates, bundle }),
    text: renderText(generated.plan, { bundle }),
  };
}
