import { describe, expect, it } from 'vitest';
import { checkOne } from '../check.js';
import { baselineFacts, lintFacts, setConfig } from '../fixture.js';
import type { RuleContext } from '../types.js';
import { classifyAddress } from './common.js';

const LIVE: RuleContext = { mode: 'live', profile: null };
const LINT: RuleContext = { mode: 'lint', profile: null };
const profile = (network_exposure: string, security_level = 'standard', compliance_requirements: string[] = []): RuleContext => ({
  mode: 'live',
  profile: { security_level, network_exposure, compliance_requirements },
});
const statusOf = (id: string, facts = baselineFacts(), ctx = LIVE) => checkOne(id, facts, ctx).map((f) => f.status);

describe('NET-UNAUTH-REACHABLE', () => {
  it('fails on PONG, passes on NOAUTH/DENIED, unknown when not probed, n/a in lint', () => {
    const f = baselineFacts();
    f.unauthenticated = { known: true, value: { reply: 'PONG', reachable: true } };
    expect(checkOne('NET-UNAUTH-REACHABLE', f, LIVE)[0]).toMatchObject({ status: 'fail', severity: 'critical' });
    f.unauthenticated = { known: true, value: { reply: '-DENIED Redis is running in protected mode', reachable: true } };
    expect(statusOf('NET-UNAUTH-REACHABLE', f)).toEqual(['pass']);
    f.unauthenticated = { known: false, why: 'probe skipped' };
    expect(statusOf('NET-UNAUTH-REACHABLE', f)).toEqual(['unknown']);
    expect(statusOf('NET-UNAUTH-REACHABLE', lintFacts({}), LINT)).toEqual(['not_applicable']);
  });
});

describe('NET-BIND-ALL', () => {
  it('fails for wildcards, critical when the default user is open', () => {
    const f = setConfig(baselineFacts(), { bind: '* -::*' });
    expect(checkOne('NET-BIND-ALL', f, LIVE)[0]).toMatchObject({ status: 'fail', severity: 'high' });
    if (!f.users.known) throw new Error('fixture');
    f.users.value[0] = { name: 'default', rules: 'on nopass ~* &* +@all' };
    expect(checkOne('NET-BIND-ALL', f, LIVE)[0]).toMatchObject({ status: 'fail', severity: 'critical' });
  });
  it('fails in lint when no bind directive is written (compiled default: all interfaces)', () => {
    const [f] = checkOne('NET-BIND-ALL', lintFacts({ port: '6379' }), LINT);
    expect(f).toMatchObject({ status: 'fail', evidence: 'no bind directive: the server listens on all interfaces' });
  });
  it('passes for specific addresses and carries the file:line in lint', () => {
    const [f] = checkOne('NET-BIND-ALL', lintFacts({ port: '6379', bind: '127.0.0.1 -::1' }), LINT);
    expect(f).toMatchObject({ status: 'pass', location: { file: 'redis.conf', line: 2 } });
  });
});

describe('NET-BIND-PUBLIC', () => {
  it('classifies addresses', () => {
    expect(['127.0.0.1', '-::1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '8.8.8.8', '0.0.0.0', 'fd00::1', '2001:db8::1'].map(classifyAddress)).toEqual([
      'loopback', 'loopback', 'private', 'private', 'private', 'public', 'wildcard', 'private', 'public',
    ]);
  });
  it('fails for a public address under a private profile, or a private one under localhost', () => {
    const f = setConfig(baselineFacts(), { bind: '127.0.0.1 203.0.113.9' });
    expect(statusOf('NET-BIND-PUBLIC', f, profile('private_network'))).toEqual(['fail']);
    expect(statusOf('NET-BIND-PUBLIC', baselineFacts(), profile('localhost'))).toEqual(['fail']);
    expect(statusOf('NET-BIND-PUBLIC', baselineFacts(), profile('private_network'))).toEqual(['pass']);
    expect(statusOf('NET-BIND-PUBLIC', f, profile('public'))).toEqual(['not_applicable']);
  });
});

