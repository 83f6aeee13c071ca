import { AclRuleError, ConfigSyntaxError } from '../errors.js';
import { trimSet } from '../text/index.js';
import { freezeUser, newUser, type MUser } from './model.js';
import { REASON, RuleFailure } from './reasons.js';
import { applyUserRule, mergeSelectorArgs, redactRule, ruleContext, tooManyRules } from './rules.js';
import type { AclOptions, AclUser } from './types.js';

export interface AclFileLine {
  user: string;
  line: number;
  rules: string[];
}

export interface AclFile {
  users: Map<string, AclUser>;
  lines: AclFileLine[];
}


/**
 * ACLLoadFromFile's reading of an ACL file: lines trimmed, blank lines skipped, split on single
 * spaces (no quotes, no comments), `user <name>` first. The first error is thrown with file:line
 * and the server's wording; nothing is returned on any error.
 */
export function parseAclFile(text: string, file: string, opts: AclOptions): AclFile {
  const ctx = ruleContext(opts);
  const users = new Map<string, MUser>();
  const lines: AclFileLine[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const trimmed = trimSet(raw, ' \t\r\n');
    if (trimmed.length === 0) return;
    const argv = trimmed.split(' ');
    if (argv[0] !== 'user' || argv.length < 2) {
      throw new ConfigSyntaxError('should start with user keyword followed by the username', file, line);
    }
    const name = argv[1]!;
    if (/[ \t\n\v\f\r\0]/.test(name)) throw new ConfigSyntaxError(`username '${name}' contains invalid characters`, file, line);
    let u = users.get(name);
    if (u) {
      if (!ctx.profile.legacy) throw new ConfigSyntaxError(`Duplicate user '${name}' found on line ${line}`, file, line);
      applyUserRule(u, 'reset', ctx); // 6.2: a later line resets the user and wins
    } else {
      u = newUser(name, ctx.profile);
      users.set(name, u);
    }
    const rules = argv.slice(2);
    // Empty tokens (runs of spaces) are no rules: the server skips them.
    const tooMany = tooManyRules(rules.reduce((n, r) => (r.length > 0 ? n + 1 : n), 0));
    if (tooMany !== undefined) throw new ConfigSyntaxError(tooMany, file, line);
    const merged = mergeSelectorArgs(rules, ctx.profile);
    if ('unclosed' in merged) {
      // The server (7.0-7.4) still walks the rules merged before the open '(' through a freed
      // array: with any rule before it, loading this file crashes redis-server.
      const crash = rules.indexOf(merged.unclosed) > 0 ? ' (redis-server crashes loading this line: a rule precedes the open selector)' : '';
      throw new ConfigSyntaxError(`Unmatched parenthesis in selector definition${crash}`, file, line);
    }
    for (const op of merged.merged) {
      const rule = trimSet(op, '\t\r\n');
      try {
        applyUserRule(u, rule, ctx);
      } catch (e) {
        if (!(e instanceof RuleFailure)) throw e;
        if (e.code === 'ENOENT') throw new AclRuleError(redactRule(rule), REASON.ENOENT, file, line);
        throw new ConfigSyntaxError(e.message, file, line);
      }
    }
    lines.push({ user: name, line, rules: rules.map(redactRule) });
  });
  return { users: new Map([...users].map(([k, v]) => [k, freezeUser(v)])), lines };
}
