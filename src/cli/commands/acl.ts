import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
// The ACL engine is imported when an action runs: start-up stays small for every other command.
import type { AclOptions, AclUser } from '../../acl/index.js';
import { AclRuleError, InputError, UsageError } from '../../errors.js';
import { newerThanTablesNote, requestVersion, VERSION_LIST } from '../../versions/index.js';
import { action, err, out } from '../action.js';
import { EXIT } from '../exit.js';

interface SourceFlags {
  acl?: string;
  rules?: string;
  user?: string;
  redisVersion: string;
  debian?: boolean;
  format: 'text' | 'json';
}

function aclOptions(flags: { redisVersion: string; debian?: boolean }): AclOptions {
  const r = requestVersion(flags.redisVersion);
  if (!r.ok) throw new UsageError(`--redis-version: ${r.reason}`);
  const version = r.choice.id;
  // A newer line (8.2, valkey-9.0) is evaluated with the nearest tables: say so once, on stderr.
  const note = newerThanTablesNote(r.choice, r.flavor, r.version);
  if (note !== undefined) err(`note: ${note}`);
  return flags.debian ? { version, debianBackports: true } : { version };
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read file (${(e as NodeJS.ErrnoException).code ?? 'error'})`, file);
  }
}

/** The user from an ACL file (by --user, or the only user in it) or from a rule string. */
async function loadUser(file: string | undefined, rules: string | undefined, user: string | undefined, opts: AclOptions, label: string): Promise<AclUser> {
  try {
    return await loadUserOrThrow(file, rules, user, opts, label);
  } catch (e) {
    // A category the tables lack (Redis 8's @search, @json ...): say so rather than only "unknown".
    if (!(e instanceof AclRuleError)) throw e;
    const { unknownCategoryNote } = await import('../../acl/index.js');
    const note = unknownCategoryNote(e.rule, opts.version);
    throw note === undefined ? e : new AclRuleError(e.rule, `${e.reason}: ${note}`, e.file, e.line);
  }
}

async function loadUserOrThrow(file: string | undefined, rules: string | undefined, user: string | undefined, opts: AclOptions, label: string): Promise<AclUser> {
  if ((file === undefined) === (rules === undefined)) throw new UsageError(`give exactly one of ${label}`);
  const { parseAclFile, parseAclUser } = await import('../../acl/index.js');
  if (rules !== undefined) return parseAclUser(user ?? 'user', rules, opts);
  const parsed = parseAclFile(await readText(file!), file!, opts);
  if (user !== undefined) {
    const u = parsed.users.get(user);
    if (!u) throw new InputError(`no user '${user}' in the ACL file`, file);
    return u;
  }
  if (parsed.users.size !== 1) throw new UsageError(`${file} defines ${parsed.users.size} users: choose one with --user`);
  return [...parsed.users.values()][0]!;
}

function sourceOptions(cmd: Command): Command {
  return cmd
    .option('--acl <file>', 'ACL file (the aclfile format: one `user` line per user)')
    .option('--rules <rules>', 'ACL rules as for ACL SETUSER, space separated')
    .option('--user <name>', 'user to evaluate (required when the ACL file has several)')
    .option('--redis-version <version>', `target version: ${VERSION_LIST} (a newer line uses the nearest tables)`, '7.2')
    .option('--debian', "with 7.0: Debian's 7.0.15 with the backported %-rule and glob fixes")
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'));
}

export function registerAcl(program: Command): void {
  const acl = program.command('acl').description("Evaluate ACL rules exactly as Redis does, offline");

  sourceOptions(acl.command('check'))
    .description('can the user run this command line? what the server does when it runs (exit 0 allowed, 1 denied)')
    .argument('<command...>', 'command and arguments, after --')
    .action(
      action(async (argv: string[], flags: SourceFlags) => {
        const opts = aclOptions(flags);
        const user = await loadUser(flags.acl, flags.rules, flags.user, opts, '--acl or --rules');
        const { evaluate } = await import('../../acl/index.js');
        const verdict = evaluate(user, argv, opts);
        if (flags.format === 'json') out(JSON.stringify({ user: user.name, version: opts.version, argv, ...verdict }, null, 2));
        else {
          const { renderVerdict } = await import('../../acl/index.js');
          out(renderVerdict(verdict));
        }
        return verdict.allowed ? EXIT.ok : EXIT.findings;
      }),
    );

  sourceOptions(acl.command('explain'))
    .description('what the user can and cannot do, by category, with risky grants named')
    .action(
      action(async (flags: SourceFlags) => {
        const opts = aclOptions(flags);
        const user = await loadUser(flags.acl, flags.rules, flags.user, opts, '--acl or --rules');
        const { explainUser, renderExplanation } = await import('../../acl/index.js');
        const e = explainUser(user, opts);
        out(flags.format === 'json' ? JSON.stringify(e, null, 2) : renderExplanation(e));
        return EXIT.ok;
      }),
    );

  acl
    .command('diff')
    .description('what changes in effective permissions between two rule sets')
    .option('--before <file>', 'ACL file before')
    .option('--before-rules <rules>', 'rules before')
    .option('--after <file>', 'ACL file after')
    .option('--after-rules <rules>', 'rules after')
    .option('--user <name>', 'user to compare (default: every user of the files)')
    .option('--redis-version <version>', 'target version', '7.2')
    .option('--debian', "with 7.0: Debian's 7.0.15 with the backported fixes")
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(
      action(async (flags: { before?: string; beforeRules?: string; after?: string; afterRules?: string; user?: string; redisVersion: string; debian?: boolean; format: 'text' | 'json' }) => {
        const opts = aclOptions(flags);
        const names = await userNames(flags, opts);
        const { diffUsers, renderDiff } = await import('../../acl/index.js');
        const diffs = [];
        for (const name of names) {
          const before = await loadUser(flags.before, flags.beforeRules, name, opts, '--before or --before-rules');
          const after = await loadUser(flags.after, flags.afterRules, name, opts, '--after or --after-rules');
          diffs.push(diffUsers(before, after, opts));
        }
        out(flags.format === 'json' ? JSON.stringify(diffs, null, 2) : diffs.map(renderDiff).join('\n'));
        return EXIT.ok;
      }),
    );
}

/** With two files and no --user, every user present in both is compared. */
async function userNames(flags: { before?: string; after?: string; user?: string }, opts: AclOptions): Promise<(string | undefined)[]> {
  if (flags.user !== undefined || flags.before === undefined || flags.after === undefined) return [flags.user];
  const { parseAclFile } = await import('../../acl/index.js');
  const a = parseAclFile(await readText(flags.before), flags.before, opts).users;
  const b = parseAclFile(await readText(flags.after), flags.after, opts).users;
  const both = [...a.keys()].filter((n) => b.has(n));
  const only = [...a.keys(), ...b.keys()].filter((n) => !(a.has(n) && b.has(n)));
  if (only.length > 0) throw new InputError(`users not in both files: ${[...new Set(only)].join(', ')}; compare them with --user`, 'diff');
  return both;
}