describe('protected mode', () => {
  it('NET-PROTECTED-MODE-OFF fails when off, critical with a passwordless default user', () => {
    const f = setConfig(baselineFacts(), { 'protected-mode': 'no' });
    expect(checkOne('NET-PROTECTED-MODE-OFF', f, LIVE)[0]).toMatchObject({ status: 'fail', severity: 'high' });
    const l = lintFacts({ 'protected-mode': 'no' });
    expect(checkOne('NET-PROTECTED-MODE-OFF', l, LINT)[0]).toMatchObject({ status: 'fail', severity: 'critical', location: { line: 1 } });
  });
  it('NET-PROTECTED-MODE-PRE7-BIND depends on the version', () => {
    const six = lintFacts({ bind: '10.0.0.5' }, [], '6.2');
    expect(statusOf('NET-PROTECTED-MODE-PRE7-BIND', six, LINT)).toEqual(['fail']);
    expect(statusOf('NET-PROTECTED-MODE-PRE7-BIND', lintFacts({ bind: '127.0.0.1' }, [], '6.2'), LINT)).toEqual(['pass']);
    expect(statusOf('NET-PROTECTED-MODE-PRE7-BIND', lintFacts({ bind: '10.0.0.5' }, [], '7.0'), LINT)).toEqual(['not_applicable']);
    expect(statusOf('NET-PROTECTED-MODE-PRE7-BIND', lintFacts({ bind: '10.0.0.5' }, [], null), LINT)).toEqual(['unknown']);
  });
});

describe('ports, socket, timeouts', () => {
  it('NET-PLAINTEXT-PORT-WITH-TLS', () => {
    expect(statusOf('NET-PLAINTEXT-PORT-WITH-TLS', setConfig(baselineFacts(), { port: '6379' }))).toEqual(['fail']);
    expect(statusOf('NET-PLAINTEXT-PORT-WITH-TLS')).toEqual(['pass']);
    expect(statusOf('NET-PLAINTEXT-PORT-WITH-TLS', setConfig(baselineFacts(), { 'tls-port': '0', port: '6379' }))).toEqual(['not_applicable']);
  });
  it('NET-DEFAULT-PORT is info', () => {
    const f = baselineFacts();
    if (f.info.known && f.info.value.server) f.info.value.server.tcp_port = '6379';
    expect(checkOne('NET-DEFAULT-PORT', f, LIVE)[0]).toMatchObject({ status: 'fail', severity: 'info' });
  });
  it('NET-UNIXSOCKET-PERM', () => {
    const sock = (perm: string) => statusOf('NET-UNIXSOCKET-PERM', setConfig(baselineFacts(), { unixsocket: '/run/redis.sock', unixsocketperm: perm }));
    expect(sock('777')).toEqual(['fail']);
    expect(sock('0')).toEqual(['fail']);
    expect(sock('770')).toEqual(['pass']);
    expect(sock('700')).toEqual(['pass']);
    expect(statusOf('NET-UNIXSOCKET-PERM')).toEqual(['not_applicable']);
  });
  it('NET-IDLE-TIMEOUT fails at 0, and above 900 s for compliance', () => {
    expect(statusOf('NET-IDLE-TIMEOUT', setConfig(baselineFacts(), { timeout: '0' }))).toEqual(['fail']);
    const f = setConfig(baselineFacts(), { timeout: '3600' });
    expect(statusOf('NET-IDLE-TIMEOUT', f)).toEqual(['pass']);
    expect(statusOf('NET-IDLE-TIMEOUT', f, profile('private_network', 'compliance', ['pci_dss']))).toEqual(['fail']);
  });
  it('NET-MAXCLIENTS only applies to hardened and compliance profiles', () => {
    const f = setConfig(baselineFacts(), { maxclients: '10000' });
    expect(statusOf('NET-MAXCLIENTS', f, profile('private_network', 'standard'))).toEqual(['not_applicable']);
    expect(statusOf('NET-MAXCLIENTS', f, profile('private_network', 'hardened'))).toEqual(['fail']);
    expect(statusOf('NET-MAXCLIENTS', baselineFacts(), profile('private_network', 'hardened'))).toEqual(['pass']);
  });
});
