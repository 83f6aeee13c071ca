import type { Rule, RuleResult } from '../types.js';
import { fail, pass, unknownResult } from '../result.js';
import { configValue, defaultMark, isYes } from '../config.js';
import { hasCompliance } from '../exposure.js';
import { hipaa, pci } from '../compliance.js';
import { tlsOffResult } from './common.js';

export const tlsInternode: Rule = {
  id: 'TLS-INTERNODE',
  title: 'Replication or cluster bus not encrypted',
  severity: 'medium',
  rationale: 'With TLS on for clients but tls-replication no / tls-cluster no, the full dataset still crosses the network in cleartext between nodes. High for compliance profiles.',
  remediation: { text: 'Encrypt node-to-node links.', config: 'tls-replication yes\ntls-cluster yes', command: 'redis-cli CONFIG SET tls-replication yes' },
  compliance: [pci('4.2.1'), hipaa('(e)(1)')],
  level: 3,
  modes: ['live', 'lint'],
  check(facts, ctx) {
    const off = tlsOffResult(facts);
    if (off) return off;
    const severity = hasCompliance(ctx) ? ('high' as const) : undefined;
    const results: RuleResult[] = [];
    const repl = configValue(facts, 'tls-replication');
    const cluster = configValue(facts, 'tls-cluster');
    const enabled = configValue(facts, 'cluster-enabled');
    if (!repl.known) return unknownResult(`cannot read tls-replication: ${repl.why}`);
    if (!repl.value || !isYes(repl.value.value)) results.push(fail(`tls-replication no${defaultMark(repl.value)}: replication traffic is cleartext`, { location: repl.value?.location, severity }));
    const isCluster = (enabled.known && enabled.value && isYes(enabled.value.value)) || (facts.mode.known && facts.mode.value === 'cluster');
    if (isCluster) {
      if (!cluster.known) results.push(unknownResult(`cannot read tls-cluster: ${cluster.why}`));
      else if (!cluster.value || !isYes(cluster.value.value)) results.push(fail(`tls-cluster no${defaultMark(cluster.value)}: the cluster bus is cleartext`, { location: cluster.value?.location, severity }));
    }
    return results.length > 0 ? results : pass(`tls-replication yes${isCluster ? ', tls-cluster yes' : ''}`);
  },
};
