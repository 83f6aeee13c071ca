import { describe, expect, it } from 'vitest';
import { VERSION_IDS, versionTable } from './index.js';
import { chooseTable, requestVersion, TABLE_RELEASES, tablesUsed } from './lines.js';

describe('version tables', () => {
  it.each(VERSION_IDS)('%s: TABLE_RELEASES names the release the table was generated from', (id) => {
    expect(versionTable(id).version).toBe(TABLE_RELEASES[id]);
    expect(versionTable(id).flavor).toBe(id.startsWith('valkey-') ? 'valkey' : 'redis');
  });
});

describe('requestVersion', () => {
  const ok = (s: string) => {
    const r = requestVersion(s);
    if (!r.ok) throw new Error(r.reason);
    return [r.choice.id, r.choice.relation] as const;
  };
  it('takes every table id as itself', () => {
    for (const id of VERSION_IDS) expect(ok(id)).toEqual([id, 'exact']);
  });
  it('maps lines, releases and majors to the nearest table', () => {
    expect(ok('8')).toEqual(['8.0', 'exact']);
    expect(ok('8.0.2')).toEqual(['8.0', 'exact']);
    expect(ok('7.2.4')).toEqual(['7.2', 'older']);
    expect(ok('valkey-8.1.1')).toEqual(['valkey-8.1', 'exact']);
    expect(ok('valkey-8')).toEqual(['valkey-8.0', 'exact']);
    expect(ok('valkey-7')).toEqual(['valkey-7.2', 'exact']);
  });
  it('accepts servers newer than the tables and says so', () => {
    expect(ok('8.2')).toEqual(['8.0', 'newer']);
    expect(ok('8.4.0')).toEqual(['8.0', 'newer']);
    expect(ok('8.0.5')).toEqual(['8.0', 'newer']);
    expect(ok('9.0')).toEqual(['8.0', 'newer']);
    expect(ok('valkey-9.0')).toEqual(['valkey-8.1', 'newer']);
    expect(ok('valkey-8.1.4')).toEqual(['valkey-8.1', 'newer']);
  });
  it('refuses only versions older than 6.2 (Valkey 7.2) and garbage, in one line', () => {
    for (const s of ['6.0', '6.0.16', '5', 'valkey-7.0', '0.1', 'latest', '8.x', '', 'valkey-\u001b[31m']) {
      const r = requestVersion(s);
      expect(r.ok, s).toBe(false);
      if (!r.ok) expect(r.reason).not.toMatch(/[\u0000-\u001f]/);
    }
    const r = requestVersion('6.0');
    expect(r.ok ? '' : r.reason).toContain('older than the oldest supported line (Redis 6.2)');
  });
});

describe('chooseTable / tablesUsed', () => {
  it('notes a live server newer than the tables, and only then', () => {
    const newer = chooseTable('redis', '8.4.0')!;
    expect(tablesUsed(newer, 'redis', '8.4.0')).toEqual({
      id: '8.0',
      from: 'Redis 8.0.2',
      target: 'Redis 8.4.0',
      note: "Redis 8.4.0 is newer than redsec's tables: judged with the 8.0 tables (from Redis 8.0.2); commands, categories and directives those tables lack are judged unknown",
    });
    expect(tablesUsed(chooseTable('valkey', '9.0.0')!, 'valkey', '9.0.0').note).toContain('valkey-8.1 tables (from Valkey 8.1.1)');
    expect(tablesUsed(chooseTable('redis', '8.0.2')!, 'redis', '8.0.2').note).toBeUndefined();
    expect(tablesUsed(chooseTable('redis', '7.0.15')!, 'redis', '7.0.15').note).toBeUndefined();
    expect(tablesUsed(chooseTable('redis', '7.2.4')!, 'redis', '7.2.4').note).toBeUndefined();
  });
});
