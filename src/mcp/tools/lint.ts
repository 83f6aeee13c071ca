/**
 * lint_config: redis.conf (and ACL) text or files in, the lint report out. Text is written to a
 * private temporary directory for the file-based linter and removed afterwards. Every file the
 * linter would read (includes, aclfile, tls-cert-file) must lie under an --allow-read directory,
 * so config text cannot be used to read the server's own files; file modes are reported only for
 * files under those directories (a scratch copy's mode says nothing about the user's file).
 */
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { z } from 'zod';
import { evaluateFacts, lintTarget } from '../../audit/index.js';
import { effectiveConfig, listDir, parseConfig, readConfigPath } from '../../config/index.js';
import { ConfigSyntaxError, InputError } from '../../errors.js';
import { collectFiles, known, unknown, type ServerFacts } from '../../facts/index.js';
import type { Report } from '../../report/index.js';
import type { VersionId } from '../../versions/index.js';
import type { McpContext } from '../context.js';
import { isWithin, readableUnder, resolveReadable } from '../roots.js';
import type { LintInputSchema } from '../schemas.js';
import { auditProfile } from './profile.js';

type LintInput = z.infer<typeof LintInputSchema>;

/**
 * Walks the config as the linter will (same cwd, version, includes) with a reader that refuses
 * files outside the allowed places, then checks the aclfile and certificate it names.
 */
function checkFileAccess(ctx: McpContext, confPath: string, cwd: string, version: VersionId, scratch: string, aclGiven: boolean): void {
  const allowed = (p: string): boolean => readableUnder(ctx.readRoots, p) || isWithin(scratch, p);
  let refused: string | undefined;
  const guardedRead = (p: string): string => {
    if (!allowed(p)) {
      refused = p;
      throw new InputError('outside the allowed read directories', p);
    }
    return readConfigPath(p);
  };
  let parsed;
  try {
    parsed = parseConfig(readConfigPath(confPath), { file: confPath, cwd, version, readFile: guardedRead, listDir });
  } catch (e) {
    if (refused !== undefined && e instanceof ConfigSyntaxError) {
      throw new InputError(`${e.file}:${e.line}: include of ${refused} refused: outside the allowed read directories (--allow-read)`, 'config');
    }
    throw e;
  }
  const eff = effectiveConfig(parsed, version);
  const at = (p: string): string => (isAbsolute(p) ? p : resolve(cwd, p));
  const named: [string, string | undefined][] = [
    ['aclfile', aclGiven ? undefined : eff.aclfile?.path],
    ['tls-cert-file', eff.values['tls-cert-file']?.value || undefined],
  ];
  for (const [directive, value] of named) {
    if (value === undefined) continue;
    const p = at(value);
    if (existsSync(p) && !allowed(p)) {
      throw new InputError(`${directive} ${value} is outside the allowed read directories (--allow-read); pass its content instead${directive === 'aclfile' ? ' (acl_text)' : ''}`, 'config');
    }
  }
}

/** Keeps the modes of the allowed files only; without any, file modes are honestly unknown. */
function fenceFileFacts(ctx: McpContext, facts: ServerFacts, scratch: string): ServerFacts {
  if (!facts.files.known) return facts;
  const kept = facts.files.value.filter((f) => !isWithin(scratch, f.path) && readableUnder(ctx.readRoots, f.path));
  if (kept.length > 0) return { ...facts, files: known(kept) };
  return { ...facts, files: unknown('file modes are checked only for files under the --allow-read directories (text input has no file)') };
}

/** Replaces the scratch directory in everything the model sees by the bare file names. */
function unscratch<T>(value: T, scratch: string): T {
  return JSON.parse(JSON.stringify(value).replaceAll(`${scratch}/`, '')) as T;
}

export function lintConfig(ctx: McpContext, input: LintInput): Report {
  if ((input.config_text === undefined) === (input.config_path === undefined)) throw new InputError('give exactly one of config_text, config_path', 'config');
  if (input.acl_text !== undefined && input.acl_path !== undefined) throw new InputError('give at most one of acl_text, acl_path', 'acl');
  const profile = auditProfile(input.profile);
  const given = input.redis_version?.trim();
  const target = lintTarget(given, profile?.redis_version, 'redis_version');
  const version = target.version;

  const scratch = mkdtempSync(join(tmpdir(), 'redsec-mcp-lint-'));
  try {
    let confPath: string;
    if (input.config_text !== undefined) {
      confPath = join(scratch, 'redis.conf');
      writeFileSync(confPath, input.config_text, { mode: 0o600 });
    } else {
      confPath = resolveReadable(ctx.readRoots, input.config_path!, 'config_path');
    }
    let aclPath: string | undefined;
    if (input.acl_text !== undefined) {
      aclPath = join(scratch, 'users.acl');
      writeFileSync(aclPath, input.acl_text, { mode: 0o600 });
    } else if (input.acl_path !== undefined) {
      aclPath = resolveReadable(ctx.readRoots, input.acl_path, 'acl_path');
    }
    let cwd = input.config_text !== undefined ? scratch : dirname(confPath);
    if (input.cwd !== undefined) {
      cwd = resolveReadable(ctx.readRoots, input.cwd, 'cwd');
      if (!statSync(cwd).isDirectory()) throw new InputError('not a directory', 'cwd');
    }
    checkFileAccess(ctx, confPath, cwd, version, scratch, aclPath !== undefined);
    // As lintFiles does, with the file facts fenced before the rules see them.
    // Unit and Compose text go to the scratch directory like the config text; they name no other file.
    const scratchFile = (name: string, text: string | undefined) => {
      if (text === undefined) return undefined;
      writeFileSync(join(scratch, name), text, { mode: 0o600 });
      return join(scratch, name);
    };
    const systemdUnit = scratchFile('redis-server.service', input.systemd_unit_text);
    const compose = scratchFile('compose.yml', input.compose_text);
    const facts = collectFiles(confPath, {
      ...target,
      cwd,
      ...(aclPath !== undefined ? { aclPath } : {}),
      ...(systemdUnit !== undefined ? { systemdUnit } : {}),
      ...(compose !== undefined ? { compose } : {}),
      ...(input.compose_service !== undefined ? { composeService: input.compose_service } : {}),
    });
    const report = evaluateFacts(fenceFileFacts(ctx, facts, scratch), { profile, cveData: ctx.cveData });
    return unscratch(report, scratch);
  } catch (e) {
    if (e instanceof Error) e.message = e.message.replaceAll(`${scratch}/`, '');
    throw e;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
