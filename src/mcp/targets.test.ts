import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError, UsageError } from '../errors.js';
import { buildTargets, credentialEnv, describeTarget, lookupTarget, type TargetSpec } from './targets.js';

const dir = mkdtempSync(join(tmpdir(), 'redsec-targets-'));
const pwFile = join(dir, 'pw');
writeFileSync(pwFile, 'file-secret\n', { mode: 0o600 });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = { PROD_PW: 'env-secret', ADMIN_PW: 'admin-secret', REDSEC_PASSWORD: 'process-secret' };
const build = (entries: [string, TargetSpec][]) => buildTargets(new Map(entries), env);

describe('buildTargets', () => {
  it('keeps names, URLs and where each secret comes from, never the secret', () => {
    const t = build([
      ['prod', { url: 'rediss://audit@10.0.0.5:6380', passwordEnv: 'PROD_PW', adminUser: 'admin', adminPasswordEnv: 'ADMIN_PW', tls: { ca: '/ca.crt' } }],
      ['file', { url: '127.0.0.1:6379', passwordFile: pwFile }],
      ['none', { url: 'redis://localhost' }],
    ]);
    expect([...t.keys()]).toEqual(['prod', 'file', 'none']);
    expect(describeTarget(t.get('prod')!)).toEqual({ name: 'prod', url: 'rediss://audit@10.0.0.5:6380', tls: true });
    expect(t.get('prod')!.password).toEqual({ env: 'PROD_PW' });
    expect(t.get('file')!.password).toEqual({ file: pwFile });
    expect(JSON.stringify([...t.values()])).not.toMatch(/secret/);
  });
  it('keeps the operator\'s --config-command per target and refuses one that is not a command name', () => {
    expect(build([['p', { url: 'redis://h:1', configCommand: 'cfg_9q' }]]).get('p')!.configCommand).toBe('cfg_9q');
    expect(() => build([['p', { url: 'redis://h:1', configCommand: 'two words' }]])).toThrow(/--config-command must be one command name/);
  });
  it('refuses a password in the URL, unset variables, unreadable files, bad names, bad URLs', () => {
    expect(() => build([['p', { url: 'redis://u:pw@h:1' }]])).toThrow(/do not put the password in the URL/);
    expect(() => build([['p', { url: 'redis://h:1', passwordEnv: 'NOPE' }]])).toThrow(/NOPE is not set/);
    expect(() => build([['p', { url: 'redis://h:1', passwordFile: join(dir, 'missing') }]])).toThrow(/cannot read password file/);
    expect(() => build([['p', { url: 'redis://h:1', passwordEnv: 'PROD_PW', passwordFile: pwFile }]])).toThrow(/not both/);
    expect(() => build([['p', { url: 'redis://h:1', adminPasswordEnv: 'ADMIN_PW' }]])).toThrow(/--admin-user/);
    expect(() => build([['bad name', { url: 'redis://h:1' }]])).toThrow(UsageError);
    expect(() => build([['p', { url: 'redis://h:99999' }]])).toThrow(UsageError);
    try {
      build([['p', { url: 'redis://u:hunter2@h:1' }]]);
    } catch (e) {
      expect((e as Error).message).not.toContain('hunter2');
    }
  });
});

describe('lookupTarget', () => {
  const t = build([['prod', { url: 'redis://h:1' }], ['stage', { url: 'redis://h:2' }]]);
  it('finds by exact name only, and lists the names otherwise', () => {
    expect(lookupTarget(t, 'prod').target.port).toBe(1);
    for (const name of ['PROD', 'redis://h:1', 'h:1', ' prod', 'prod/..']) {
      expect(() => lookupTarget(t, name)).toThrow(InputError);
      expect(() => lookupTarget(t, name)).toThrow(/choose one of: prod, stage/);
    }
    expect(() => lookupTarget(new Map(), 'prod')).toThrow(/no targets are allowlisted/);
  });
});

describe('credentialEnv', () => {
  it("holds only the target's own secrets, never the process's REDSEC_PASSWORD", () => {
    const t = build([
      ['prod', { url: 'redis://h:1', passwordEnv: 'PROD_PW', adminUser: 'admin', adminPasswordEnv: 'ADMIN_PW' }],
      ['file', { url: 'redis://h:2', passwordFile: pwFile }],
      ['none', { url: 'redis://h:3' }],
    ]);
    expect(credentialEnv(t.get('prod')!, env)).toEqual({ env: { REDSEC_PASSWORD: 'env-secret', REDSEC_ADMIN_PASSWORD: 'admin-secret' } });
    expect(credentialEnv(t.get('file')!, env)).toEqual({ env: {}, passwordFile: pwFile });
    expect(credentialEnv(t.get('none')!, env)).toEqual({ env: {} });
    expect(() => credentialEnv(t.get('prod')!, {})).toThrow(/no longer set/);
  });
});
