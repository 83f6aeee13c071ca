import type { Rule, RuleResult } from '../types.js';
import { fail, notApplicable, pass, unknownResult } from '../result.js';
import { accessSummary } from '../access.js';
import { effectiveUsers, roleOf, userFlags } from '../users.js';
import { pci, sox } from '../compliance.js';

/** What each role account must not be able to do. */
const FORBIDDEN: Record<'replica' | 'sentinel' | 'monitor', readonly (readonly string[])[]> = {
  replica: [['CONFIG', 'SET', 'dir', 'x'], ['FLUSHALL'], ['EVAL', 'return 1', '0'], ['KEYS', 'x'], ['ACL', 'SETUSER', 'x']],
  sentinel: [['FLUSHALL'], ['EVAL', 'return 1', '0'], ['KEYS', 'x'], ['ACL', 'SETUSER', 'x'], ['CONFIG', 'SET', 'dir', 'x']],
  monitor: [['EVAL', 'return 1', '0'], ['FLUSHALL'], ['CONFIG', 'SET', 'dir', 'x'], ['ACL', 'SETUSER', 'x'], ['MONITOR']],
};

export const aclRoleTemplates: Rule = {
  id: 'ACL-ROLE-TEMPLATES',
  title: 'Replica, Sentinel or monitoring user has more than its role needs',
  severity: 'low',
  rationale:
    'Role accounts (recognised by name: repl/replica, sentinel, monitor/exporter/metrics) are stored in many places and should hold only their role: replication needs +psync +replconf +ping; monitoring needs INFO/PING/SLOWLOG reads without EVAL or key access (redis_exporter\'s README user gets +eval and allkeys).',
  remediation: {
    text: 'Use the role templates.',
    config:
      'user replica on #<sha256> -@all +psync +replconf +ping\nuser monitor on #<sha256> -@all +info +ping +client|list +slowlog|get +latency|latest +config|get',
    command: "redis-cli ACL SETUSER monitor reset on '#<sha256>' -@all +info +ping '+client|list' '+slowlog|get'",
  },
  compliance: [pci('7.2.5'), sox('segregation of duties')],
  level: 3,
  modes: ['live', 'lint'],
  check(facts) {
    const users = effectiveUsers(facts);
    if (!users.known) return unknownResult(`cannot read users: ${users.why}`);
    const roles = users.value.flatMap((u) => {
      const role = roleOf(u.name);
      return role && userFlags(facts, u).enabled ? [{ u, role }] : [];
    });
    if (roles.length === 0) return notApplicable('no replica, sentinel or monitoring users');
    const results: RuleResult[] = [];
    for (const { u, role } of roles) {
      const s = accessSummary(facts, u, FORBIDDEN[role]);
      const extra = [...s.allowed];
      if (role !== 'sentinel' && userFlags(facts, u).anySelectorAllKeys) extra.push('all keys');
      const severity = extra.some((e) => /EVAL|CONFIG|ACL|FLUSHALL/.test(e)) ? ('medium' as const) : undefined;
      if (extra.length > 0) results.push(fail(`${role} user ${u.name} may ${extra.join(', ')}`, { location: u.location, severity }));
      else if (s.unknown.length > 0) results.push(unknownResult(`${role} user ${u.name}: ${s.unknown.join('; ')}`, { location: u.location }));
    }
    return results.length > 0 ? results : pass(`${roles.length} role user(s) follow their templates`);
  },
};
