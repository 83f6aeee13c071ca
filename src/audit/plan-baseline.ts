import { InputError } from '../errors.js';
import { readInputFile } from '../input-file.js';
import { planExpectations } from './drift.js';
import { profileFromJson } from './profile.js';

/**
 * plan.json from `redsec generate` as a configuration baseline (watch and exporter
 * --baseline-plan): its profile rebuilt into the plan's values in CONFIG GET's spelling, as the
 * audit's drift does. Bad input is one line naming the file.
 */
export function loadPlanBaseline(file: string): Record<string, string> {
  const text = readInputFile(file, 'plan file');
  let plan: unknown;
  try {
    plan = JSON.parse(text);
  } catch (e) {
    throw new InputError(`not JSON: ${(e as Error).message.split('\n')[0]}`, file);
  }
  const p = plan as { profile?: unknown; version?: unknown };
  if (typeof p !== 'object' || p === null || typeof p.profile !== 'object' || p.profile === null) throw new InputError('not a plan.json from redsec generate (no "profile")', file);
  const profile = profileFromJson(JSON.stringify(p.profile), file);
  return Object.fromEntries(planExpectations(profile, typeof p.version === 'string' ? (p.version as typeof profile.redis_version) : profile.redis_version));
}
