/** The waivers file (format in waivers.ts), validated with zod. */
import { z } from 'zod';
import { InputError } from '../errors.js';
import { readInputFile } from '../input-file.js';
import type { Waiver } from './waivers.js';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, 'is not a real date');

const waiverSchema = z.strictObject({
  id: z.string().regex(/^[A-Z][A-Z0-9-]+$/, 'must be a rule ID such as NET-BIND-ALL'),
  target: z.string().min(1).optional(),
  file: z.string().min(1).optional(),
  reason: z.string().trim().min(1, 'a waiver needs a reason'),
  expires: isoDate,
});

const fileSchema = z.union([z.strictObject({ waivers: z.array(waiverSchema) }), z.array(waiverSchema)]);

export function parseWaivers(text: string, source: string): Waiver[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`not valid JSON (${(e as Error).message.split('\n')[0]})`, source);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'file';
    throw new InputError(`${where}: ${issue?.message ?? 'invalid waiver'}`, source);
  }
  const list = Array.isArray(parsed.data) ? parsed.data : parsed.data.waivers;
  return list.map((w) => ({
    id: w.id,
    reason: w.reason,
    expires: w.expires,
    ...(w.target !== undefined ? { target: w.target } : {}),
    ...(w.file !== undefined ? { file: w.file } : {}),
  }));
}

export function loadWaivers(path: string): Waiver[] {
  return parseWaivers(readInputFile(path, 'waivers file'), path);
}
