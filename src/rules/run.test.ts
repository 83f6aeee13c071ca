import { describe, expect, it } from 'vitest';
import { RULES } from './catalog.js';
import { baselineFacts } from './fixture.js';
import { levelAchieved } from './level.js';
import { runRule, runRules } from './run.js';
import type { Rule, RuleContext } from './types.js';

const LIVE: RuleContext = { mode: 'live', profile: null, now: new Date('2026-11-28T00:00:00Z') };

/** The public contract: every check of checks.md except the cloud-API ones, spelled exactly, plus issue 4's config-file rules. */
const CATALOG_IDS = [
  'NET-UNAUTH-REACHABLE', 'NET-BIND-ALL', 'NET-BIND-PUBLIC', 'NET-PROTECTED-MODE-OFF', 'NET-PROTECTED-MODE-PRE7-BIND',
  'NET-PLAINTEXT-PORT-WITH-TLS', 'NET-DEFAULT-PORT', 'NET-UNIXSOCKET-PERM', 'NET-IDLE-TIMEOUT', 'NET-MAXCLIENTS',
  'AUTH-NOPASS-DEFAULT', 'AUTH-ANY-NOPASS-USER', 'AUTH-DEFAULT-USER-ENABLED', 'AUTH-WEAK-PASSWORD', 'AUTH-CLEARTEXT-SECRET',
  'AUTH-CONF-PERMS', 'AUTH-SHARED-PASSWORD', 'AUTH-PASSWORD-AGE', 'AUTH-REPL-CREDS', 'AUTH-BRUTEFORCE-SIGNALS',
  'ACL-ALLCOMMANDS', 'ACL-ALLKEYS', 'ACL-ALLCHANNELS', 'ACL-DANGEROUS', 'ACL-SCRIPTING', 'ACL-REPLICAOF',
  'ACL-RENAME-DEPRECATED', 'ACL-FILE-CONFLICT', 'ACL-SKIP-SANITIZE', 'ACL-ROLE-TEMPLATES', 'ACL-LOG-CAPACITY',
  'CMD-PROTECTED-CONFIGS', 'CMD-MODULE-CMD', 'CMD-DEBUG-CMD', 'CMD-LOCAL-MEANS-SSRF', 'CMD-KEYS-FLUSH', 'CMD-MONITOR', 'CMD-LUA-LIMITS',
  'IOC-PERSIST-PATH', 'IOC-ROGUE-MASTER', 'IOC-UNKNOWN-MODULE', 'IOC-CRON-KEYS', 'IOC-HIJACKED-PASSWORD', 'IOC-LOG-XPROTO', 'IOC-UNKNOWN-CLIENTS',
  'TLS-DISABLED', 'TLS-PROTOCOLS', 'TLS-CIPHERS', 'TLS-CLIENT-AUTH', 'TLS-INTERNODE', 'TLS-CERT',
  'DATA-NO-PERSISTENCE', 'DATA-AT-REST', 'DATA-DIR-PERMS', 'DATA-CVE-SIZE-KNOBS', 'DATA-MAXMEMORY',
  'LOG-NO-SINK', 'LOG-PII', 'LOG-AUDIT-GAP',
  'VER-CVE', 'VER-EOL', 'VER-DEBIAN-LUA',
  'OS-ROOT', 'OS-SYSTEMD', 'OS-CONTAINER',
  'CONF-UNKNOWN-DIRECTIVE', 'CONF-DUPLICATE-DIRECTIVE',
];

describe('catalog', () => {
  it('has exactly the catalog ids, each once', () => {
    expect(RULES.map((r) => r.id).sort()).toEqual([...CATALOG_IDS].sort());
  });

  it('gives every rule its metadata: title, rationale, remediation, level, modes', () => {
    for (const r of RULES) {
      expect(r.title.length, r.id).toBeGreaterThan(5);
      expect(r.rationale.length, r.id).toBeGreaterThan(40);
      expect(r.remediation.text.length, r.id).toBeGreaterThan(5);
      expect([1, 2, 3, 4], r.id).toContain(r.level);
      expect(r.modes.length, r.id).toBeGreaterThan(0);
    }
  });

  it('marks the catalog\'s raised ("↑") rules', () => {
    const raised = RULES.filter((r) => r.raiseForExposure).map((r) => r.id).sort();
    expect(raised).toEqual(
      ['AUTH-DEFAULT-USER-ENABLED', 'LOG-NO-SINK', 'LOG-PII', 'NET-PLAINTEXT-PORT-WITH-TLS', 'TLS-CLIENT-AUTH', 'TLS-PROTOCOLS'].sort(),
    );
  });
});

