import { describe, expect, it } from 'vitest';
import { checkOne } from '../check.js';
import { baselineFacts, lintFacts, setConfig } from '../fixture.js';
import type { RuleContext } from '../types.js';

const LIVE: RuleContext = { mode: 'live', profile: null };
const LINT: RuleContext = { mode: 'lint', profile: null };
const GDPR: RuleContext = { mode: 'live', profile: { security_level: 'compliance', network_exposure: 'private_network', compliance_requirements: ['gdpr'] } };

describe('data rules', () => {
  it('DATA-NO-PERSISTENCE', () => {
    expect(checkOne('DATA-NO-PERSISTENCE', setConfig(baselineFacts(), { save: '', appendonly: 'no' }), LIVE)[0]?.status).toBe('fail');
    expect(checkOne('DATA-NO-PERSISTENCE', lintFacts({}), LINT)[0]?.status).toBe('pass');
  });
  it('DATA-AT-REST is never a pass: unknown (high) under compliance, n/a otherwise', () => {
    expect(checkOne('DATA-AT-REST', baselineFacts(), GDPR)[0]).toMatchObject({ status: 'unknown', severity: 'high' });
    expect(checkOne('DATA-AT-REST', baselineFacts(), LIVE)[0]?.status).toBe('not_applicable');
  });
  it('DATA-DIR-PERMS', () => {
    const f = baselineFacts();
    f.files = { known: true, value: [{ path: '/var/lib/redis', kind: 'dir', mode: 0o777 }, { path: '/var/lib/redis/dump.rdb', kind: 'data', mode: 0o644 }] };
    expect(checkOne('DATA-DIR-PERMS', f, LIVE).map((x) => x.evidence)).toEqual([
      '/var/lib/redis has mode 777: world-writable',
      '/var/lib/redis/dump.rdb has mode 644: readable by others',
    ]);
  });
  it('DATA-CVE-SIZE-KNOBS parses units and is medium before 6.2.6', () => {
    const l = lintFacts({ 'proto-max-bulk-len': '2gb', 'set-max-intset-entries': '512' }, [], '7.2');
    expect(checkOne('DATA-CVE-SIZE-KNOBS', l, LINT)[0]).toMatchObject({ status: 'fail', severity: 'low', location: { line: 1 } });
    const old = setConfig(baselineFacts(), { 'set-max-intset-entries': '100000' });
    old.version = '6.2.5';
    expect(checkOne('DATA-CVE-SIZE-KNOBS', old, LIVE)[0]).toMatchObject({ status: 'fail', severity: 'medium' });
    expect(checkOne('DATA-CVE-SIZE-KNOBS', baselineFacts(), LIVE)[0]?.status).toBe('pass');
  });
  it('DATA-MAXMEMORY', () => {
    const f = setConfig(baselineFacts(), { maxmemory: '0', 'client-output-buffer-limit': 'normal 0 0 0 slave 0 0 0 pubsub 33554432 8388608 60' });
    expect(checkOne('DATA-MAXMEMORY', f, LIVE).map((x) => x.evidence)).toEqual(['maxmemory 0: memory is unbounded', 'client-output-buffer-limit slave 0 0: unbounded']);
  });
});

