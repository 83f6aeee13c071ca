import { describe, expect, it } from 'vitest';
import type { Finding } from '../report/types.js';
import { blockingRules, levelAchieved } from '../rules/index.js';
import { failsAt } from './summary.js';
import { InputError } from '../errors.js';
import { profileFromJson, profileFromLevel, resolveProfileArg } from './profile.js';

const f = (id: string, level: 1 | 2 | 3 | 4, status: Finding['status'], severity: Finding['severity'] = 'high'): Finding => ({
  id, title: id, severity, status, evidence: '', remediation: { text: '' }, compliance: [], level,
});

describe('levels (rules/level.ts) as the audit uses them', () => {
  it('is the highest level with nothing failing or unverified at or below it', () => {
    expect(levelAchieved([f('A', 1, 'pass'), f('B', 2, 'pass'), f('C', 3, 'fail'), f('D', 4, 'pass')])).toBe(2);
    expect(levelAchieved([f('A', 1, 'pass'), f('B', 2, 'unknown')])).toBe(1);
    expect(levelAchieved([f('A', 1, 'waived'), f('B', 2, 'not_applicable'), f('C', 3, 'fail', 'info')])).toBe(4);
    expect(blockingRules([f('A', 1, 'pass'), f('B', 2, 'fail'), f('C', 3, 'unknown'), f('D', 4, 'fail')], 3)).toEqual(['B', 'C']);
  });
});

describe('fail-on', () => {
  const fs = [f('A', 1, 'fail', 'medium'), f('B', 1, 'pass'), f('C', 1, 'unknown'), f('D', 1, 'waived', 'critical'), f('E', 1, 'not_applicable')];
  it('fails at or above the threshold only', () => {
    expect(failsAt(fs, 'high')).toBe(false);
    expect(failsAt(fs, 'medium')).toBe(true);
    expect(failsAt(fs, 'info')).toBe(true);
  });
});

describe('profile argument', () => {
  it('takes a level name or a profile file', () => {
    expect(profileFromLevel('hardened')).toMatchObject({ level: 3, network_exposure: 'private_network' });
    expect(resolveProfileArg('Basic')).toMatchObject({ level: 1, network_exposure: 'localhost' });
    expect(profileFromJson('{"security_level":"compliance","network_exposure":"private_network","compliance_requirements":["pci_dss"]}', 'p.json')).toMatchObject({
      security_level: 'compliance', network_exposure: 'private_network', compliance_requirements: ['pci_dss'], level: 4, redis_version: '7.2',
    });
  });
  it('rejects bad profiles with the field named', () => {
    expect(() => profileFromJson('{"security_level":"ultra"}', 'p.json')).toThrow(InputError);
    expect(() => profileFromJson('{"security_level":"ultra"}', 'p.json')).toThrow(/p\.json: security_level/);
    expect(() => resolveProfileArg('no-such-file.json')).toThrow(/not a level/);
  });
});
