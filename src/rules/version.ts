/** Version arithmetic for verdicts that change between releases. */
import type { ServerFacts } from '../facts/types.js';

export type Triple = [number, number, number];

export function parseVersion(v: string | null): Triple | null {
  if (!v) return null;
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(v.trim());
  if (!m) return null;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

export function compareVersions(a: Triple, b: Triple): number {
  for (let i = 0; i < 3; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The Redis-compatible version the server's semantics follow (Valkey 7.2/8.x behave like Redis 7.2+). */
export function redisSemantics(facts: ServerFacts): Triple | null {
  const v = parseVersion(facts.version);
  if (v && facts.flavor === 'valkey') return v[0] >= 8 ? [7, 4, 0] : [7, 2, 0];
  if (v) return v;
  // Only the table is known (lint with --redis-version): its minor line is enough for branch rules.
  switch (facts.versionId) {
    case '6.2':
      return [6, 2, 0];
    case '7.0':
      return [7, 0, 0];
    case '7.2':
    case 'valkey-7.2':
      return [7, 2, 0];
    case '7.4':
    case 'valkey-8.0':
    case 'valkey-8.1':
      return [7, 4, 0];
    case '8.0':
      return [8, 0, 0];
    default:
      return null;
  }
}

/** True/false when the semantics are at least `min`; null when the version is unknown. */
export function atLeast(facts: ServerFacts, min: Triple): boolean | null {
  const v = redisSemantics(facts);
  return v ? compareVersions(v, min) >= 0 : null;
}

export function describeVersion(facts: ServerFacts): string {
  const name = facts.flavor === 'valkey' ? 'Valkey' : facts.flavor === 'redis' ? 'Redis' : 'server';
  return `${name} ${facts.version ?? facts.versionId ?? 'of unknown version'}`;
}
