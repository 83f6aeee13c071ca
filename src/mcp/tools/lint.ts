/**
 * lint_config: redis.conf (and ACL) text or files in, the lint report out. Text is written to a
 * private temporary directory for the file-based linter and removed afterwards. Every file the
 * linter would read (includes, aclfile, tls-cert-file) must lie under an --allow-read directory,
 * so config text cannot be used to read the server's own files; file modes are reported only for
 * files under those directories (a scratch copy's mode says nothing about the user's file).
 */
import { mkdtempSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { z } from 'zod';
import { evaluateFacts, inferredLintTarget, lintTarget } from '../../audit/index.js';
import { readConfigPath } from '../../config/index.js';
import { InputError } from '../../errors.js';
import { collectFiles, known, unknown, type FilesCollectOptions, type ServerFacts } from '../../facts/index.js';
import type { Report } from '../../report/index.js';
import type { McpContext } from '../context.js';
import { fencedPath } from '../fence.js';
import { isWithin, resolveReadable } from '../roots.js';
import type { LintInputSchema } from '../schemas.js';
import { auditProfile } from './profile.js';

type LintInput = z.infer<typeof LintInputSchema>;

const OUTSIDE = 'outside the allowed read directories (--allow-read)';

/**
 * The filesystem as lint_config may see it: the --allow-read directories and the scratch
 * directory, through the fence (mcp/fence.ts). A refusal is decided before any stat or listing
 * outside, and its message names the path as the config wrote it, never what exists there.
 */
function fencedAccess(ctx: McpContext, scratch: string): NonNullable<FilesCollectOptions['access']> {
  const roots = [...ctx.readRoots.map((r) => r.real), scratch];
  const where = (p: string) => fencedPath(roots, p);
  const refusedHere = () => new InputError(OUTSIDE);
  const missing = (p: string) => Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
  return {
    readFile(p) {
      const f = where(p);
      if (!f.inside) throw refusedHere();
      if (!f.exists) throw missing(p);
      return readConfigPath(f.real);
    },
    listDir(p) {
      const f = where(p);
      if (!f.inside) throw refusedHere();
      if (!f.exists) return undefined;
      let entries;
      try {
        entries = readdirSync(f.real, { withFileTypes: true });
      } catch {
        return undefined;
      }
      return entries.map((e) => {
        if (!e.isSymbolicLink()) return { name: e.name, isDirectory: e.isDirectory() };
        // A link leading out counts as a directory, so a glob going through it is refused, not skipped.
        const t = where(join(f.real, e.name));
        return { name: e.name, isDirectory: !t.inside || (t.exists && isDirectory(t.real)) };
      });
    },
    realPath(p) {
      const f = where(p);
      return f.inside && f.exists ? f.real : undefined;
    },
    mayLook: (p) => where(p).inside,
    refused: (what) => new InputError(`${what} refused: ${OUTSIDE}; pass its content instead${what.startsWith('aclfile') ? ' (acl_text)' : ''}`, 'config'),
  };
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Modes of the user's own files only (a scratch copy's mode says nothing); with none and none
 * withheld, file modes are honestly unknown. Files outside the fence stay in filesWithheld.
 */
function fenceFileFacts(facts: ServerFacts, scratch: string): ServerFacts {
  if (!facts.files.known) return facts;
  const kept = facts.files.value.filter((f) => !isWithin(scratch, f.path));
  if (kept.length > 0 || (facts.filesWithheld?.length ?? 0) > 0) return { ...facts, files: known(kept) };
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
  let target = lintTarget(given, profile?.redis_version, 'redis_version');
  const version = target.version;

  const scratch = realpathSync(mkdtempSync(join(tmpdir(), 'redsec-mcp-lint-')));
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
    // As lint: without a version asked for, the server the file was written for (read through the same fence).
    const inferred = !given && !profile?.redis_version ? inferredLintTarget(confPath, cwd, fencedAccess(ctx, scratch)) : undefined;
    if (inferred) target = inferred;
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
      access: fencedAccess(ctx, scratch),
    });
    const report = evaluateFacts(fenceFileFacts(facts, scratch), { profile, cveData: ctx.cveData });
    if (inferred) report.server.assumed = { version: inferred.version, source: 'file' };
    return unscratch(report, scratch);
  } catch (e) {
    if (e instanceof Error) e.message = e.message.replaceAll(`${scratch}/`, '');
    throw e;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
