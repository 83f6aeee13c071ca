/** `redsec lint` as a library: config files → facts → the same rules → report. */
import { InputError } from '../errors.js';
import { collectFiles } from '../facts/index.js';
import type { Report } from '../report/types.js';
import { resolveVersionId, type VersionId } from '../versions/index.js';
import { evaluateFacts, type EvaluateOptions } from './evaluate.js';

export interface LintOptions extends EvaluateOptions {
  aclPath?: string;
  /** 6.2, 7.0, 7.2, 7.4, valkey-7.2, valkey-8.0 or an exact version such as 7.0.15 (default 7.2). */
  redisVersion?: string;
  /** The server's working directory for relative paths (default: the config file's directory). */
  cwd?: string;
  /** The systemd unit that runs the server (its FILE.d/*.conf drop-ins are applied), for OS-SYSTEMD. */
  systemdUnit?: string;
  /** A Docker Compose file that runs the server (and the service, when several run redis/valkey), for OS-CONTAINER. */
  compose?: string;
  composeService?: string;
}

export const DEFAULT_LINT_VERSION: VersionId = '7.2';

export function lintFiles(confPath: string, opts: LintOptions): Report {
  const given = opts.redisVersion?.trim();
  const versionId = given ? resolveVersionId(given) : (opts.profile?.redis_version ?? DEFAULT_LINT_VERSION);
  if (!versionId) throw new InputError(`unknown version '${given}' (expected 6.2, 7.0, 7.2, 7.4, valkey-7.2, valkey-8.0 or x.y.z)`, '--redis-version');
  const exact = given && /^(valkey-)?\d+\.\d+\.\d+$/.test(given) ? given.replace(/^valkey-/, '') : undefined;
  const facts = collectFiles(confPath, {
    version: versionId,
    ...(exact ? { exactVersion: exact } : {}),
    ...(opts.aclPath !== undefined ? { aclPath: opts.aclPath } : {}),
    ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
    ...(opts.systemdUnit !== undefined ? { systemdUnit: opts.systemdUnit } : {}),
    ...(opts.compose !== undefined ? { compose: opts.compose } : {}),
    ...(opts.composeService !== undefined ? { composeService: opts.composeService } : {}),
  });
  return evaluateFacts(facts, opts);
}
