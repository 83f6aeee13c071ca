import { describe, expect, it } from 'vitest';
import { checkOne } from '../check.js';
import { baselineFacts, lintFacts, setConfig } from '../fixture.js';
import type { RuleContext } from '../types.js';

const LIVE: RuleContext = { mode: 'live', profile: null };
const LINT: RuleContext = { mode: 'lint', profile: null };
const H = 'd'.repeat(64);

describe('enable-* gates (7.0+) and ungated commands before 7.0', () => {
  it('CMD-PROTECTED-CONFIGS: yes/local fail, critical when the default user is open', () => {
    expect(checkOne('CMD-PROTECTED-CONFIGS', setConfig(baselineFacts(), { 'enable-protected-configs': 'yes' }), LIVE)[0]).toMatchObject({ status: 'fail', severity: 'high' });
    const open = lintFacts({ 'enable-protected-configs': 'yes' }, [], '7.0');
    expect(checkOne('CMD-PROTECTED-CONFIGS', open, LINT)[0]).toMatchObject({ status: 'fail', severity: 'critical' });
    expect(checkOne('CMD-PROTECTED-CONFIGS', lintFacts({}, [], '7.0'), LINT)[0]?.evidence).toBe('enable-protected-configs no (default of 7.0)');
  });
  it('before 7.0 there is no gate: any user with CONFIG SET fails', () => {
    const six = lintFacts({}, [{ name: 'default', rules: `on #${H} ~* &* +@all` }], '6.2');
    const r = checkOne('CMD-PROTECTED-CONFIGS', six, LINT)[0];
    expect(r?.status).toBe('fail');
    expect(r?.evidence).toBe('Redis 6.2 has no enable-protected-configs gate and default may run CONFIG');
    const locked = lintFacts({}, [{ name: 'default', rules: `on #${H} ~* &* +@all -@admin -@dangerous` }], '6.2');
    expect(checkOne('CMD-PROTECTED-CONFIGS', locked, LINT)[0]?.status).toBe('pass');
  });
  it('CMD-MODULE-CMD and CMD-DEBUG-CMD', () => {
    expect(checkOne('CMD-MODULE-CMD', setConfig(baselineFacts(), { 'enable-module-command': 'local' }), LIVE)[0]?.status).toBe('fail');
    expect(checkOne('CMD-DEBUG-CMD', setConfig(baselineFacts(), { 'enable-debug-command': 'yes' }), LIVE)[0]).toMatchObject({ status: 'fail', severity: 'medium' });
    expect(checkOne('CMD-DEBUG-CMD', baselineFacts(), LIVE)[0]?.status).toBe('pass');
  });
  it('unknown when the gate cannot be read', () => {
    const f = baselineFacts();
    f.config = { known: false, why: 'CONFIG is renamed' };
    expect(checkOne('CMD-MODULE-CMD', f, LIVE)[0]).toMatchObject({ status: 'unknown', evidence: 'cannot read enable-module-command: CONFIG is renamed' });
  });
  it('CMD-LOCAL-MEANS-SSRF reports each local gate; n/a before 7.0', () => {
    const f = setConfig(baselineFacts(), { 'enable-debug-command': 'local', 'enable-module-command': 'local' });
    expect(checkOne('CMD-LOCAL-MEANS-SSRF', f, LIVE).map((x) => x.evidence)).toEqual(['enable-module-command local', 'enable-debug-command local']);
    expect(checkOne('CMD-LOCAL-MEANS-SSRF', lintFacts({}, [], '6.2'), LINT)[0]?.status).toBe('not_applicable');
  });
});

describe('command access for applications', () => {
  const f = lintFacts({}, [{ name: 'app', rules: `on #${H} ~app:* +@read +@write +@keyspace` }, { name: 'admin', rules: `on #${H} ~* &* +@all` }], '7.2');
  it('CMD-KEYS-FLUSH', () => {
    expect(checkOne('CMD-KEYS-FLUSH', f, LINT).map((x) => x.evidence)).toEqual(['user app may run KEYS x, FLUSHALL, FLUSHDB (decided by ACL engine)']);
  });
  it('CMD-KEYS-FLUSH also reports KEYS in use (commandstats)', () => {
    const live = baselineFacts();
    if (live.info.known) live.info.value.commandstats = { cmdstat_keys: 'calls=12,usec=30,usec_per_call=2.5' };
    expect(checkOne('CMD-KEYS-FLUSH', live, LIVE).map((x) => x.evidence)).toEqual(['KEYS has been called 12 time(s) since start (INFO commandstats)']);
  });
  it('CMD-MONITOR', () => {
    const m = lintFacts({}, [{ name: 'app', rules: `on #${H} ~app:* +get +monitor` }], '7.2');
    expect(checkOne('CMD-MONITOR', m, LINT).map((x) => x.status)).toEqual(['fail']);
    expect(checkOne('CMD-MONITOR', f, LINT).map((x) => x.status)).toEqual(['pass']);
  });
  it('CMD-LUA-LIMITS: busy-reply-threshold 0 and SCRIPT DEBUG', () => {
    const s = setConfig(lintFacts({}, [{ name: 'app', rules: `on #${H} ~app:* +get +script|debug` }], '7.2'), { 'busy-reply-threshold': '0' });
    expect(checkOne('CMD-LUA-LIMITS', s, LINT).map((x) => x.evidence)).toEqual([
      'busy-reply-threshold 0',
      'user app may run SCRIPT DEBUG YES (decided by ACL engine)',
    ]);
    // 6.2 spells it lua-time-limit.
    expect(checkOne('CMD-LUA-LIMITS', lintFacts({ 'lua-time-limit': '0' }, [], '6.2'), LINT)[0]?.evidence).toBe('busy-reply-threshold 0');
  });
});
