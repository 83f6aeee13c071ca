/**
 * `--sarif-artifact TARGET=PATH`: the repository file that configures a live target (its
 * redis.conf, Helm values, Terraform module), so that code scanning shows that target's findings on
 * that file instead of on the pseudo-path `redis/<host>_<port>`. TARGET is a URL or host:port and
 * matches by host and port.
 */
import { UsageError } from '../errors.js';
import { parseTarget } from '../resp/target.js';
import type { Report } from '../report/types.js';

export interface ArtifactMapping {
  /** host:port, as parseTarget normalises it. */
  key: string;
  path: string;
}

const keyOf = (url: string): string => {
  const t = parseTarget(url);
  return `${t.host.toLowerCase()}:${t.port}`;
};

export function parseArtifactSpec(spec: string): ArtifactMapping {
  const eq = spec.lastIndexOf('=');
  const target = eq > 0 ? spec.slice(0, eq).trim() : '';
  const path = eq > 0 ? spec.slice(eq + 1).trim().replace(/\\/g, '/') : '';
  if (target === '' || path === '') throw new UsageError(`--sarif-artifact wants TARGET=PATH (e.g. redis://10.0.0.5:6379=deploy/redis.conf), got ${JSON.stringify(spec)}`);
  if (path.startsWith('/') || /^[a-z]:/i.test(path) || path.split('/').includes('..'))
    throw new UsageError(`--sarif-artifact: PATH must be relative to the repository root, without '..': ${JSON.stringify(path)}`);
  return { key: keyOf(target), path };
}

/** Sets `artifact` on the reports whose target a mapping names; mappings for other targets are ignored (shards). */
export function applyArtifacts(reports: Report[], mappings: readonly ArtifactMapping[]): void {
  if (mappings.length === 0) return;
  const byKey = new Map(mappings.map((m) => [m.key, m.path]));
  for (const r of reports) {
    let key: string;
    try {
      key = keyOf(r.target);
    } catch {
      continue;
    }
    const path = byKey.get(key);
    if (path !== undefined) r.artifact = path;
  }
}