describe('runRules', () => {
  it('reports every rule at least once, passes included, on a hardened server', () => {
    const findings = runRules(baselineFacts(), LIVE);
    expect(new Set(findings.map((f) => f.id))).toEqual(new Set(CATALOG_IDS));
    const failing = findings.filter((f) => f.status === 'fail' && f.severity !== 'info');
    expect(failing).toEqual([]);
    expect(findings.filter((f) => f.status === 'pass').length).toBeGreaterThan(35);
  });

  it('turns a throwing rule into unknown, never a pass', () => {
    const broken: Rule = { ...RULES[0]!, check: () => { throw new Error('boom\nstack'); } };
    const [r] = runRule(broken, baselineFacts(), LIVE);
    expect(r).toEqual({ status: 'unknown', evidence: 'the rule could not be evaluated: boom' });
  });

  it('raises "↑" rules one level for public exposure and compliance profiles', () => {
    const facts = baselineFacts();
    facts.config = { known: true, value: { ...(facts.config.known ? facts.config.value : {}), port: { value: '6379' } } };
    const sev = (ctx: RuleContext) => runRules(facts, ctx).find((f) => f.id === 'NET-PLAINTEXT-PORT-WITH-TLS')?.severity;
    expect(sev(LIVE)).toBe('high');
    expect(sev({ ...LIVE, profile: { security_level: 'standard', network_exposure: 'public', compliance_requirements: [] } })).toBe('critical');
    expect(sev({ ...LIVE, profile: { security_level: 'standard', network_exposure: 'private_network', compliance_requirements: ['pci_dss'] } })).toBe('critical');
  });

  it('answers unknown, never pass, for every configuration rule when CONFIG is denied', () => {
    const facts = baselineFacts();
    facts.config = { known: false, why: 'CONFIG GET denied (NOPERM)' };
    const findings = runRules(facts, LIVE);
    const configRules = [
      'NET-BIND-ALL', 'NET-PROTECTED-MODE-OFF', 'NET-PLAINTEXT-PORT-WITH-TLS', 'NET-UNIXSOCKET-PERM', 'NET-IDLE-TIMEOUT',
      'ACL-ALLCHANNELS', 'ACL-LOG-CAPACITY', 'ACL-FILE-CONFLICT', 'ACL-SKIP-SANITIZE', 'CMD-PROTECTED-CONFIGS', 'CMD-MODULE-CMD',
      'CMD-DEBUG-CMD', 'CMD-LOCAL-MEANS-SSRF', 'CMD-LUA-LIMITS', 'IOC-PERSIST-PATH', 'DATA-NO-PERSISTENCE', 'DATA-CVE-SIZE-KNOBS',
      'DATA-MAXMEMORY', 'LOG-NO-SINK', 'LOG-PII',
    ];
    for (const id of configRules) {
      const statuses = findings.filter((f) => f.id === id).map((f) => f.status);
      expect(statuses, id).toContain('unknown');
      expect(statuses, id).not.toContain('pass');
    }
    expect(findings.find((f) => f.id === 'NET-BIND-ALL')?.evidence).toContain('CONFIG GET denied');
  });

  it('gives several findings with one id and distinct evidence for multi-result rules', () => {
    const facts = baselineFacts();
    if (!facts.users.known) throw new Error('fixture');
    facts.users.value.push({ name: 'worker', rules: 'on nopass ~* +@all' }, { name: 'cron', rules: 'on nopass ~* +get' });
    const nopass = runRules(facts, LIVE).filter((f) => f.id === 'AUTH-ANY-NOPASS-USER');
    expect(nopass.map((f) => f.evidence)).toEqual(['user worker is on and nopass', 'user cron is on and nopass']);
  });
});

describe('levelAchieved', () => {
  const base = { title: 't', evidence: 'e', remediation: { text: 'x' }, compliance: [] };
  it('stops at the first level with a failure above info or an unknown', () => {
    expect(levelAchieved([{ ...base, id: 'A-B', severity: 'high', status: 'pass', level: 1 }])).toBe(4);
    expect(levelAchieved([{ ...base, id: 'A-B', severity: 'high', status: 'fail', level: 3 }])).toBe(2);
    expect(levelAchieved([{ ...base, id: 'A-B', severity: 'info', status: 'fail', level: 1 }])).toBe(4);
    expect(levelAchieved([{ ...base, id: 'A-B', severity: 'low', status: 'unknown', level: 2 }])).toBe(1);
    expect(levelAchieved([{ ...base, id: 'A-B', severity: 'critical', status: 'fail', level: 1 }])).toBe(0);
    expect(levelAchieved([{ ...base, id: 'A-B', severity: 'critical', status: 'waived', level: 1 }])).toBe(4);
  });
});
