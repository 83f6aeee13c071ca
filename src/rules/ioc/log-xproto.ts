import type { Rule } from '../types.js';
import { fail, notApplicable, pass, unknownResult } from '../result.js';
import { pci } from '../compliance.js';

export const iocLogXproto: Rule = {
  id: 'IOC-LOG-XPROTO',
  title: 'Cross-protocol scripting attempts in the log',
  severity: 'medium',
  rationale: 'Since 3.2.7 Redis logs "Possible SECURITY ATTACK detected ... Cross Protocol Scripting" when an HTTP request (POST / Host:) reaches it, the signature of SSRF against the server.',
  remediation: { text: 'Find the web application that forwards requests to Redis (SSRF) and fix it; keep enable-* options at no.' },
  compliance: [pci('10.2.1.4')],
  level: 3,
  modes: ['live', 'lint'],
  check(facts) {
    const s = facts.logScan;
    if (!s) return notApplicable('no logfile was scanned: the audit runs away from the server, or the server logs to standard output');
    if (!s.known) return unknownResult(`cannot scan the log: ${s.why}`);
    const lines = s.value.crossProtocolLines;
    if (lines.length === 0) return pass(`${s.value.file}: no cross-protocol warnings`);
    return fail(`${lines.length} cross-protocol warning(s) in ${s.value.file}`, { location: { file: s.value.file, line: lines[0] ?? 1 } });
  },
};
