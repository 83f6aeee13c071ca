import { AclRuleError, ConfigSyntaxError } from '../errors.js';
import { freezeUser, newUser } from './model.js';
import { REASON, RuleFailure } from './reasons.js';
import { applyUserRule, mergeSelectorArgs, redactRule, ruleContext, tooManyRules } from './rules.js';
import type { AclOptions, AclUser } from './types.js';

/**
 * A `user <name> <rules...>` directive of redis.conf, given its tokens after the config
 * tokenizer (the keyword first). Mirrors ACLAppendUserForLoading then ACLLoadConfiguredUsers:
 * syntax errors stop the server with "Error in user declaration '<token>': <reason>", where the
 * server names the token at the rule's index in the *whole* line (so usually the keyword or the
 * username, a 7.x quirk kept here); unknown commands are reported later, at load.
 */
export function parseConfigUserLine(tokens: readonly string[], file: string, line: number, opts: AclOptions): AclUser {
  const ctx = ruleContext(opts);
  const name = tokens[1];
  if (tokens.length < 2 || name === undefined) throw new ConfigSyntaxError('wrong number of arguments', file, line);
  const shown = (i: number) => redactRule(tokens[i] ?? '');
  const tooMany = tooManyRules(tokens.length - 2);
  if (tooMany !== undefined) throw new ConfigSyntaxError(tooMany, file, line);
  const merged = mergeSelectorArgs(tokens.slice(2), ctx.profile);
  if ('unclosed' in merged) {
    const at = tokens.indexOf(merged.unclosed, 2) - 2;
    throw new ConfigSyntaxError(`Error in user declaration '${shown(at)}': Unmatched parenthesis in acl selector`, file, line);
  }
  const u = newUser(name, ctx.profile);
  // The built-in default user already exists, so its line starts from a `reset` of it.
  if (name === 'default') applyUserRule(u, 'reset', ctx);
  let deferred: { rule: string } | undefined;
  merged.merged.forEach((op, j) => {
    try {
      applyUserRule(u, op, ctx);
    } catch (e) {
      if (!(e instanceof RuleFailure)) throw e;
      // Unknown commands are only checked once modules are loaded; the first one then fails.
      if (e.code === 'ENOENT') deferred ??= { rule: op };
      else throw new ConfigSyntaxError(`Error in user declaration '${shown(j)}': ${e.message}`, file, line);
    }
  });
  if (/[ \t\n\v\f\r\0]/.test(name)) throw new ConfigSyntaxError('Spaces not allowed in ACL usernames', file, line);
  if (deferred) {
    throw new AclRuleError(
      redactRule(deferred.rule),
      `${REASON.ENOENT} (redis-server logs "Error loading ACL rule" for the user named '${name}' and exits)`,
      file,
      line,
    );
  }
  return freezeUser(u);
}
