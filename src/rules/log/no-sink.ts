import type { Rule, RuleResult } from '../types.js';
import { fail, pass } from '../result.js';
import { defaultMark, isYes, withConfig } from '../config.js';
import { pci, hipaa, sox } from '../compliance.js';

export const logNoSink: Rule = {
  id: 'LOG-NO-SINK',
  title: 'Server logs go nowhere useful',
  severity: 'low',
  raiseForExposure: true,
  rationale: 'logfile "" with daemonize yes sends logs to /dev/null; with syslog off nothing reaches a collector; loglevel warning drops the notices (startup, config, security warnings) an investigation needs.',
  remediation: { text: 'Log at notice to a file or syslog that is shipped off the host.', config: 'loglevel notice\nsyslog-enabled yes\nlogfile /var/log/redis/redis-server.log', command: 'redis-cli CONFIG SET loglevel notice' },
  compliance: [pci('10.2.1'), hipaa('(b)'), sox('logging')],
  level: 3,
  modes: ['live', 'lint'],
  check(facts) {
    return withConfig(facts, ['logfile', 'daemonize', 'syslog-enabled', 'loglevel'], (v) => {
      const results: RuleResult[] = [];
      const file = (v.logfile?.value ?? '').replace(/^"|"$/g, '');
      const syslog = !!v['syslog-enabled'] && isYes(v['syslog-enabled'].value);
      if (file === '' && v.daemonize && isYes(v.daemonize.value) && !syslog) results.push(fail('logfile "" with daemonize yes and syslog off: logs are discarded', { location: v.logfile?.location }));
      const level = (v.loglevel?.value ?? 'notice').toLowerCase();
      if (level === 'warning' || level === 'nothing') results.push(fail(`loglevel ${level}${defaultMark(v.loglevel)} drops security-relevant notices`, { location: v.loglevel?.location }));
      return results.length > 0 ? results : pass(`loglevel ${level}; logs to ${file || 'stdout'}${syslog ? ' and syslog' : ''}`);
    });
  },
};
