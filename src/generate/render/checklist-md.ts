import type { ChecklistItem, Plan } from '../types.js';

const MARK: Record<ChecklistItem['status'], string> = {
  enforced: '[x] enforced by this bundle',
  verifiable: '[ ] verifiable with `redsec audit`',
  manual: '[ ] manual',
};

/** CHECKLIST.md: the seed's checklist for this level and compliance set, item by item. */
export function renderChecklist(plan: Plan): string {
  const p = plan.profile;
  const lines = [
    '# Redis hardening checklist',
    '',
    `Profile: security_level **${p.security_level}**, network_exposure **${p.network_exposure}**, redis_version **${p.redis_version}**, compliance: ${p.compliance_requirements.length ? p.compliance_requirements.join(', ') : 'none selected (references for all frameworks shown)'}.`,
    '',
    'Each item is **enforced** by this bundle, **verifiable** with `redsec audit` (check IDs given), or **manual**.',
  ];
  const sections = [...new Set(plan.checklist.map((i) => i.section))];
  for (const section of sections) {
    lines.push('', `## ${section}`, '');
    for (const item of plan.checklist.filter((i) => i.section === section)) {
      const parts = [`- ${MARK[item.status]}: **${item.text}**`];
      if (item.note) parts.push(` (${item.note})`);
      if (item.checks.length) parts.push(`. Checks: ${item.checks.map((c) => `\`${c}\``).join(', ')}`);
      if (item.compliance.length) parts.push(`. Serves: ${item.compliance.join('; ')}`);
      lines.push(parts.join(''));
    }
  }
  if (plan.warnings.length) {
    lines.push('', '## Warnings', '');
    for (const w of plan.warnings) lines.push(`- **${w.severity}** \`${w.id}\`: ${w.message}`);
  }
  lines.push('', '## Users', '', '| user | role | enabled | purpose |', '|---|---|---|---|');
  for (const u of plan.users) lines.push(`| ${u.name} | ${u.role} | ${u.enabled ? 'yes' : 'no'} | ${u.purpose} |`);
  return `${lines.join('\n')}\n`;
}
