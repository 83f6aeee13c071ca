import type { Rule } from '../types.js';
import { notApplicable, unknownResult } from '../result.js';
import { hasCompliance } from '../exposure.js';
import { hipaa, pci, gdpr } from '../compliance.js';

export const dataAtRest: Rule = {
  id: 'DATA-AT-REST',
  title: 'Encryption at rest cannot be verified from Redis',
  severity: 'info',
  rationale: 'Open-source Redis writes RDB/AOF in plaintext and cannot tell whether the volume is encrypted, so this is never reported as passing. Compliance profiles need volume encryption of dir and backups, or field encryption in the application (PCI 3.5.1, HIPAA (a)(2)(iv)).',
  remediation: { text: 'Encrypt the volume holding dir and the backups (LUKS, cloud disk encryption) and record it as evidence.' },
  compliance: [pci('3.5.1'), hipaa('(a)(2)(iv)'), gdpr('Art. 32(1)(a)')],
  level: 4,
  modes: ['live', 'lint'],
  check(_facts, ctx) {
    if (!hasCompliance(ctx)) return notApplicable('no compliance profile; OSS Redis has no at-rest encryption of its own');
    return unknownResult('Redis cannot show whether its data directory and backups are encrypted; verify the volume manually', { severity: 'high' });
  },
};
