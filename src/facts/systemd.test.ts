import { describe, expect, it } from 'vitest';
import { parseSystemdUnit } from './systemd.js';

const UNIT = [
  '[Unit]',
  'Description=Advanced key-value store',
  'ReadWritePaths=/not/a/service/setting',
  '',
  '[Service]',
  'User=redis',
  '# NoNewPrivileges=false',
  'ProtectSystem=strict',
  'ReadWritePaths=-/var/lib/redis',
  'ReadWritePaths=-/var/log/redis "/var/run/redis"',
  'ReadWriteDirectories=-/etc/redis',
  'NoNewPrivileges=true',
  '',
  '[Install]',
  'WantedBy=multi-user.target',
].join('\n');

describe('parseSystemdUnit', () => {
  it('reads the [Service] settings OS-SYSTEMD needs, lists accumulated and prefixes dropped', () => {
    expect(parseSystemdUnit([{ file: '/lib/systemd/system/redis-server.service', text: UNIT }])).toEqual({
      file: '/lib/systemd/system/redis-server.service',
      user: 'redis',
      noNewPrivileges: true,
      protectSystem: 'strict',
      readWritePaths: ['/var/lib/redis', '/var/log/redis', '/var/run/redis', '/etc/redis'],
    });
  });

  it('applies drop-ins in order: later values win and an empty assignment resets a list', () => {
    const dropIn = '[Service]\nReadWritePaths=\nReadWritePaths=/var/lib/redis\nNoNewPrivileges=no\nProtectSystem=\n';
    expect(parseSystemdUnit([{ file: 'u.service', text: UNIT }, { file: 'u.service.d/override.conf', text: dropIn }])).toEqual({
      file: 'u.service + 1 drop-in',
      user: 'redis',
      noNewPrivileges: false,
      readWritePaths: ['/var/lib/redis'],
    });
  });

  it('joins continued lines, skips comments inside them, and spells booleans one way', () => {
    const text = '[Service]\nReadWritePaths=/var/lib/redis \\\n; a comment\n  /var/log/redis\nProtectSystem=on\nNoNewPrivileges=1\n';
    expect(parseSystemdUnit([{ file: 'u', text }])).toMatchObject({
      readWritePaths: ['/var/lib/redis', '/var/log/redis'],
      protectSystem: 'yes',
      noNewPrivileges: true,
    });
  });

  it('a unit without sandboxing settings reads as unsandboxed', () => {
    expect(parseSystemdUnit([{ file: 'u', text: '[Service]\nExecStart=/usr/bin/redis-server\n' }])).toEqual({ file: 'u', noNewPrivileges: false, readWritePaths: [] });
  });
});
