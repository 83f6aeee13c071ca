/**
 * `redsec report merge`: the JSON reports of a fleet's shards joined into the report one process
 * auditing the whole fleet would have written. Inputs are someone else's files: every report is
 * validated against the report schema, and a different schema version is refused, not guessed at.
 */
import { InputError } from '../errors.js';
import { parseTarget } from '../resp/target.js';
import { ReportSchema } from '../report/schema.js';
import { REPORT_SCHEMA_VERSION, type Report } from '../report/types.js';
import { visible } from '../text/visible.js';
import { LEVEL_NAMES } from './level.js';
import { buildAuditReport } from './report.js';

export interface ShardReports {
  /** The file the reports came from, for messages. */
  name: string;
  reports: Report[];
}

/** The error code of a fleet target that no shard report holds. */
export const NOT_REPORTED = 'NOT_REPORTED';

const short = (s: string): string => visible(s.length > 80 ? `${s.slice(0, 80)}...` : s);

/** One `--format json` output of `redsec audit` (a report, or a fleet's array of them). */
export function parseReportFile(name: string, text: string): ShardReports {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError(`not JSON (${short((e as Error).message)}); give the output of redsec audit --format json`, name);
  }
  const items = Array.isArray(data) ? data : [data];
  const reports = items.map((item, i): Report => {
    const where = Array.isArray(data) ? `report ${i + 1}: ` : '';
    const version = typeof item === 'object' && item !== null ? (item as { schema_version?: unknown }).schema_version : undefined;
    if (typeof version !== 'string') throw new InputError(`${where}not a redsec report (no schema_version)`, name);
    if (version !== REPORT_SCHEMA_VERSION) {
      throw new InputError(`${where}schema_version ${short(JSON.stringify(version))}, but this redsec reads ${REPORT_SCHEMA_VERSION}: merge reports written by one redsec version`, name);
    }
    const parsed = ReportSchema.safeParse(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = issue ? issue.path.map(String).join('.') : '';
      throw new InputError(`${where}not a valid report: ${short(path)}${path ? ': ' : ''}${short(issue?.message ?? 'invalid')}`, name);
    }
    return parsed.data as Report;
  });
  return { name, reports };
}

/**
 * Joins shard reports. With the fleet's targets (the lines of its targets file) the result follows
 * the file's order, and a target that no shard reported (a failed job, a lost file) becomes a
 * not-audited report; without them, reports keep the order of the inputs.
 * A target in two inputs means overlapping shards (two splits, or one file given twice): refused.
 */
export function mergeReports(inputs: readonly ShardReports[], fleet?: { name: string; urls: readonly string[] }): Report[] {
  const from = new Map<string, string>();
  for (const input of inputs) {
    for (const r of input.reports) {
      const other = from.get(r.target);
      if (other !== undefined && other !== input.name) {
        throw new InputError(`target ${short(r.target)} is also in ${short(other)}: shards overlap (two different splits, or one file given twice)`, input.name);
      }
      from.set(r.target, input.name);
    }
  }
  const all = inputs.flatMap((i) => i.reports);
  if (!fleet) return all;

  // Reports of one target, in input order: a target listed twice in the fleet was audited twice.
  const pool = new Map<string, Report[]>();
  for (const r of all) {
    const same = pool.get(r.target);
    if (same) same.push(r);
    else pool.set(r.target, [r]);
  }
  const profile = all.find((r) => r.profile)?.profile ?? null;
  const merged = fleet.urls.map((url) => {
    const target = parseTarget(url).display;
    const found = pool.get(target)?.shift();
    if (found) return found;
    return buildAuditReport({
      target,
      findings: [],
      profile: profile ? { ...profile, level: LEVEL_NAMES[profile.security_level] ?? 1 } : null,
      // The target in the message, as a connection error's message has it.
      error: { code: NOT_REPORTED, message: `${target}: no shard report holds this target (a shard job failed or its report is missing)` },
    });
  });
  const extra = [...pool.values()].flat();
  if (extra.length > 0) {
    throw new InputError(`${extra.length} report(s) for targets not in this file, e.g. ${short(extra[0]?.target ?? '')}: merge with the targets file the shards audited`, fleet.name);
  }
  return merged;
}
