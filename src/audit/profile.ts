/**
 * `--profile LEVEL|profile.json`: the target profile an audit is measured against. A bare level
 * gets that level's usual exposure; a file is a full profile (profile/ validates it), so the gap
 * can use the same plan `redsec generate` builds from it.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import { parseProfile, parseProfileJson, SECURITY_LEVELS, type Profile, type SecurityLevel } from '../profile/index.js';
import { LEVEL_NAMES } from './level.js';

export interface AuditProfile extends Profile {
  /** The seed maturity level the profile asks for (1-4). */
  level: 1 | 2 | 3 | 4;
}

const DEFAULT_EXPOSURE: Record<SecurityLevel, Profile['network_exposure']> = {
  basic: 'localhost',
  standard: 'private_network',
  hardened: 'private_network',
  compliance: 'private_network',
};

const withLevel = (p: Profile): AuditProfile => ({ ...p, level: LEVEL_NAMES[p.security_level] ?? 1 });

export function profileFromLevel(level: SecurityLevel): AuditProfile {
  return withLevel(parseProfile({ security_level: level, network_exposure: DEFAULT_EXPOSURE[level] }));
}

export function profileFromJson(text: string, source: string): AuditProfile {
  try {
    return withLevel(parseProfileJson(text, source));
  } catch (e) {
    // Name the file even when profile/ names only the field.
    if (e instanceof InputError && !e.message.startsWith(`${source}:`)) throw new InputError(e.message, source);
    throw e;
  }
}

/** A level name, or a path to a profile JSON file. */
export function resolveProfileArg(arg: string): AuditProfile {
  const name = arg.trim().toLowerCase();
  if ((SECURITY_LEVELS as readonly string[]).includes(name)) return profileFromLevel(name as SecurityLevel);
  let text: string;
  try {
    text = readFileSync(arg, 'utf8');
  } catch {
    throw new InputError(`not a level (${SECURITY_LEVELS.join(', ')}) nor a readable profile file`, arg);
  }
  return profileFromJson(text, arg);
}
