/**
 * generate_security_config: the seed's input_schema (the profile) in, its output_schema out. The
 * result never holds a secret (acl_rules name where a password lives, not the password). A bundle
 * is written only when the operator allowed a write directory, only to a new directory under it.
 */
import type { z } from 'zod';
import { buildPlan, generateBundle, renderOutput, renderText, writeBundle } from '../../generate/index.js';
import { parseProfile } from '../../profile/index.js';
import type { McpContext } from '../context.js';
import { resolveWritableDir } from '../roots.js';
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
  const generated = await generateBundle(profile);
  // Never --force: an existing non-empty directory is refused, nothing is replaced.
  const written = await writeBundle(dir, generated.files, { force: false });
  const bundle = { dir: written, files: generated.files.map((f) => ({ path: f.path, mode: f.mode.toString(8).padStart(4, '0') })) };
  return {
    structured: renderOutput(generated.plan, { certificates: generated.certificates, bundle }),
    text: renderText(generated.plan, { bundle }),
  };
}
