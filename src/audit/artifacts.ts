/**
 * `--sarif-artifact TARGET=PATH` (or `URL sarif-artifact=PATH` in the targets file): the repository file that configures a live target (its
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
  const path = eq > 0 ? spec.slice(eq + 1).trim() : '';
  if (target === '' || path === '') throw new UsageError(`--sarif-artifact wants TARGET=PATH (e.g. redis://10.0.0.5:6379=deploy/redis.conf), got ${JSON.stringify(spec)}`);
  return artifactMapping(target, path, '--sarif-artifact');
}

/** A mapping from a target (URL or host:port) to a repository-relative path; `where` names the source in errors. */
export function artifactMapping(target: string, rawPath: string, where: string): ArtifactMapping {
  const path = rawPath.replace(/\\/g, '/');
  if (path === '' || path.startsWith('/') || /^[a-z]:/i.test(path) || path.split('/').includes('..'))
    throw new UsageError(`${where}: PATH must be relative to the repository root, without '..': ${JSON.stringify(path)}`);
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