describe('log rules', () => {
  it('LOG-NO-SINK', () => {
    const f = setConfig(baselineFacts(), { logfile: '', daemonize: 'yes', loglevel: 'warning' });
    expect(checkOne('LOG-NO-SINK', f, LIVE).map((x) => x.status)).toEqual(['fail', 'fail']);
    expect(checkOne('LOG-NO-SINK', f, GDPR)[0]?.severity).toBe('medium');
  });
  it('LOG-PII is version-aware: 7.4 default no fails, 7.2 has no option, Valkey 8 defaults to yes', () => {
    expect(checkOne('LOG-PII', lintFacts({}, [], '7.4'), LINT)[0]).toMatchObject({ status: 'fail', evidence: 'hide-user-data-from-log no (the default)' });
    expect(checkOne('LOG-PII', lintFacts({}, [], '7.2'), LINT)[0]?.status).toBe('not_applicable');
    expect(checkOne('LOG-PII', lintFacts({}, [], 'valkey-8.0'), LINT)[0]?.status).toBe('pass');
    expect(checkOne('LOG-PII', setConfig(baselineFacts(), { 'hide-user-data-from-log': 'no' }), GDPR)[0]?.severity).toBe('medium');
  });
  it('LOG-AUDIT-GAP only for compliance profiles', () => {
    expect(checkOne('LOG-AUDIT-GAP', baselineFacts(), GDPR)[0]).toMatchObject({ status: 'fail', severity: 'info' });
    expect(checkOne('LOG-AUDIT-GAP', baselineFacts(), LIVE)[0]?.status).toBe('not_applicable');
  });
});

describe('OS rules', () => {
  it('OS-ROOT from the process or the unit', () => {
    const f = baselineFacts();
    f.process = { known: true, value: { user: 'root', uid: 0 } };
    expect(checkOne('OS-ROOT', f, LIVE)[0]?.status).toBe('fail');
    f.process = { known: false, why: 'remote' };
    expect(checkOne('OS-ROOT', f, LIVE)[0]?.status).toBe('not_applicable');
    f.systemd = { known: true, value: { file: 'redis.service', noNewPrivileges: true, protectSystem: 'strict', readWritePaths: ['/var/lib/redis'] } };
    expect(checkOne('OS-ROOT', f, LIVE)[0]?.evidence).toBe('redis.service: no User= (or User=root): the service runs as root');
  });
  it('OS-SYSTEMD', () => {
    const f = baselineFacts();
    f.systemd = { known: true, value: { file: 'redis.service', user: 'redis', noNewPrivileges: false, readWritePaths: ['/etc'] } };
    expect(checkOne('OS-SYSTEMD', f, LIVE).map((x) => x.evidence)).toEqual([
      'redis.service: NoNewPrivileges is not set',
      'redis.service: ProtectSystem=(unset)',
      'redis.service: ReadWritePaths beyond the data directory: /etc',
    ]);
    f.systemd = { known: true, value: { file: 'redis.service', user: 'redis', noNewPrivileges: true, protectSystem: 'strict', readWritePaths: ['/var/lib/redis'] } };
    expect(checkOne('OS-SYSTEMD', f, LIVE)[0]?.status).toBe('pass');
  });
  it('OS-CONTAINER', () => {
    const f = baselineFacts();
    expect(checkOne('OS-CONTAINER', f, LIVE)[0]?.status).toBe('not_applicable');
    const service = { source: 'compose.yml: services.cache', image: 'redis:7.2', ports: ['6379:6379'], publishedOnAllInterfaces: true };
    f.container = { known: true, value: { ...service, protectedMode: 'off', protectedModeWhy: 'the image default' } };
    expect(checkOne('OS-CONTAINER', f, LIVE)[0]).toMatchObject({
      status: 'fail',
      evidence: 'compose.yml: services.cache publishes 6379:6379 on all interfaces, and protected mode is off (the image default)',
    });
    f.container = { known: true, value: { ...service, protectedMode: 'unknown', protectedModeWhy: 'a custom image' } };
    expect(checkOne('OS-CONTAINER', f, LIVE)[0]?.status).toBe('unknown');
    f.container = { known: true, value: { ...service, protectedMode: 'on', protectedModeWhy: 'command: --protected-mode yes' } };
    expect(checkOne('OS-CONTAINER', f, LIVE)[0]?.status).toBe('pass');
    f.container = { known: true, value: { ...service, ports: ['127.0.0.1:6379:6379'], publishedOnAllInterfaces: false, protectedMode: 'off', protectedModeWhy: 'x' } };
    expect(checkOne('OS-CONTAINER', f, LIVE)[0]?.status).toBe('pass');
  });
});
