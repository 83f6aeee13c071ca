import { describe, expect, it } from 'vitest';
import { parseInfo } from './info.js';
import { identifyServer, nearestVersionId, compareVersions } from './identity.js';

// The first lines of INFO server from the real servers behind data/versions.
const INFO_SERVER: Record<string, string> = {
  'redis-6.2.16': '# Server\r\nredis_version:6.2.16\r\nredis_git_sha1:00000000\r\nredis_mode:standalone\r\n',
  'redis-7.0.15': '# Server\r\nredis_version:7.0.15\r\nredis_git_sha1:00000000\r\nredis_mode:standalone\r\n',
  'redis-7.4.1': '# Server\r\nredis_version:7.4.1\r\nredis_git_sha1:00000000\r\nredis_mode:standalone\r\n',
  'valkey-7.2.7': '# Server\r\nredis_version:7.2.4\r\nserver_name:valkey\r\nvalkey_version:7.2.7\r\nredis_mode:standalone\r\n',
  'valkey-8.0.1': '# Server\r\nredis_version:7.2.4\r\nserver_name:valkey\r\nvalkey_version:8.0.1\r\nserver_mode:standalone\r\n',
};

describe('parseInfo', () => {
  it('groups key:value lines under lowercase section names', () => {
    const info = parseInfo('# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n\r\n# Stats\r\nacl_access_denied_auth:3\r\n');
    expect(info).toEqual({ server: { redis_version: '7.0.15', redis_mode: 'standalone' }, stats: { acl_access_denied_auth: '3' } });
  });
  it('keeps values that contain colons', () => {
    expect(parseInfo('# Replication\nmaster_host:::1\n')['replication']).toEqual({ master_host: '::1' });
  });
});

describe('identifyServer', () => {
  it('tells Valkey 8 from Redis although both say redis_version 7.2.4', () => {
    expect(identifyServer({ redis_version: '7.2.4', server_name: 'valkey', valkey_version: '8.0.1' })).toEqual({
      flavor: 'valkey',
      version: '8.0.1',
      versionId: 'valkey-8.0',
      tables: { id: 'valkey-8.0', from: 'Valkey 8.0.1', target: 'Valkey 8.0.1' },
    });
    expect(identifyServer({ redis_version: '7.2.4' })).toEqual({
      flavor: 'redis',
      version: '7.2.4',
      versionId: '7.2',
      tables: { id: '7.2', from: 'Redis 7.2.6', target: 'Redis 7.2.4' },
    });
  });

  it('judges a server newer than the tables with the nearest ones and says so', () => {
    const r = identifyServer({ redis_version: '8.4.0', redis_mode: 'standalone' });
    expect([r.versionId, r.tables?.note]).toEqual(['8.0', "Redis 8.4.0 is newer than redsec's tables: judged with the 8.0 tables (from Redis 8.0.2); commands, categories and directives those tables lack are judged unknown"]);
    const v = identifyServer({ redis_version: '7.2.4', server_name: 'valkey', valkey_version: '9.0.0' });
    expect([v.flavor, v.versionId, v.tables?.from]).toEqual(['valkey', 'valkey-8.1', 'Valkey 8.1.1']);
  });
  it('picks the nearest table not newer than the server', () => {
    expect(nearestVersionId('redis', '7.0.15')).toBe('7.0');
    expect(nearestVersionId('redis', '7.4.6')).toBe('7.4');
    expect(nearestVersionId('redis', '8.0.2')).toBe('8.0');
    expect(nearestVersionId('redis', '8.4.0')).toBe('8.0');
    expect(nearestVersionId('redis', '6.0.16')).toBe('6.2');
    expect(nearestVersionId('valkey', '8.0.4')).toBe('valkey-8.0');
    expect(nearestVersionId('valkey', '8.1.0')).toBe('valkey-8.1');
    expect(nearestVersionId('valkey', '9.0.0')).toBe('valkey-8.1');
    expect(nearestVersionId('redis', 'garbage')).toBeNull();
    expect(compareVersions('7.2.11', '7.2.4')).toBeGreaterThan(0);
  });
  it('reads the real servers’ INFO server replies', () => {
    const cases: [string, string, string][] = [
      ['redis-6.2.16', 'redis', '6.2'],
      ['redis-7.0.15', 'redis', '7.0'],
      ['redis-7.4.1', 'redis', '7.4'],
      ['valkey-7.2.7', 'valkey', 'valkey-7.2'],
      ['valkey-8.0.1', 'valkey', 'valkey-8.0'],
    ];
    for (const [file, flavor, id] of cases) {
      const id2 = identifyServer(parseInfo(INFO_SERVER[file] ?? '')['server']);
      expect([file, id2.flavor, id2.versionId]).toEqual([file, flavor, id]);
    }
  });
});
