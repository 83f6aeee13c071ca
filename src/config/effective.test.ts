import { describe, expect, it } from 'vitest';
import { effectiveConfig } from './effective.js';
import { parseConfig } from './parse.js';

const eff = (text: string, version: Parameters<typeof effectiveConfig>[1] = '7.0', cwd?: string) =>
  effectiveConfig(parseConfig(text, { file: 'redis.conf' }), version, cwd === undefined ? {} : { cwd });

describe('effectiveConfig', () => {
  it('fills defaults from the version table, with compiled-in values where the facts run overrode them', () => {
    const c = eff('');
    expect(c.values['port']).toEqual({ value: '6379', isDefault: true });
    expect(c.values['save']).toEqual({ value: '3600 1 300 100 60 10000', isDefault: true });
    expect(c.values['bind']).toEqual({ value: '* -::*', isDefault: true });
    expect(c.values['protected-mode']).toEqual({ value: 'yes', isDefault: true });
    expect(c.values['acl-pubsub-default']?.value).toBe('resetchannels');
    expect(eff('', '6.2').values['acl-pubsub-default']?.value).toBe('allchannels');
    // dir depends on the host: unknown unless the caller says where the server starts
    expect(c.values['dir']).toBeUndefined();
    expect(eff('', '7.0', '/var/lib/redis').values['dir']?.value).toBe('/var/lib/redis');
  });

  it('mirrors aliases the way CONFIG GET * lists both names', () => {
    const c = eff('slaveof 10.0.0.1 6379\nlua-time-limit 100\n');
    expect(c.values['replicaof']?.value).toBe('10.0.0.1 6379');
    expect(c.values['slaveof']?.value).toBe('10.0.0.1 6379');
    expect(c.values['busy-reply-threshold']).toEqual({ value: '100', location: { file: 'redis.conf', line: 2 } });
    const v8 = eff('masterauth s3cret\n', 'valkey-8.0');
    expect(v8.values['primaryauth']?.value).toBe('s3cret');
    expect(v8.values['masterauth']?.value).toBe('s3cret');
    const r62 = eff('replicaof 10.0.0.1 6379\n', '6.2');
    expect(r62.values['slaveof']?.value).toBe('10.0.0.1 6379');
  });

  it('accumulates save and buffer limits, last-wins the rest, and reports duplicates', () => {
    const c = eff('save 900 1\nsave 300 10\nmaxclients 10\nmaxclients 20\nclient-output-buffer-limit pubsub 1mb 1kb 5\n');
    expect(c.values['save']?.value).toBe('900 1 300 10');
    expect(c.values['maxclients']?.value).toBe('20');
    expect(c.values['client-output-buffer-limit']?.value).toBe('normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 1024 5');
    expect(c.duplicates).toEqual([{ name: 'maxclients', locations: [{ file: 'redis.conf', line: 3 }, { file: 'redis.conf', line: 4 }] }]);
    expect(eff('save 900 1\nsave ""\nsave 60 5\n').values['save']?.value).toBe('60 5');
    expect(eff('save ""\n').values['save']?.value).toBe('');
    // 6.2 ignores save lines that are not `save <s> <c>`, but the first one still drops the defaults
    expect(eff('save 900 1 300 10\nsave 60 5\n', '6.2').values['save']?.value).toBe('60 5');
  });

  it('normalises values to what CONFIG GET prints', () => {
    const c = eff('maxmemory 2gb\nappendonly YES\nloglevel WARNING\nunixsocketperm 0700\ndir data\nslaveof no one\n', '7.0', '/srv');
    expect(c.values['maxmemory']?.value).toBe(String(2 * 1024 ** 3));
    expect(c.values['appendonly']?.value).toBe('yes');
    expect(c.values['loglevel']?.value).toBe('warning');
    expect(c.values['unixsocketperm']?.value).toBe('700');
    expect(c.values['dir']?.value).toBe('/srv/data');
    expect(c.values['replicaof']?.value).toBe('');
  });

  it('hands back user lines as tokens, renamed commands, modules, unknown and invalid lines', () => {
    const c = eff(
      'user alice on ">pass word" ~app:* +get\nrename-command CONFIG ""\nloadmodule /m.so a b\nenable-debug-command yes\nappendonly maybe\n',
      '6.2',
    );
    expect(c.users).toEqual([{ name: 'alice', rules: ['on', '>pass word', '~app:*', '+get'], location: { file: 'redis.conf', line: 1 } }]);
    expect(c.renamed).toEqual([{ command: 'config', to: '', location: { file: 'redis.conf', line: 2 } }]);
    expect(c.modules).toEqual([{ path: '/m.so', args: ['a', 'b'], location: { file: 'redis.conf', line: 3 } }]);
    expect(c.unknown).toEqual([{ name: 'enable-debug-command', location: { file: 'redis.conf', line: 4 }, reason: "6.2 has no directive 'enable-debug-command'" }]);
    expect(c.invalid).toEqual([{ name: 'appendonly', location: { file: 'redis.conf', line: 5 }, reason: "argument must be 'yes' or 'no'" }]);
  });

  it('flags user lines mixed with aclfile, and a user defined twice (7.0+) or redefined (6.2)', () => {
    const c = eff('aclfile /etc/redis/users.acl\nuser bob on nopass\n');
    expect(c.conflict).toBe(true);
    expect(c.aclfile).toEqual({ path: '/etc/redis/users.acl', location: { file: 'redis.conf', line: 1 } });
    expect(eff('user bob on\n').conflict).toBe(false);
    const twice = 'user bob on\nuser bob off\n';
    expect(eff(twice).invalid[0]?.reason).toBe(
      "Error in user declaration 'bob': Duplicate user found. A user can only be defined once in config files",
    );
    expect(eff(twice, '6.2').users).toEqual([{ name: 'bob', rules: ['off'], location: { file: 'redis.conf', line: 2 } }]);
  });
});
