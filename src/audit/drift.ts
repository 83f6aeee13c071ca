/**
 * Drift from the plan `redsec generate` builds for the target profile: the plan's redis.conf is
 * read back with the same config engine lint uses, so both sides are in CONFIG GET's spelling,
 * then compared with the server's (or the linted files') effective values. Paths and listen
 * addresses are deployment details, not security posture, and are left out.
 */
import { effectiveConfig, parseConfig } from '../config/index.js';
import type { ServerFacts } from '../facts/types.js';
import { buildPlan } from '../generate/plan.js';
import { renderRedisConf } from '../generate/render/redis-conf.js';
import type { Profile } from '../profile/index.js';

export interface Drift {
  directive: string;
  expected: string;
  actual: string;
}

const DEPLOYMENT_SPECIFIC = /(^|-)(file|dir|path)$|^(dir|aclfile|pidfile|logfile|unixsocket|bind|tls-port|dbfilename|appenddirname|syslog-ident)$/;
/** Never echoed, whatever the plan says. */
const SECRET = /^(requirepass|masterauth|primaryauth|masteruser|primaryuser)$|-pass$/;

/**
 * The values the plan for `profile` sets, directive → value in CONFIG GET's spelling, for a server
 * of `version`; deployment details and secrets left out.
 */
export function planExpectations(profile: Profile, version: Profile['redis_version']): Map<string, string> {
  const plan = buildPlan({ ...profile, redis_version: version });
  const parsed = parseConfig(renderRedisConf(plan), { file: 'plan' });
  const expected = effectiveConfig(parsed, version).values;
  const out = new Map<string, string>();
  for (const d of parsed.directives) {
    const name = d.name;
    if (out.has(name) || DEPLOYMENT_SPECIFIC.test(name) || SECRET.test(name)) continue;
    const want = expected[name]?.value;
    if (want === undefined) continue;
    if (name === 'port' && want !== '0') continue;
    out.set(name, want);
  }
  return out;
}

export function driftFromPlan(facts: ServerFacts, profile: Profile): Drift[] | undefined {
  if (!facts.config.known) return undefined;
  const actual = facts.config.value;
  const drift: Drift[] = [];
  for (const [name, want] of planExpectations(profile, facts.versionId ?? profile.redis_version)) {
    const have = actual[name]?.value;
    if (have === undefined || !sameConfigValue(have, want)) drift.push({ directive: name, expected: want, actual: have ?? '(not set)' });
  }
  return drift;
}

/** Equal as CONFIG GET values: case and runs of spaces do not matter. */
export function sameConfigValue(a: string, b: string): boolean {
  return norm(a) === norm(b);
}

const norm = (v: string): string => v.trim().replace(/\s+/g, ' ').toLowerCase();
