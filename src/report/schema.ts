/**
 * The JSON report as a zod schema: the single source for validating reports (MCP output, tests)
 * and for schema/report.schema.json. Mirrors types.ts; a test keeps the two in step.
 */
import { z } from 'zod';
import { REPORT_SCHEMA_VERSION, SEVERITIES, STATUSES } from './types.js';

export { REPORT_SCHEMA_VERSION };

const LocationSchema = z.object({ file: z.string(), line: z.number().int().min(0) }).strict();

export const FindingSchema = z
  .object({
    id: z.string().regex(/^[A-Z]+(-[A-Z0-9]+)+$/),
    title: z.string(),
    severity: z.enum(SEVERITIES),
    status: z.enum(STATUSES),
    evidence: z.string(),
    remediation: z.object({ text: z.string(), config: z.string().optional(), command: z.string().optional() }).strict(),
    compliance: z.array(z.string()),
    location: LocationSchema.optional(),
    level: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]).optional(),
    waiver: z.object({ reason: z.string(), expires: z.string(), expired: z.boolean().optional() }).strict().optional(),
    subject: z.string().optional(),
  })
  .strict();

const count = z.number().int().min(0);

export const ReportSchema = z
  .object({
    schema_version: z.string(),
    tool: z.object({ name: z.string(), version: z.string() }).strict(),
    target: z.string(),
    artifact: z.string().optional(),
    server: z
      .object({
        flavor: z.enum(['redis', 'valkey', 'unknown']),
        version: z.string().nullable(),
        tables: z.object({ id: z.string(), from: z.string(), note: z.string().optional() }).strict().optional(),
        assumed: z.object({ version: z.string(), source: z.enum(['flag', 'profile', 'file', 'default']) }).strict().optional(),
      })
      .strict(),
    profile: z
      .object({ security_level: z.string(), network_exposure: z.string(), compliance_requirements: z.array(z.string()) })
      .strict()
      .nullable(),
    level_achieved: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.null()]),
    started_at: z.iso.datetime().optional(),
    finished_at: z.iso.datetime().optional(),
    summary: z
      .object({ critical: count, high: count, medium: count, low: count, info: count, passed: count, unknown: count, waived: count })
      .strict(),
    findings: z.array(FindingSchema),
    gap: z
      .object({
        target_level: z.number().int().min(0).max(4),
        failing: z.array(z.string()),
        drift: z.array(z.object({ directive: z.string(), expected: z.string(), actual: z.string() }).strict()).optional(),
      })
      .strict()
      .optional(),
    error: z.object({ code: z.string(), message: z.string() }).strict().optional(),
    waivers: z
      .array(
        z
          .object({
            id: z.string(),
            target: z.string().optional(),
            file: z.string().optional(),
            reason: z.string(),
            expires: z.string(),
            state: z.enum(['applied', 'expired', 'unused']),
          })
          .strict(),
      )
      .optional(),
  })
  .strict();

/** The JSON Schema (draft 2020-12) generated from ReportSchema, as written to schema/report.schema.json. */
export function reportJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ReportSchema, { target: 'draft-2020-12' }),
    title: 'redsec audit/lint report',
  };
}
